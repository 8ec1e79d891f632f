"""Drives ``careplan interview`` from a script of answers, as keystrokes through a prompt_toolkit pipe input.

A script is a list of ``(slot, answer)`` pairs in the order the interview asks them:

* text, date and number questions: the text to type (``""`` skips); the prompt's suggestion is cleared first;
* choice questions: the model's value (the key is its menu number);
* tick-box questions: the values to end up ticked (``ticked=`` in :func:`keys_for` says what was ticked before);
* yes/no questions and "add another?": True or False;
* a list that may be unknown ("Any medicines?"): ``some``, ``none`` or ``unknown``;
* ``KEEP``: press Enter (take what is suggested); ``(RAW, keys)``: send keys as they are (Ctrl-C, Ctrl-B...).

Helpers only: no tests here.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from questionary.prompts.common import InquirerControl

from careplan.intake import Intake
from careplan.interview.carry import flatten, follow_up_answers
from careplan.interview.choice import plan_form
from careplan.interview.console import StreamConsole
from careplan.interview.fields import MISSING
from careplan.interview.form import Form
from careplan.interview.loader import builtin_form
from careplan.interview.nodes import GATE_VALUES, Group, Question, Screen, split_key
from careplan.interview.partial import build_data, load_partial
from careplan.interview.session import InterviewResult, run_interview
from careplan.pipeline import PlanHooks

DOWN = "\x1b[B"
ENTER = "\r"
SPACE = " "
CTRL_B = "\x02"
CTRL_C = "\x03"
CTRL_G = "\x07"  # "go to": the section menu
CTRL_N = "\x0e"  # the section's notes
CTRL_U = "\x15"
SHORTCUTS = InquirerControl.SHORTCUT_KEYS
KEEP = object()
RAW = "raw"
REVIEW = "review"


def node_for(form: Form, key: str) -> Question | Group | Screen:
    base, _, _ = split_key(key)
    return form.by_path[tuple(p for p in base.split(".") if not p.isdigit())]


@dataclass(frozen=True)
class Keys:
    """An answer given as exact keystrokes (a tick list whose defaults come from the last visit)."""

    keys: str


def keys_for(form: Form, key: str, answer: Any, ticked: Iterable[Any] = ()) -> str:
    """The keystrokes that give ``answer`` to the question in slot ``key``."""
    if key == RAW:
        return str(answer)
    if isinstance(answer, Keys):
        return answer.keys
    if key == REVIEW:  # the review prompt: a number, d+number, or "" to save
        return CTRL_U + str(answer) + ENTER
    if answer is KEEP:
        return ENTER
    _, marker, _ = split_key(key)
    node = node_for(form, key)
    if marker == "add":
        return "y" if answer else "n"
    if marker == "gate":
        return SHORTCUTS[GATE_VALUES.index(answer)] + ENTER
    if isinstance(node, Screen) and node.spec.one:
        return SHORTCUTS[[value for value, _ in node.menu()].index(answer[0])] + ENTER
    if isinstance(node, Screen):
        return tick_keys([value for value, _ in node.menu()], set(ticked), set(answer), key)
    if not isinstance(node, Question):
        raise AssertionError(f"{key} is not a question")
    values = [value for value, _ in node.choices]
    if node.kind == "select":
        return SHORTCUTS[values.index(answer)] + ENTER
    if node.kind == "checkbox":
        return tick_keys(values, set(ticked), set(answer), key)
    if node.kind == "confirm":
        return "y" if answer else "n"
    return CTRL_U + str(answer) + ENTER


def tick_keys(values: list[Any], before: set[Any], wanted: set[Any], key: str) -> str:
    """Space on each choice whose tick changes, arrows down between them (none after the last one changed), Enter."""
    unknown = wanted - set(values)
    if unknown:
        raise AssertionError(f"{key}: {unknown} are not choices")
    changes = [index for index, value in enumerate(values) if (value in before) != (value in wanted)]
    out = ""
    for index in range(changes[-1] + 1 if changes else 0):
        if index:
            out += DOWN
        if index in changes:
            out += SPACE
    return out + ENTER


def keys(form: Form, script: Sequence[tuple[str, Any]]) -> str:
    return "".join(keys_for(form, key, answer) for key, answer in script)


def go_to(form: Form, answers: dict[str, Any], section: str | None) -> str:
    """Ctrl-G, then the menu number of this section (None: "Back to where I was"), with these answers given so
    far (the menu lists the sections that have questions for them)."""
    slots = form.walk(answers).slots
    listed = [s.id for s in form.sections if any(slot.section.id == s.id for slot in slots)]
    index = len(listed) if section is None else listed.index(section)
    return CTRL_G + SHORTCUTS[index] + ENTER


def asked_keys(script: Sequence[tuple[str, Any]]) -> list[str]:
    """The slots a script answers, in order (what ``InterviewResult.asked`` should be)."""
    return [key for key, _ in script if key not in (RAW, REVIEW)]


@dataclass
class Run:
    result: InterviewResult | None
    error: BaseException | None
    screen: str

    @property
    def written(self) -> dict[str, Any]:
        assert self.result is not None, self.error
        written: dict[str, Any] = json.loads(self.result.output.read_text(encoding="utf-8"))
        return written


def drive(
    script: Sequence[tuple[str, Any]] | str,
    *,
    today: date,
    output: Path | None = None,
    form: Form | None = None,
    **options: Any,
) -> Run:
    """Run the interview on these keystrokes; the input closes after them (as if the terminal closed), so a
    script that stops early never hangs."""
    given = form
    if form is None:  # a resumed interview's form is its saved plan type's, which the interview picks itself
        resume = options.get("resume")
        given = None if resume is not None else builtin_form()
        if isinstance(script, str):  # raw keys: no form needed to type them (and the file may not be a partial)
            form = given or builtin_form()
        else:
            form = plan_form(load_partial(Path(resume)).plan_type) if resume is not None else builtin_form()
    text = script if isinstance(script, str) else keys(form, script)
    screen = io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(text)
        pipe.close()
        if "hooks" not in options:
            options["hooks"] = PlanHooks.factory(options.pop("library", None))
        try:
            result = run_interview(
                output, today=today, form=given, console=StreamConsole(screen), check_terminal=False, **options
            )
        except Exception as exc:
            return Run(None, exc, screen.getvalue())
    return Run(result, None, screen.getvalue())


def typed(node: Question, value: Any) -> Any:
    """What a consultant would type or pick for this value."""
    if node.kind in ("select", "checkbox", "confirm"):
        return value
    if value is None:
        return ""
    if node.kind == "float" and float(value).is_integer():
        return str(int(value))
    return str(value)


def script_for(
    expected: dict[str, Any], form: Form | None = None, presets: dict[str, Any] | None = None
) -> list[tuple[str, Any]]:
    """A script answering every question so that the interview writes ``expected``, then saves at the review.
    ``presets``: the answers a practice file gives (``{"consult.setting": "clinic"}``), not asked; each must be
    the expected answer."""
    form = form or builtin_form()
    answers = flatten(form, Intake.model_validate(expected).model_dump(mode="json"))
    for key, value in (presets or {}).items():
        assert answers.get(key) == value, f"the practice's {key} is {value!r}, the family's {answers.get(key)!r}"
    for key in list(answers):  # a `same_as` question whose answer is the one it repeats is not asked
        node = node_for(form, key)
        if isinstance(node, Question) and node.spec.same_as:
            without = {k: v for k, v in answers.items() if k != key}
            if build_data(form, without) == build_data(form, answers):
                answers = without
    script: list[tuple[str, Any]] = []
    for slot in form.walk(answers).slots:
        if slot.key in (presets or {}) or slot.kind == "note":
            continue  # given by the practice file, or a section's notes: not asked in order
        value = answers[slot.key]
        if slot.kind == "field":
            node = slot.node
            assert isinstance(node, Question)
            value = typed(node, value)
        script.append((slot.key, value))
    return [*script, (REVIEW, ""), (RAW, "y")]


def follow_up_intake(previous: dict[str, Any], *, days: int, gained: int) -> dict[str, Any]:
    """What the follow-up ``days`` later should save: this visit's date, weights (each baby ``gained`` grams more),
    diapers, last milk removal, assessment and next visit; the last weights become earlier weights; one progress
    entry for the first baby. Everything else as at the last visit (carried over, or asked again and kept)."""
    data = copy.deepcopy(previous)
    consult = data["consult"]
    on = date.fromisoformat(consult["date"]) + timedelta(days=days)
    consult.update(
        visit="follow_up",
        first_visit=consult.get("first_visit") or consult["date"],
        date=on.isoformat(),
        assessment="Feeds are going better this week.",
        next_visit=(on + timedelta(days=7)).isoformat(),
        next_visit_time="10:00",
    )
    data["lactation"]["last_milk_removal"] = on.isoformat()
    for baby in data["babies"]:
        earlier = {w["date"]: w for w in baby["earlier_weights"]}
        earlier.setdefault(baby["weighed_on"], {"date": baby["weighed_on"], "grams": baby["current_weight_g"]})
        baby["earlier_weights"] = sorted(earlier.values(), key=lambda w: w["date"])
        baby.update(weighed_on=on.isoformat(), current_weight_g=baby["current_weight_g"] + gained,
                    wet_diapers_24h=6, dirty_diapers_24h=3)
    first = data["babies"][0]
    data["progress"] = [*data.get("progress", []), {
        "date": on.isoformat(), "baby": 1, "milk_removal_sessions_per_24h": 8, "expressed_ml_per_24h": 90,
        "supplement_ml_per_24h": first["feeding"]["supplement_ml_per_24h"],
        "supplement_methods": first["feeding"]["methods"], "feeds_at_breast_per_24h": 4,
        "baby_weight_g": first["current_weight_g"], "weighed_at": "this_visit", "weighed_how": "naked",
        "wet_diapers_24h": 6, "dirty_diapers_24h": 3,
    }]
    data.pop("record_id", None)
    return Intake.model_validate(data).model_dump(mode="json", exclude={"record_id"})


def follow_up_script_for(
    previous: dict[str, Any], expected: dict[str, Any], form: Form | None = None
) -> list[tuple[str, Any]]:
    """A script for ``careplan interview --from PREVIOUS`` that writes ``expected``: the answers carried over are
    not asked; those asked again have the last visit's answer as the default (Enter keeps it; a tick list starts
    from the last ticks); a progress field that repeats this visit's answer is not asked. ``expected`` must keep
    every carried answer (changing one would take a jump to it)."""
    form = form or builtin_form()
    carried, fresh = follow_up_answers(form, Intake.model_validate(previous))
    target = flatten(form, Intake.model_validate(expected).model_dump(mode="json"))
    script: list[tuple[str, Any]] = []
    for slot in form.walk(target).slots:
        if slot.kind == "note":
            continue  # notes are written with Ctrl-N, not asked in order
        key, value = slot.key, target[slot.key]
        if key in carried:
            assert carried[key] == value, f"{key}: carried {carried[key]!r}, expected {value!r}"
            continue
        node = slot.node
        if isinstance(node, Question) and node.spec.same_as:
            without = {k: v for k, v in target.items() if k != key}
            if build_data(form, without) == build_data(form, target):
                continue  # this visit's progress record repeats the answer just given
        last = fresh.get(key, MISSING)
        kept_by_enter = slot.kind in ("gate", "screen") or (
            isinstance(node, Question) and (node.kind in ("select", "checkbox") or node.spec.input == "volume")
        )
        if last is not MISSING and last == value and kept_by_enter:
            script.append((key, KEEP))
        elif last is not MISSING and (slot.kind == "screen" or (isinstance(node, Question) and node.kind ==
                                                                "checkbox" and slot.kind == "field")):
            script.append((key, Keys(keys_for(form, key, value, ticked=last))))
        elif slot.kind == "field" and isinstance(node, Question):
            script.append((key, typed(node, value)))
        else:
            script.append((key, value))
    return [*script, (REVIEW, ""), (RAW, "y")]


def normalised(data: dict[str, Any]) -> dict[str, Any]:
    """The intake as written, with ticked lists in a fixed order (the interview writes them in menu order) and
    without its record id (random; a written one is checked for its form here)."""

    def tidy(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: tidy(v) for k, v in value.items()}
        if isinstance(value, list):
            items = [tidy(v) for v in value]
            return sorted(items) if all(isinstance(v, str) for v in items) else items
        return value

    tidied: dict[str, Any] = tidy(Intake.model_validate(data).model_dump(mode="json"))
    record_id = tidied.pop("record_id")
    assert record_id is None or re.fullmatch(r"[0-9a-f]{32}", record_id), record_id
    return tidied
