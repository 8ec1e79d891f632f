"""The interview's questions as data: ``intake_forms/relactation/questions.yaml``, checked against the intake model.

One public function, :func:`load_form`, reads the question file and returns a :class:`Form`. The file says what to
ask and when; the types, ranges, choice values and messages all come from :class:`careplan.intake.Intake`. Every
question is resolved to its model field when the file loads, so a misspelt field, an illegal choice value or a
condition on a field not yet asked is an error naming the question, before anything is asked.

Answers are kept flat, keyed by the slot they answer:

* ``babies.0.birth_weight_g``: a field (dotted intake path; list items by index), in JSON form (dates as text);
* ``health.medications#gate``: for a list that may be unknown, ``some``, ``none`` or ``unknown``;
* ``babies#add.1``: whether to add item 1 (the second) to a list;
* ``babies.0.warning_signs#screen``: a screen's ticks (item ids), or one of ``none``, ``unknown``, ``declined``,
  ``each`` (ask the screen's questions one by one).

:meth:`Form.walk` turns the answers into the slots to ask, in order, following the conditions; answers that no
walk reaches (a question whose condition no longer holds) are dropped by :meth:`Form.prune`, so dependent
questions follow an edited answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from careplan.errors import InputError
from careplan.interview.fields import (
    MISSING,
    Kind,
)
from careplan.interview.spec import GroupSpec, QuestionSpec, ScreenSpec

GATE_VALUES = ("some", "none", "unknown")
GATE_LABELS = {"some": "Yes", "none": "None", "unknown": "Not asked / not known"}

Path_ = tuple[str | int, ...]


# --------------------------------------------------------------------------------------------------------------
# The file's shape
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# The file, resolved against the model
# --------------------------------------------------------------------------------------------------------------


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
        by_field: dict[tuple[str, ...], list[str]] = {}
        for item in self.items:
            if item.id in picked:
                for rel in item.sets:
                    node = next(n for n in self.nodes if n.rel == rel)
                    if isinstance(node, Question) and node.kind != "checkbox" and self.is_value(node):
                        by_field.setdefault(rel, []).append(item.label)
        for names in by_field.values():
            if len(names) > 1:
                return f"Tick only one of: {', '.join(names)}"
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
    """One thing to ask: a field, the gate of a list that may be unknown, or "add another?"."""

    key: str
    kind: Literal["field", "gate", "add", "screen"]
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


# --------------------------------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------------------


class FormError(InputError):
    """The question file does not fit the intake model."""


@dataclass(eq=False)
class Form:
    """The interview's questions, resolved against the intake model."""

    sections: list[Section]
    red_flag_kinds: tuple[str, ...]
    red_flag_entries: tuple[str, ...]
    source: Path
    by_path: dict[tuple[str, ...], Question | Group | Screen] = field(default_factory=dict)

    # -- walking --------------------------------------------------------------------------------------------

    def walk(self, answers: dict[str, Any], *, until_unanswered: bool = False) -> Walk:
        """The slots asked for these answers, in order. With ``until_unanswered``, stop at the first slot with no
        answer (it is the last slot returned). A condition on a field with no answer yet holds, so a full walk
        keeps everything that could still be asked."""
        result = Walk([], {}, {})
        for slot in self._walk_nodes([n for s in self.sections for n in s.nodes], (), (), answers, result):
            result.slots.append(slot)
            if until_unanswered and slot.key not in answers:
                break
        return result

    def next_slot(self, answers: dict[str, Any]) -> Slot | None:
        walk = self.walk(answers, until_unanswered=True)
        if walk.slots and walk.slots[-1].key not in answers:
            return walk.slots[-1]
        return None

    def prune(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers some walk still reaches; the others belong to questions whose condition no longer holds."""
        keys = {slot.key for slot in self.walk(answers).slots}
        return {k: v for k, v in answers.items() if k in keys}

    def _walk_nodes(
        self,
        nodes: list[Question | Group | Screen],
        prefix: Path_,
        items: tuple[tuple[str, int], ...],
        answers: dict[str, Any],
        result: Walk,
    ) -> Iterator[Slot]:
        for node in nodes:
            if not all(self._holds(c, prefix, answers, result) for c in node.when):
                if isinstance(node, Question) and node.otherwise is not MISSING:
                    result.implied[dotted(prefix + node.rel)] = node.otherwise
                continue
            if isinstance(node, Screen):
                yield from self._walk_screen(node, prefix, items, answers, result)
            elif isinstance(node, Question):
                if self._same_as(node, prefix, answers, result):
                    continue
                yield from self._walk_question(node, prefix, items, answers)
            else:
                yield from self._walk_group(node, prefix, items, answers, result)

    def _walk_screen(
        self, node: Screen, prefix: Path_, items: tuple[tuple[str, int], ...], answers: dict[str, Any], result: Walk
    ) -> Iterator[Slot]:
        """The screen's tick list; then its questions one by one (``each``), or the values its answer gives them.
        Before it is answered, its questions count as not asked (most screens find nothing)."""
        key = f"{dotted(prefix + node.rel)}#screen"
        yield Slot(key, "screen", node, prefix, prefix + node.rel, items=items)
        answer = answers.get(key)
        if answer == ["each"]:
            yield from self._walk_nodes(list(node.nodes), prefix, items, answers, result)
            return
        if not isinstance(answer, list):
            return
        values = node.values(answer)
        for member in node.nodes:
            path = prefix + member.rel
            if node.is_value(member):
                result.implied[dotted(path)] = values[member.rel]
            elif not node.is_gate(member):
                yield from self._walk_nodes([member], prefix, items, answers, result)
            elif values[member.rel] != "some":
                result.implied[dotted(path)] = [] if values[member.rel] == "none" else None
            elif isinstance(member, Question):
                yield from self._walk_question(member, prefix, items, answers, gate_given=True)
            else:
                yield from self._walk_group(member, prefix, items, answers, result, gate_given=True)

    def _same_as(self, node: Question, prefix: Path_, answers: dict[str, Any], result: Walk) -> bool:
        """A question with ``same_as`` is not asked while the answer it repeats is known (a follow-up's progress
        record for this visit takes the weight and diapers just given): its value is implied. An answer already
        given to it (typed, or carried over from an earlier visit) is kept and asked as usual."""
        if not node.spec.same_as:
            return False
        key = dotted(prefix + node.rel)
        if key in answers:
            return False
        value = self.value_at(self.resolve_template(node.spec.same_as, prefix, answers), answers, result.implied)
        if value is MISSING or value is None:
            return False
        result.implied[key] = value
        return True

    def _walk_question(
        self,
        node: Question,
        prefix: Path_,
        items: tuple[tuple[str, int], ...],
        answers: dict[str, Any],
        *,
        gate_given: bool = False,
    ) -> Iterator[Slot]:
        """A field; a list that may be unknown asks its gate first (unless a screen's tick said "some")."""
        path = prefix + node.rel
        key = dotted(path)
        if node.gated and not gate_given:
            gate = f"{key}#gate"
            yield Slot(gate, "gate", node, prefix, path, items=items)
            if answers.get(gate) != "some":
                return
        yield Slot(key, "field", node, prefix, path, items=items)

    def _walk_group(
        self,
        node: Group,
        prefix: Path_,
        items: tuple[tuple[str, int], ...],
        answers: dict[str, Any],
        result: Walk,
        *,
        gate_given: bool = False,
    ) -> Iterator[Slot]:
        path = prefix + node.rel
        key = dotted(path)
        first_optional = node.min
        result.counts[key] = 0
        if node.nullable:
            gate = f"{key}#gate"
            if not gate_given:
                yield Slot(gate, "gate", node, prefix, path, items=items)
                if answers.get(gate) != "some":
                    return
            first_optional = max(1, node.min)
        for index in range(node.max):
            if index >= first_optional:
                add = f"{key}#add.{index}"
                yield Slot(add, "add", node, prefix, path, index=index, items=items)
                if answers.get(add) is not True:
                    return
            result.counts[key] = index + 1
            yield from self._walk_nodes(node.nodes, (*path, index), (*items, (node.spec.item, index)), answers, result)

    # -- values ---------------------------------------------------------------------------------------------

    def value_at(self, path: Path_, answers: dict[str, Any], implied: dict[str, Any] | None = None) -> Any:
        """The answer at an intake path (a gated list reads [] for "none" and null for "unknown"); MISSING if
        there is none yet."""
        key = dotted(path)
        node = self.by_path.get(tuple(p for p in path if isinstance(p, str)))
        if isinstance(node, Question) and node.gated:
            gate = answers.get(f"{key}#gate", MISSING)
            if gate == "none":
                return []
            if gate == "unknown":
                return None
            # "some", or a screen's answer: the list itself (below)
        if key in answers:
            return answers[key]
        if implied and key in implied:
            return implied[key]
        return MISSING

    def _holds(self, cond: Condition, prefix: Path_, answers: dict[str, Any], result: Walk) -> bool:
        path = cond.path if cond.absolute else prefix + cond.path
        node = self.by_path.get(tuple(p for p in path if isinstance(p, str)))
        if isinstance(node, Group):
            value: Any = result.counts.get(dotted(path), MISSING)
        else:
            value = self.value_at(path, answers, result.implied)
            if value is MISSING and isinstance(node, Question) and node.otherwise is MISSING:
                # not asked because its own condition failed: the model's default stands
                walked = {s.key for s in result.slots}
                if dotted(path) not in walked and f"{dotted(path)}#gate" not in walked:
                    value = node.model_default
        if value is MISSING:
            return True  # not answered yet: keep what depends on it
        return _test(cond, value)

    def resolve_template(self, template: str, prefix: Path_, answers: dict[str, Any]) -> Path_:
        """``/babies.{baby}.current_weight_g`` -> ("babies", N, "current_weight_g"), N from the item's 1-based
        ``baby`` answer (the model's default when not asked)."""
        absolute = template.startswith("/")
        parts: list[str | int] = []
        for part in template.lstrip("/").split("."):
            match = re.fullmatch(r"\{(\w+)\}", part)
            if match:
                number = self.value_at((*prefix, match.group(1)), answers)
                if number is MISSING:
                    node = self.by_path.get(tuple(p for p in (*prefix, match.group(1)) if isinstance(p, str)))
                    number = node.model_default if isinstance(node, Question) else 1
                parts.append(int(number) - 1 if isinstance(number, int) else 0)
            elif part.isdigit():
                parts.append(int(part))
            else:
                parts.append(part)
        return tuple(parts) if absolute else (*prefix, *parts)

    def questions(self) -> Iterator[Question | Group]:
        """Every question and group (a screen's questions included; the screens themselves are not questions)."""

        def visit(nodes: list[Question | Group | Screen]) -> Iterator[Question | Group]:
            for node in nodes:
                if not isinstance(node, Screen):
                    yield node
                if isinstance(node, Group | Screen):
                    yield from visit(list(node.nodes))

        for section in self.sections:
            yield from visit(section.nodes)


def _test(cond: Condition, value: Any) -> bool:
    if cond.op == "is":
        return value in cond.values
    if cond.op == "is_not":
        return value not in cond.values
    if cond.op == "includes_any":
        return isinstance(value, list) and any(v in value for v in cond.values)
    if isinstance(value, list):
        value = len(value)
    return isinstance(value, int | float) and not isinstance(value, bool) and value > (cond.number or 0)


# --------------------------------------------------------------------------------------------------------------
# Typed text -> value, value -> text
# --------------------------------------------------------------------------------------------------------------


