"""Reading a question file: every question checked against the intake model (its field, kind, choices and limits),
every problem named by file and place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from careplan._io import load_yaml
from careplan.intake import Intake
from careplan.interview.answers import plain_message
from careplan.interview.fields import (
    MISSING,
    all_field_paths,
    field_adapter,
    field_kind,
    length_limits,
    list_item,
    resolve,
    resolve_through_lists,
    unwrap_optional,
)
from careplan.interview.form import Form, FormError
from careplan.interview.nodes import GATE_VALUES, Condition, Group, Question, Screen, ScreenItem, Section
from careplan.interview.spec import ConditionSpec, FormSpec, GroupSpec, QuestionSpec, ScreenSpec, When

DEFAULT_PLAN_TYPE = "relactation"


def form_path(plan_type: str = DEFAULT_PLAN_TYPE) -> Path:
    """A plan type's question file (its manifest names it; ``intake_forms/<type>/questions.yaml`` for careplan's
    own)."""
    from careplan.plantypes import load_plantype

    kind = load_plantype(plan_type)
    if kind.form is None:
        raise FormError([f"plan type {plan_type!r} has no interview form"])
    return kind.form


@dataclass(eq=False)
class Scope:
    model: type[BaseModel]
    rel_root: tuple[str, ...]  # this scope's list path from the intake root (for the order check)
    parent: Scope | None
    asked: dict[tuple[str, ...], int]  # paths asked so far in this scope (absolute for the root), with order


class Loader:
    def __init__(self, source: Path) -> None:
        self.source = source
        self.problems: list[str] = []
        self.order = 0
        self.by_path: dict[tuple[str, ...], Question | Group | Screen] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source.name}: {where}: {message}")

    def load(self, spec: FormSpec) -> Form:
        root = Scope(Intake, (), None, {})
        sections = []
        seen_ids: set[str] = set()
        for section_spec in spec.sections:
            if section_spec.id in seen_ids:
                self.problem(f"section {section_spec.id}", "the section id is used twice")
            seen_ids.add(section_spec.id)
            section = Section(section_spec.id, section_spec.title)
            section.nodes = self.nodes(section_spec.questions, section, root, f"section {section_spec.id}")
            sections.append(section)
        from careplan.plantypes import available

        if spec.plan_type not in available():
            self.problem("plan_type", f"{spec.plan_type!r} is not a plan type careplan knows")
        if self.problems:
            raise FormError(self.problems)
        return Form(
            plan_type=spec.plan_type,
            sections=sections,
            red_flag_kinds=tuple(spec.red_flags.kinds),
            red_flag_entries=tuple(spec.red_flags.entries),
            source=self.source,
            by_path=self.by_path,
        )

    def nodes(
        self, specs: list[QuestionSpec | ScreenSpec | GroupSpec], section: Section, scope: Scope, where: str
    ) -> list[Question | Group | Screen]:
        out: list[Question | Group | Screen] = []
        for spec in specs:
            node: Question | Group | Screen | None
            if isinstance(spec, GroupSpec):
                node = self.group(spec, section, scope, where)
            elif isinstance(spec, ScreenSpec):
                node = self.screen(spec, section, scope, where)
            else:
                if spec.screened is not None:
                    self.problem(f"{where} › {spec.field}", "`screened` is only for the questions of a screen")
                node = self.question(spec, section, scope, where)
            if node is not None:
                out.append(node)
        return out

    def screen(self, spec: ScreenSpec, section: Section, scope: Scope, where: str) -> Screen | None:
        """A screen: its questions are checked as any others, each with the values `none` and `unknown` give it;
        each tick sets only questions of the screen, to values they take."""
        where = f"{where} › screen {spec.screen}"
        rel = tuple(spec.screen.split("."))
        try:
            resolve(scope.model, rel)
            taken = True
        except KeyError:
            taken = scope.rel_root + rel in self.by_path
        if taken:
            self.problem(where, f"'{spec.screen}' is already a field; name the screen otherwise")
            return None
        for needed in ("none", "unknown", "each"):
            if needed not in spec.specials:
                self.problem(where, f"specials needs a label for '{needed}'")
        when = self.conditions(spec.when, scope, where)
        self.order += 1
        order = self.order
        nodes: list[Question | Group] = []
        for inner_spec in spec.questions:
            node = (
                self.group(inner_spec, section, scope, where)
                if isinstance(inner_spec, GroupSpec)
                else self.question(inner_spec, section, scope, where)
            )
            if node is not None:
                nodes.append(node)
        self._check_members(nodes, {name for item in spec.items for name in item.set}, where)
        items = self._screen_items(spec, {".".join(n.rel): n for n in nodes}, where)
        screen = Screen(
            spec=spec, section=section, rel=rel, items=items, nodes=nodes, when=when, order=order,
            full=scope.rel_root + rel,
        )
        self.by_path[scope.rel_root + rel] = screen
        return screen

    def _check_members(self, nodes: list[Question | Group], named: set[str], where: str) -> None:
        """A question a tick sets takes `screened` values (or is a list that may be unknown, set to "some")."""
        for node in nodes:
            inner = f"{where} › {'.'.join(node.rel)}"
            if node.when and (".".join(node.rel) in named or (isinstance(node, Question) and node.spec.screened)):
                self.problem(inner, "a screen's question is asked when the screen says so: it takes no `when`")
            screened = node.spec.screened if isinstance(node, Question) else None
            if screened is None or not isinstance(node, Question):
                if ".".join(node.rel) in named and not (
                    (isinstance(node, Question) and node.gated) or (isinstance(node, Group) and node.nullable)
                ):
                    self.problem(inner, "a question a tick sets needs `screened` values for none and unknown")
                continue
            if "none" not in screened or "unknown" not in screened:
                self.problem(inner, "a screen's question needs `screened` values for none and unknown")
            for answer, value in screened.items():
                if value is None and (node.nullable or node.gated):
                    continue
                self._legal(node.adapter, value, inner, f"screened {answer}")

    def _screen_items(self, spec: ScreenSpec, by_field: dict[str, Question | Group], where: str) -> list[ScreenItem]:
        """Each tick sets only questions of the screen, to values they take."""
        items: list[ScreenItem] = []
        for item in spec.items:
            sets: dict[tuple[str, ...], Any] = {}
            for name, value in item.set.items():
                member = by_field.get(name)
                if member is None:
                    self.problem(f"{where} › {item.id}", f"'{name}' is not one of the screen's questions")
                    continue
                if isinstance(member, Group) or member.spec.screened is None:
                    if value != "some":
                        self.problem(f"{where} › {item.id}", f"a tick on the list '{name}' sets it to 'some'")
                elif member.kind == "checkbox":
                    if value not in [v for v, _ in member.choices]:
                        self.problem(f"{where} › {item.id}", f"'{value}' is not one of {name}'s values")
                else:
                    self._legal(member.adapter, value, f"{where} › {item.id}", "value")
                sets[member.rel] = value
            if item.id in ("none", "unknown", "declined", "each") or item.id in {i.id for i in items}:
                self.problem(f"{where} › {item.id}", "the item id is used twice or is a special answer")
            items.append(ScreenItem(item.id, item.label, sets))
        return items

    def _field(self, scope: Scope, name: str, where: str) -> tuple[tuple[str, ...], type[BaseModel], FieldInfo] | None:
        rel = tuple(name.split("."))
        try:
            owner, info = resolve(scope.model, rel)
        except KeyError:
            self.problem(where, f"'{name}' is not a field of {scope.model.__name__}")
            return None
        full = scope.rel_root + rel
        if full in self.by_path:
            self.problem(where, f"'{name}' is asked twice")
            return None
        return rel, owner, info

    def question(self, spec: QuestionSpec, section: Section, scope: Scope, where: str) -> Question | None:
        """Long on purpose: each line checks one thing about a question against its field in the intake model."""
        where = f"{where} › {spec.field}"
        found = self._field(scope, spec.field, where)
        if found is None:
            return None
        rel, owner, info = found
        kind_values = field_kind(info.annotation)
        if kind_values is None:
            self.problem(where, "a list of items or a group of fields is asked with `group:`, not `field:`")
            return None
        kind, values = kind_values
        base, nullable = unwrap_optional(info.annotation)
        gated = nullable and kind == "checkbox"
        adapter = field_adapter(info)
        choices: list[tuple[Any, str]] = []
        if kind in ("select", "checkbox"):
            for value in spec.choices or {}:
                if value not in values:
                    legal = ", ".join(map(str, values))
                    self.problem(where, f"choice '{value}' is not one of the model's values ({legal})")
            for value in spec.omit:
                if value not in values or value in (spec.choices or {}):
                    self.problem(where, f"omit: '{value}' is not a value of the model left unlabelled")
            labels = spec.choices or {}
            choices = [(v, labels[v]) for v in labels if v in values]
            choices += [(v, str(v).replace("_", " ").capitalize()) for v in values
                        if v not in labels and v not in spec.omit]
        elif spec.choices or spec.omit:
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
        if spec.same_as is not None:
            self._check_path(spec.same_as, scope, where)
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

    def group(self, spec: GroupSpec, section: Section, scope: Scope, where: str) -> Group | None:
        where = f"{where} › {spec.group}"
        found = self._field(scope, spec.group, where)
        if found is None:
            return None
        rel, _owner, info = found
        base, nullable = unwrap_optional(info.annotation)
        item = list_item(base)
        if not (isinstance(item, type) and issubclass(item, BaseModel)):
            self.problem(where, "`group:` is for a list of items; ask this field with `field:`")
            return None
        if nullable and not spec.ask:
            self.problem(where, "a list that may be unknown needs `ask` (the 'Any ...?' question)")
        if spec.choices:
            self._check_gate(spec.choices, where)
        low, high = length_limits(info)
        if low == 0 and not nullable and not spec.ask:
            self.problem(where, "a list that may be empty needs `ask` (the 'Add a ...?' question)")
        when = self.conditions(spec.when, scope, where)
        self.order += 1
        order = self.order
        inner = Scope(item, scope.rel_root + rel, scope, {})
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

    def _check_path(self, template: str, scope: Scope, where: str) -> None:
        parts = tuple(p for p in template.lstrip("/").split(".") if not p.isdigit() and not p.startswith("{"))
        model = Intake if template.startswith("/") else scope.model
        try:
            resolve_through_lists(model, parts)
        except KeyError:
            self.problem(where, f"'{template}' is not a field")

    def conditions(self, when: When, scope: Scope, where: str) -> list[Condition]:
        specs = [when] if isinstance(when, ConditionSpec) else list(when or [])
        out = []
        for spec in specs:
            condition = self.condition(spec, scope, where)
            if condition is not None:
                out.append(condition)
        return out

    def condition(self, spec: ConditionSpec, scope: Scope, where: str) -> Condition | None:
        where = f"{where} › when {spec.field}"
        absolute = spec.field.startswith("/") or scope.parent is None
        path = tuple(spec.field.lstrip("/").split("."))
        full = path if absolute else scope.rel_root + path
        node = self.by_path.get(full)
        if node is None:
            known = full in all_field_paths()
            self.problem(where, "only a field asked before this question can be a condition" if known else
                         f"'{spec.field}' is not a field")
            return None
        if isinstance(node, Screen):
            self.problem(where, "a screen is not a field: name one of its questions")
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
    return Loader(source).load(spec)


@cache
def builtin_form() -> Form:
    return load_form()

