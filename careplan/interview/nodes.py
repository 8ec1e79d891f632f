"""The interview's questions once read and checked: sections, questions, groups (lists of items), screens (one
tick list for several questions), the conditions that decide what is asked, and the slots a walk through them
yields. Built by :mod:`careplan.interview.loader`; walked by :class:`careplan.interview.form.Form`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from careplan.interview.fields import (
    MISSING,
    Kind,
)
from careplan.interview.spec import GroupSpec, QuestionSpec, ScreenSpec

GATE_VALUES = ("some", "none", "unknown")
GATE_LABELS = {"some": "Yes", "none": "None", "unknown": "Not asked / not known"}

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Condition:
    path: Path_  # relative to the enclosing item unless absolute
    absolute: bool
    op: str
    values: tuple[Any, ...]
    number: float | None


@dataclass(eq=False)
class Section:
    id: str
    title: str
    nodes: list[Question | Group | Screen] = field(default_factory=list)


@dataclass(eq=False)
class Question:
    spec: QuestionSpec
    section: Section
    rel: tuple[str, ...]
    owner: type[BaseModel]
    info: FieldInfo
    kind: Kind
    nullable: bool
    gated: bool
    choices: list[tuple[Any, str]]
    adapter: TypeAdapter[Any]
    when: list[Condition]
    otherwise: Any
    order: int
    full: tuple[str, ...] = ()  # the field's path from the intake root, list indexes left out

    @property
    def title(self) -> str:
        return self.info.title or self.rel[-1].replace("_", " ")

    @property
    def model_default(self) -> Any:
        """The model's default in JSON form, or MISSING for a required field."""
        if self.info.is_required():
            return MISSING
        return self.adapter.dump_python(self.info.get_default(call_default_factory=True), mode="json")

    def label(self, value: Any) -> str:
        for choice, text in self.choices:
            if choice == value:
                return text
        return str(value)

    def gate_label(self, value: Any) -> str:
        return {**GATE_LABELS, **(self.spec.gate or {})}.get(str(value), str(value))


#: A screen's answers that are not ticks: they stand alone.
SCREEN_SPECIALS = ("none", "unknown", "declined", "each")


@dataclass(eq=False)
class ScreenItem:
    id: str
    label: str
    sets: dict[tuple[str, ...], Any]  # member rel -> the value the tick gives (added to a list; "some" for a gate)


@dataclass(eq=False)
class Screen:
    """A tick list that answers several questions at once (see :class:`careplan.interview.spec.ScreenSpec`).

    Its questions are of three kinds: a *value* member (``screened`` in the file) takes a value from the ticks;
    a *gate* member (a list that may be unknown, named by a tick) has its "Any ...?" answered by the ticks, and
    what it holds is asked when ticked; any other question *follows*, asked as usual after the members before it.
    """

    spec: ScreenSpec
    section: Section
    rel: tuple[str, ...]  # the screen's name, dotted like a field's: its answer's key is its path + ``#screen``
    items: list[ScreenItem]
    nodes: list[Question | Group]
    when: list[Condition]
    order: int
    full: tuple[str, ...] = ()

    def is_value(self, node: Question | Group) -> bool:
        return isinstance(node, Question) and node.spec.screened is not None

    def is_gate(self, node: Question | Group) -> bool:
        return not self.is_value(node) and any(node.rel in item.sets for item in self.items)

    def members(self) -> list[Question | Group]:
        return [n for n in self.nodes if self.is_value(n) or self.is_gate(n)]

    def specials(self) -> list[tuple[str, str]]:
        labels = {str(k): v for k, v in self.spec.specials.items()}
        return [(value, labels[value]) for value in SCREEN_SPECIALS if value in labels]

    def menu(self) -> list[tuple[str, str]]:
        """(value, label) in menu order: "None of these" first (the usual answer), the items, then the others."""
        specials = self.specials()
        return [
            *[(v, t) for v, t in specials if v == "none"],
            *[(item.id, item.label) for item in self.items],
            *[(v, t) for v, t in specials if v != "none"],
        ]

    def problem(self, picked: list[str]) -> str | None:
        """Why these ticks are not an answer (None if they are)."""
        labels = {str(k): v for k, v in self.spec.specials.items()}
        if not picked:
            return f"Tick what you found, or '{labels['none']}' or '{labels['unknown']}'"
        alone = [v for v in picked if v in SCREEN_SPECIALS]
        if alone and len(picked) > 1:
            return f"'{labels[alone[0]]}' goes alone: untick the rest"
        if self.spec.one and len(picked) > 1:
            return "Pick one"
        by_field: dict[tuple[str, ...], dict[str, Any]] = {}
        for item in self.items:
            if item.id in picked:
                for rel, value in item.sets.items():
                    node = next(n for n in self.nodes if n.rel == rel)
                    if isinstance(node, Question) and node.kind != "checkbox" and self.is_value(node):
                        by_field.setdefault(rel, {})[item.label] = value
        for labelled in by_field.values():
            if len({repr(v) for v in labelled.values()}) > 1:
                return f"Tick only one of: {', '.join(labelled)}"
        return None

    def values(self, answer: list[str]) -> dict[tuple[str, ...], Any]:
        """What this answer (not ``each``) gives each member: a value member its value, a gate member its gate
        (``some``, ``none`` or ``unknown``)."""
        special = answer[0] if len(answer) == 1 and answer[0] in SCREEN_SPECIALS else None
        out: dict[tuple[str, ...], Any] = {}
        for node in self.members():
            if not self.is_value(node):
                out[node.rel] = "unknown" if special in ("unknown", "declined") else "none"
                continue
            screened = as_screened(node)
            if special in ("unknown", "declined"):
                out[node.rel] = screened.get(special, screened.get("unknown"))
            else:
                base = screened.get("none")
                out[node.rel] = list(base) if isinstance(base, list) else base
        for item in self.items if special is None else []:
            if item.id in answer:
                for rel, value in item.sets.items():
                    if isinstance(out[rel], list):
                        if value not in out[rel]:
                            out[rel].append(value)
                    else:
                        out[rel] = value
        for node in self.members():  # lists in menu order, as a tick box writes them
            if isinstance(out[node.rel], list) and isinstance(node, Question):
                order = [v for v, _ in node.choices]
                out[node.rel].sort(key=lambda v: order.index(v) if v in order else len(order))
        return out

    def answer_for(self, values: dict[tuple[str, ...], Any]) -> list[str]:
        """The answer that gives these values (the inverse of :meth:`values`): a special, the ticks, or ``each``."""

        def same(a: dict[tuple[str, ...], Any], b: dict[tuple[str, ...], Any]) -> bool:
            return all(
                sorted(map(str, a[k])) == sorted(map(str, b[k])) if isinstance(a[k], list) and isinstance(b[k], list)
                else a[k] == b[k]
                for k in a
            )

        for special in ("none", "unknown", "declined"):
            if special in self.spec.specials and same(self.values([special]), values):
                return [special]
        if self.spec.one:
            return next(([item.id] for item in self.items if same(self.values([item.id]), values)), ["each"])
        ticks = [
            item.id
            for item in self.items
            if all(
                (value in values[rel]) if isinstance(values[rel], list) else values[rel] == value
                for rel, value in item.sets.items()
            )
        ]
        if ticks and same(self.values(ticks), values) and self.problem(ticks) is None:
            return ticks
        return ["each"]

    def label(self, answer: list[str]) -> str:
        names = dict(self.specials()) | {item.id: item.label for item in self.items}
        return ", ".join(names.get(a, a) for a in answer)


def as_screened(node: Question | Group) -> dict[str, Any]:
    screened = node.spec.screened if isinstance(node, Question) else None
    return {str(k): v for k, v in (screened or {}).items()}


@dataclass(eq=False)
class Group:
    spec: GroupSpec
    section: Section
    rel: tuple[str, ...]
    item_model: type[BaseModel]
    nullable: bool
    min: int
    max: int
    nodes: list[Question | Group | Screen]
    when: list[Condition]
    order: int
    full: tuple[str, ...] = ()

    def gate_label(self, value: Any) -> str:
        return {**GATE_LABELS, **(self.spec.choices or {})}.get(str(value), str(value))


@dataclass(frozen=True)
class Slot:
    """One thing to ask: a field, the gate of a list that may be unknown, "add another?", a screen's ticks, or a
    section's notes (asked only on Ctrl-N, or from the review)."""

    key: str
    kind: Literal["field", "gate", "add", "screen", "note"]
    node: Question | Group | Screen
    prefix: Path_  # the enclosing item's path (relative conditions and paths start here)
    path: Path_  # the field's path (field), or the list's path (gate, add)
    index: int = 0  # for "add": the index of the item that would be added
    items: tuple[tuple[str, int], ...] = ()  # enclosing groups: (("baby", 0),) reads "baby 1"

    @property
    def section(self) -> Section:
        return self.node.section


@dataclass
class Walk:
    slots: list[Slot]
    implied: dict[str, Any]
    counts: dict[str, int]


def dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def split_key(key: str) -> tuple[str, str | None, int | None]:
    """``babies#add.1`` -> ("babies", "add", 1); ``health.conditions#gate`` -> (..., "gate", None); a screen's
    ``babies.0.warning_signs#screen`` -> (..., "screen", None)."""
    if "#" not in key:
        return key, None, None
    base, marker = key.split("#", 1)
    if marker.startswith("add."):
        return base, "add", int(marker[4:])
    return base, marker, None


