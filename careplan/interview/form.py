"""The interview's questions as data: ``intake_forms/relactation/questions.yaml``, checked against the intake model.

One public function, :func:`load_form`, reads the question file and returns a :class:`Form`. The file says what to
ask and when; the types, ranges, choice values and messages all come from :class:`careplan.intake.Intake`. Every
question is resolved to its model field when the file loads, so a misspelt field, an illegal choice value or a
condition on a field not yet asked is an error naming the question, before anything is asked.

Answers are kept flat, keyed by the slot they answer:

* ``babies.0.birth_weight_g``: a field (dotted intake path; list items by index), in JSON form (dates as text);
* ``health.medications#gate``: for a list that may be unknown, ``some``, ``none`` or ``unknown``;
* ``babies#add.1``: whether to add item 1 (the second) to a list.

:meth:`Form.walk` turns the answers into the slots to ask, in order, following the conditions; answers that no
walk reaches (a question whose condition no longer holds) are dropped by :meth:`Form.prune`, so dependent
questions follow an edited answer.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from pydantic.fields import FieldInfo

from careplan._io import load_yaml
from careplan.errors import InputError, submodel
from careplan.intake import Intake

DEFAULT_PLAN_TYPE = "relactation"
GATE_VALUES = ("some", "none", "unknown")
GATE_LABELS = {"some": "Yes", "none": "None", "unknown": "Not asked / not known"}
MAX_ITEMS = 50  # for lists the model does not cap

Kind = Literal["select", "checkbox", "confirm", "date", "int", "float", "text"]
Path_ = tuple[str | int, ...]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def form_path(plan_type: str = DEFAULT_PLAN_TYPE) -> Path:
    """A plan type's question file (its manifest names it; ``intake_forms/<type>/questions.yaml`` for careplan's
    own)."""
    from careplan.plantypes import load_plantype

    kind = load_plantype(plan_type)
    if kind.form is None:
        raise FormError([f"plan type {plan_type!r} has no interview form"])
    return kind.form


# --------------------------------------------------------------------------------------------------------------
# The file's shape
# --------------------------------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ConditionSpec(_Strict):
    field: str
    is_: Annotated[list[Any] | None, Field(alias="is")] = None
    is_not: list[Any] | None = None
    includes_any: list[Any] | None = None
    more_than: float | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> ConditionSpec:
        given = [n for n in ("is_", "is_not", "includes_any", "more_than") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of is, is_not, includes_any, more_than")
        return self


When = ConditionSpec | list[ConditionSpec] | None


class QuestionSpec(_Strict):
    field: str
    ask: str
    help: str | None = None
    choices: dict[str, str] | None = None
    when: When = None
    otherwise: Any = None
    default: Any = None
    default_from: str | None = None
    input: Literal["weight", "weeks"] | None = None
    hint: str | None = None
    follow_up: Literal["fresh"] | None = None
    gate: dict[str, str] | None = None
    pick: str | None = None


class GroupSpec(_Strict):
    group: str
    item: str
    label: str | None = None
    ask: str | None = None
    add: str
    help: str | None = None
    when: When = None
    choices: dict[str, str] | None = None
    questions: list[QuestionSpec | GroupSpec]


class SectionSpec(_Strict):
    id: str
    title: str
    questions: list[QuestionSpec | GroupSpec]


class RedFlagSpec(_Strict):
    kinds: list[Literal["urgent", "referral"]] = ["urgent"]
    entries: list[str] = []


class FormSpec(_Strict):
    version: Literal[1]
    red_flags: RedFlagSpec = RedFlagSpec()
    sections: list[SectionSpec]


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
    nodes: list[Question | Group] = field(default_factory=list)


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


@dataclass(eq=False)
class Group:
    spec: GroupSpec
    section: Section
    rel: tuple[str, ...]
    item_model: type[BaseModel]
    nullable: bool
    min: int
    max: int
    nodes: list[Question | Group]
    when: list[Condition]
    order: int
    full: tuple[str, ...] = ()

    def gate_label(self, value: Any) -> str:
        return {**GATE_LABELS, **(self.spec.choices or {})}.get(str(value), str(value))


@dataclass(frozen=True)
class Slot:
    """One thing to ask: a field, the gate of a list that may be unknown, or "add another?"."""

    key: str
    kind: Literal["field", "gate", "add"]
    node: Question | Group
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
    """``babies#add.1`` -> ("babies", "add", 1); ``health.conditions#gate`` -> (..., "gate", None)."""
    if "#" not in key:
        return key, None, None
    base, marker = key.split("#", 1)
    if marker.startswith("add."):
        return base, "add", int(marker[4:])
    return base, marker, None


# --------------------------------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------------------------------


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _literal_values(annotation: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)
    return None


def _list_item(annotation: Any) -> Any | None:
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    return None


def _adapter(info: FieldInfo) -> TypeAdapter[Any]:
    annotation: Any = info.annotation
    if info.metadata:
        return TypeAdapter(Annotated[(annotation, *info.metadata)])
    return TypeAdapter(annotation)


def _kind(annotation: Any) -> tuple[Kind, tuple[Any, ...]] | None:
    base, _ = _unwrap_optional(annotation)
    values = _literal_values(base)
    if values is not None:
        return "select", values
    item = _list_item(base)
    if item is not None:
        values = _literal_values(item)
        return ("checkbox", values) if values is not None else None
    if base is bool:
        return "confirm", ()
    if base is date:
        return "date", ()
    if base is int:
        return "int", ()
    if base is float:
        return "float", ()
    if isinstance(base, type) and issubclass(base, BaseModel):
        return None
    return "text", ()


def _resolve(model: type[BaseModel], parts: tuple[str, ...]) -> tuple[type[BaseModel], FieldInfo]:
    """The model owning the last part of a dotted path, and that field; KeyError when a part is not a field."""
    current = model
    for index, part in enumerate(parts):
        info = current.model_fields.get(part)
        if info is None:
            raise KeyError(part)
        if index == len(parts) - 1:
            return current, info
        sub = submodel(info.annotation)
        if sub is None or _list_item(_unwrap_optional(info.annotation)[0]) is not None:
            raise KeyError(part)
        current = sub
    raise KeyError("")


def _length_limits(info: FieldInfo) -> tuple[int, int]:
    low, high = 0, MAX_ITEMS
    for meta in info.metadata:
        low = getattr(meta, "min_length", None) or low
        high = getattr(meta, "max_length", None) or high
    return low, high


# --------------------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Scope:
    model: type[BaseModel]
    rel_root: tuple[str, ...]  # this scope's list path from the intake root (for the order check)
    parent: _Scope | None
    asked: dict[tuple[str, ...], int]  # paths asked so far in this scope (absolute for the root), with order


class FormError(InputError):
    """The question file does not fit the intake model."""


@dataclass(eq=False)
class Form:
    """The interview's questions, resolved against the intake model."""

    sections: list[Section]
    red_flag_kinds: tuple[str, ...]
    red_flag_entries: tuple[str, ...]
    source: Path
    by_path: dict[tuple[str, ...], Question | Group] = field(default_factory=dict)

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
        nodes: list[Question | Group],
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
            if isinstance(node, Question):
                yield from self._walk_question(node, prefix, items, answers)
            else:
                yield from self._walk_group(node, prefix, items, answers, result)

    def _walk_question(
        self, node: Question, prefix: Path_, items: tuple[tuple[str, int], ...], answers: dict[str, Any]
    ) -> Iterator[Slot]:
        path = prefix + node.rel
        key = dotted(path)
        if node.gated:
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
    ) -> Iterator[Slot]:
        path = prefix + node.rel
        key = dotted(path)
        first_optional = node.min
        result.counts[key] = 0
        if node.nullable:
            gate = f"{key}#gate"
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
            if gate is MISSING:
                return MISSING
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
        def visit(nodes: list[Question | Group]) -> Iterator[Question | Group]:
            for node in nodes:
                yield node
                if isinstance(node, Group):
                    yield from visit(node.nodes)

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


class _Loader:
    def __init__(self, source: Path) -> None:
        self.source = source
        self.problems: list[str] = []
        self.order = 0
        self.by_path: dict[tuple[str, ...], Question | Group] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source.name}: {where}: {message}")

    def load(self, spec: FormSpec) -> Form:
        root = _Scope(Intake, (), None, {})
        sections = []
        seen_ids: set[str] = set()
        for section_spec in spec.sections:
            if section_spec.id in seen_ids:
                self.problem(f"section {section_spec.id}", "the section id is used twice")
            seen_ids.add(section_spec.id)
            section = Section(section_spec.id, section_spec.title)
            section.nodes = self.nodes(section_spec.questions, section, root, f"section {section_spec.id}")
            sections.append(section)
        if self.problems:
            raise FormError(self.problems)
        return Form(
            sections=sections,
            red_flag_kinds=tuple(spec.red_flags.kinds),
            red_flag_entries=tuple(spec.red_flags.entries),
            source=self.source,
            by_path=self.by_path,
        )

    def nodes(
        self, specs: list[QuestionSpec | GroupSpec], section: Section, scope: _Scope, where: str
    ) -> list[Question | Group]:
        out: list[Question | Group] = []
        for spec in specs:
            node: Question | Group | None
            if isinstance(spec, GroupSpec):
                node = self.group(spec, section, scope, where)
            else:
                node = self.question(spec, section, scope, where)
            if node is not None:
                out.append(node)
        return out

    def _field(self, scope: _Scope, name: str, where: str) -> tuple[tuple[str, ...], type[BaseModel], FieldInfo] | None:
        rel = tuple(name.split("."))
        try:
            owner, info = _resolve(scope.model, rel)
        except KeyError:
            self.problem(where, f"'{name}' is not a field of {scope.model.__name__}")
            return None
        full = scope.rel_root + rel
        if full in self.by_path:
            self.problem(where, f"'{name}' is asked twice")
            return None
        return rel, owner, info

    def question(self, spec: QuestionSpec, section: Section, scope: _Scope, where: str) -> Question | None:
        where = f"{where} › {spec.field}"
        found = self._field(scope, spec.field, where)
        if found is None:
            return None
        rel, owner, info = found
        kind_values = _kind(info.annotation)
        if kind_values is None:
            self.problem(where, "a list of items or a group of fields is asked with `group:`, not `field:`")
            return None
        kind, values = kind_values
        base, nullable = _unwrap_optional(info.annotation)
        gated = nullable and kind == "checkbox"
        adapter = _adapter(info)
        choices: list[tuple[Any, str]] = []
        if kind in ("select", "checkbox"):
            for value in spec.choices or {}:
                if value not in values:
                    legal = ", ".join(map(str, values))
                    self.problem(where, f"choice '{value}' is not one of the model's values ({legal})")
            labels = spec.choices or {}
            choices = [(v, labels[v]) for v in labels if v in values]
            choices += [(v, str(v).replace("_", " ").capitalize()) for v in values if v not in labels]
        elif spec.choices:
            self.problem(where, "choices are only for fields with a fixed set of values")
        if (spec.gate or spec.pick) and not gated:
            self.problem(where, "gate and pick are only for lists that may be unknown")
        if spec.gate:
            self._check_gate(spec.gate, where)
        if (spec.input == "weight" and kind != "int") or (spec.input == "weeks" and kind != "float"):
            self.problem(where, f"input '{spec.input}' does not fit a field of type {kind}")
        if spec.hint is not None and not isinstance(getattr(scope.model, spec.hint, None), property):
            self.problem(where, f"hint '{spec.hint}' is not a computed value of {scope.model.__name__}")
        otherwise = MISSING
        if "otherwise" in spec.model_fields_set:
            otherwise = self._legal(adapter, spec.otherwise, where, "otherwise")
        if spec.default is not None and not (kind == "date" and spec.default == "today"):
            self._legal(adapter, spec.default, where, "default")
        if spec.default_from is not None:
            self._check_path(spec.default_from, scope, where)
        when = self.conditions(spec.when, scope, where)
        self.order += 1
        question = Question(
            spec=spec,
            section=section,
            rel=rel,
            owner=owner,
            info=info,
            kind=kind,
            nullable=nullable,
            gated=gated,
            choices=choices,
            adapter=adapter,
            when=when,
            otherwise=otherwise,
            order=self.order,
            full=scope.rel_root + rel,
        )
        del base
        self.by_path[scope.rel_root + rel] = question
        scope.asked[rel] = self.order
        return question

    def group(self, spec: GroupSpec, section: Section, scope: _Scope, where: str) -> Group | None:
        where = f"{where} › {spec.group}"
        found = self._field(scope, spec.group, where)
        if found is None:
            return None
        rel, _owner, info = found
        base, nullable = _unwrap_optional(info.annotation)
        item = _list_item(base)
        if not (isinstance(item, type) and issubclass(item, BaseModel)):
            self.problem(where, "`group:` is for a list of items; ask this field with `field:`")
            return None
        if nullable and not spec.ask:
            self.problem(where, "a list that may be unknown needs `ask` (the 'Any ...?' question)")
        if spec.choices:
            self._check_gate(spec.choices, where)
        low, high = _length_limits(info)
        if low == 0 and not nullable and not spec.ask:
            self.problem(where, "a list that may be empty needs `ask` (the 'Add a ...?' question)")
        when = self.conditions(spec.when, scope, where)
        self.order += 1
        order = self.order
        inner = _Scope(item, scope.rel_root + rel, scope, {})
        group = Group(
            spec=spec,
            section=section,
            rel=rel,
            item_model=item,
            nullable=nullable,
            min=low,
            max=high,
            nodes=[],
            when=when,
            order=order,
            full=scope.rel_root + rel,
        )
        self.by_path[scope.rel_root + rel] = group
        scope.asked[rel] = order
        group.nodes = self.nodes(spec.questions, section, inner, where)
        if spec.label is not None and spec.label not in item.model_fields:
            self.problem(where, f"label '{spec.label}' is not a field of {item.__name__}")
        return group

    def _check_gate(self, labels: dict[str, str], where: str) -> None:
        for value in labels:
            if value not in GATE_VALUES:
                self.problem(where, f"'{value}' is not one of {', '.join(GATE_VALUES)}")

    def _legal(self, adapter: TypeAdapter[Any], value: Any, where: str, what: str) -> Any:
        try:
            return adapter.dump_python(adapter.validate_python(value), mode="json")
        except ValidationError as exc:
            self.problem(where, f"{what} {value!r} is not allowed: {plain_message(exc.errors()[0])}")
            return MISSING

    def _check_path(self, template: str, scope: _Scope, where: str) -> None:
        parts = tuple(p for p in template.lstrip("/").split(".") if not p.isdigit() and not p.startswith("{"))
        model = Intake if template.startswith("/") else scope.model
        try:
            _resolve_through_lists(model, parts)
        except KeyError:
            self.problem(where, f"'{template}' is not a field")

    def conditions(self, when: When, scope: _Scope, where: str) -> list[Condition]:
        specs = [when] if isinstance(when, ConditionSpec) else list(when or [])
        out = []
        for spec in specs:
            condition = self.condition(spec, scope, where)
            if condition is not None:
                out.append(condition)
        return out

    def condition(self, spec: ConditionSpec, scope: _Scope, where: str) -> Condition | None:
        where = f"{where} › when {spec.field}"
        absolute = spec.field.startswith("/") or scope.parent is None
        path = tuple(spec.field.lstrip("/").split("."))
        full = path if absolute else scope.rel_root + path
        node = self.by_path.get(full)
        if node is None:
            known = full in _all_field_paths()
            self.problem(where, "only a field asked before this question can be a condition" if known else
                         f"'{spec.field}' is not a field")
            return None
        op = next(n for n in ("is_", "is_not", "includes_any", "more_than") if getattr(spec, n) is not None)
        values: list[Any] = []
        if isinstance(node, Group):
            if op != "more_than":
                self.problem(where, "a list of items can only be tested with more_than")
        elif op == "more_than":
            if node.kind not in ("int", "float", "checkbox"):
                self.problem(where, "more_than needs a number or a list")
        elif op == "includes_any":
            if node.kind != "checkbox":
                self.problem(where, "includes_any needs a list field")
            legal = {v for v, _ in node.choices}
            for value in spec.includes_any or []:
                if value not in legal:
                    self.problem(where, f"'{value}' is not one of the field's values")
            values = list(spec.includes_any or [])
        else:
            for value in getattr(spec, op) or []:
                if value is None and (node.nullable or node.gated):
                    values.append(None)
                    continue
                if node.gated and value == []:
                    values.append([])
                    continue
                legal = self._legal(node.adapter, value, where, "value")
                if legal is not MISSING:
                    values.append(legal)
        return Condition(
            path=path,
            absolute=absolute,
            op="is" if op == "is_" else op,
            values=tuple(values),
            number=spec.more_than,
        )


def _resolve_through_lists(model: type[BaseModel], parts: tuple[str, ...]) -> FieldInfo:
    current = model
    info: FieldInfo | None = None
    for part in parts:
        info = current.model_fields[part]
        sub = submodel(info.annotation)
        if sub is not None:
            current = sub
    if info is None:
        raise KeyError("")
    return info


@cache
def _all_field_paths() -> frozenset[tuple[str, ...]]:
    return frozenset(path for path, _ in model_fields(Intake))


def model_fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], FieldInfo]]:
    """Every field path of a model, through sub-models and lists of items (indexes left out)."""
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        yield path, info
        sub = submodel(info.annotation)
        if sub is not None:
            yield from model_fields(sub, path)


def load_form(path: str | Path | None = None) -> Form:
    """Read and check a question file (the relactation plan type's by default)."""
    source = Path(path) if path is not None else form_path()
    try:
        raw = load_yaml(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormError([f"{source}: no such file"]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FormError([f"{source}: cannot be read ({type(exc).__name__})"]) from None
    try:
        spec = FormSpec.model_validate(raw)
    except ValidationError as exc:
        raise FormError(
            [f"{source.name}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)]
        ) from None
    return _Loader(source).load(spec)


@cache
def builtin_form() -> Form:
    return load_form()


# --------------------------------------------------------------------------------------------------------------
# Typed text -> value, value -> text
# --------------------------------------------------------------------------------------------------------------

_LB_OZ = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:lbs?|#))?\s*(?:(\d+(?:\.\d+)?)\s*oz)?$", re.IGNORECASE)
_METRIC = re.compile(r"^(\d+(?:\.\d+)?)\s*(kg|g)$", re.IGNORECASE)
_WEEKS_DAYS = re.compile(r"^(\d{1,2})\s*\+\s*([0-6])$")
_LOOSE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class AnswerError(ValueError):
    """A typed answer that is not acceptable; the message is for the consultant."""


def plain_message(error: Any) -> str:
    """A Pydantic error in plain words; never repeats the input."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    plain = {
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "greater_than": f"must be more than {ctx.get('gt')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "less_than": f"must be less than {ctx.get('lt')}",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "int_type": "must be a whole number",
        "float_parsing": "must be a number",
        "float_type": "must be a number",
        "string_too_short": "cannot be empty",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_pattern_mismatch": "is not in the expected form",
        "date_from_datetime_parsing": "must be a date such as 2026-03-16 (year-month-day)",
        "date_parsing": "must be a date such as 2026-03-16 (year-month-day)",
        "date_type": "must be a date such as 2026-03-16 (year-month-day)",
        "too_short": f"needs at least {ctx.get('min_length')}",
        "too_long": f"can have at most {ctx.get('max_length')}",
    }
    if kind in plain:
        return plain[kind]
    message = str(error.get("msg", "is not valid"))
    if kind == "value_error" and "email" in message.lower():
        return "is not a valid email address"
    return message.removeprefix("Value error, ")


def parse_answer(question: Question, raw: Any, today: date) -> Any:
    """Turn what was typed or picked into the field's value in JSON form, or raise :class:`AnswerError`."""
    if isinstance(raw, str):
        text = raw.strip()
        if text == "":
            if question.nullable:
                return None
            raise AnswerError("an answer is needed here")
        value: Any = text
        if question.kind == "date":
            value = _parse_date(text, today)
        elif question.spec.input == "weight":
            value = _parse_grams(text)
        elif question.spec.input == "weeks":
            match = _WEEKS_DAYS.match(text)
            if match:
                value = round(int(match.group(1)) + int(match.group(2)) / 7, 1)
        if question.kind in ("int", "float") and isinstance(value, str) and "," in value:
            raise AnswerError("use a point for decimals and no thousands separator")
    else:
        value = raw
    try:
        return question.adapter.dump_python(question.adapter.validate_python(value), mode="json")
    except ValidationError as exc:
        raise AnswerError(plain_message(exc.errors(include_url=False, include_input=False)[0])) from None


def _parse_date(text: str, today: date) -> Any:
    lowered = text.lower()
    if lowered in ("today", "t"):
        return today
    if lowered in ("yesterday", "y"):
        return today - timedelta(days=1)
    match = _LOOSE_DATE.match(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise AnswerError("is not a real date") from None
    return text


def _parse_grams(text: str) -> Any:
    metric = _METRIC.match(text)
    if metric:
        number = float(metric.group(1))
        grams = number * 1000 if metric.group(2).lower() == "kg" else number
        return round(grams)
    if re.search(r"(lb|#|oz)", text, re.IGNORECASE):
        match = _LB_OZ.match(text)
        if not match or not (match.group(1) or match.group(2)):
            raise AnswerError("write pounds and ounces as 7 lb 6 oz")
        pounds = float(match.group(1) or 0)
        ounces = float(match.group(2) or 0)
        return round(pounds * 453.59237 + ounces * 28.349523125)
    return text


def show_value(question: Question, value: Any) -> str:
    """An answer as the review shows it."""
    if value is None:
        return "not known" if question.nullable else "-"
    if question.kind == "select":
        return question.label(value)
    if question.kind == "checkbox":
        return ", ".join(question.label(v) for v in value) if value else "none"
    if question.kind == "confirm":
        return "yes" if value else "no"
    if question.spec.input == "weight":
        return f"{value} g"
    return _number(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def edit_text(question: Question, value: Any) -> str:
    """An answer as text to edit in a prompt."""
    if value is None or value is MISSING:
        return ""
    return _number(value)
