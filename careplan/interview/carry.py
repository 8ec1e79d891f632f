"""An intake turned back into answers: the answers that give it (:func:`flatten`, for tests and for a follow-up),
and a follow-up's answers (:func:`follow_up_answers`: carried over, or asked again with the last answer as the
default).
"""

from __future__ import annotations

from typing import Any

from careplan.intake import Intake
from careplan.interview.fields import MISSING
from careplan.interview.form import Form
from careplan.interview.nodes import Group, Path_, Question, Screen, dotted, split_key
from careplan.interview.partial import get_path


def flatten(form: Form, data: dict[str, Any]) -> dict[str, Any]:
    """The answers that give this intake JSON (the inverse of :func:`build_data`)."""
    answers: dict[str, Any] = {}

    def visit(nodes: list[Question | Group | Screen] | list[Question | Group], prefix: Path_, item: Any) -> None:
        for node in nodes:
            if isinstance(node, Screen):
                screen_answer(node, prefix, item)
                continue
            value = get_path(item, node.rel)
            path = (*prefix, *node.rel)
            key = dotted(path)
            if isinstance(node, Question):
                if value is MISSING:
                    continue
                if node.gated:
                    answers[f"{key}#gate"] = "unknown" if value is None else "some" if value else "none"
                    if not value:
                        continue
                answers[key] = value
                continue
            first_optional = node.min
            if node.nullable:
                if value is MISSING:
                    continue
                answers[f"{key}#gate"] = "unknown" if value is None else "some" if value else "none"
                if not value:
                    continue
                first_optional = max(1, node.min)
            items = value if isinstance(value, list) else []
            for index, entry in enumerate(items[: node.max]):
                if index >= first_optional:
                    answers[f"{key}#add.{index}"] = True
                visit(node.nodes, (*path, index), entry)
            if first_optional <= len(items) < node.max:
                answers[f"{key}#add.{len(items)}"] = False

    def screen_answer(screen: Screen, prefix: Path_, item: Any) -> None:
        values: dict[tuple[str, ...], Any] = {}
        for member in screen.members():
            value = get_path(item, member.rel)
            if value is MISSING:
                return
            if screen.is_gate(member):
                value = "unknown" if value is None else "some" if value else "none"
            values[member.rel] = value
        answer = screen.answer_for(values)
        answers[f"{dotted((*prefix, *screen.rel))}#screen"] = answer
        if answer == ["each"]:
            visit(list(screen.nodes), prefix, item)
            return
        asked = [n for n in screen.nodes if not screen.is_value(n) and values.get(n.rel, "some") == "some"]
        visit(asked, prefix, item)
        for member in asked:
            if screen.is_gate(member):  # the tick said "some"
                answers.pop(f"{dotted((*prefix, *member.rel))}#gate", None)

    visit([n for s in form.sections for n in s.nodes], (), data)
    return form.prune(answers)


def follow_up_answers(form: Form, previous: Intake) -> tuple[dict[str, Any], dict[str, Any]]:
    """Answers for a follow-up visit: everything carried over from the last intake, except the questions marked
    ``follow_up: fresh`` (returned separately, as hints); the last weights become earlier weights; a new progress
    entry is opened."""
    data = previous.model_dump(mode="json")
    data["consult"]["visit"] = "follow_up"
    # The course of care began at the first visit: the timeline and the step-down continue from it.
    data["consult"]["first_visit"] = data["consult"].get("first_visit") or data["consult"]["date"]
    for baby in data["babies"]:
        weighed, grams = baby.get("weighed_on"), baby.get("current_weight_g")
        if weighed and grams and all(w["date"] != weighed for w in baby["earlier_weights"]):
            baby["earlier_weights"] = sorted([*baby["earlier_weights"], {"date": weighed, "grams": grams}],
                                             key=lambda w: w["date"])
    answers = flatten(form, data)
    fresh: dict[str, Any] = {}
    for key in list(answers):
        base, marker, _ = split_key(key)
        node = form.by_path.get(tuple(p for p in base.split(".") if not p.isdigit()))
        fresh_node = isinstance(node, Question | Screen) and node.spec.follow_up == "fresh"
        if marker in (None, "gate", "screen") and fresh_node:
            fresh[key] = answers.pop(key)
        elif isinstance(node, Group) and node.spec.follow_up == "fresh" and (
            marker == "gate" or (marker == "add" and answers[key] is False)
        ):
            # a list that changes between visits (medicines): "any?" and "another?" are asked again; the items
            # carried over stay, each asking again what the list marks fresh (taking it now, or stopped?)
            fresh[key] = answers.pop(key)
    progress = form.by_path.get(("progress",))
    if isinstance(progress, Group):
        count = len(data.get("progress") or [])
        if count < progress.max:
            answers[f"progress#add.{count}"] = True
    return answers, fresh
