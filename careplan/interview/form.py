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
from typing import Any

from careplan.errors import InputError
from careplan.interview.fields import MISSING
from careplan.interview.nodes import (
    Condition,
    Group,
    Path_,
    Question,
    Screen,
    Section,
    Slot,
    Walk,
    dotted,
)

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
    plan_type: str = "relactation"  # the intake's plan_type (the form's top-level `plan_type`)

    # -- walking --------------------------------------------------------------------------------------------

    def walk(self, answers: dict[str, Any], *, until_unanswered: bool = False) -> Walk:
        """The slots asked for these answers, in order. With ``until_unanswered``, stop at the first slot with no
        answer (it is the last slot returned). A condition on a field with no answer yet holds, so a full walk
        keeps everything that could still be asked."""
        result = Walk([], {}, {})
        for slot in self._walk_nodes([n for s in self.sections for n in s.nodes], (), (), answers, result):
            result.slots.append(slot)
            if until_unanswered and slot.key not in answers and slot.kind != "note":
                break
        return result

    def next_slot(self, answers: dict[str, Any]) -> Slot | None:
        """The first question not yet answered (notes are not asked in order)."""
        walk = self.walk(answers, until_unanswered=True)
        if walk.slots and walk.slots[-1].key not in answers and walk.slots[-1].kind != "note":
            return walk.slots[-1]
        return None

    def note_for(self, slot: Slot, answers: dict[str, Any]) -> Slot | None:
        """The notes of the section (and item: the baby) this slot belongs to, if it has any."""
        for candidate in self.walk(answers).slots:
            if (
                candidate.kind == "note"
                and candidate.section is slot.section
                and slot.prefix[: len(candidate.prefix)] == candidate.prefix
            ):
                return candidate
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
        yield Slot(key, "note" if node.spec.note else "field", node, prefix, path, items=items)

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


