"""Three families, each through a complete first visit and a follow-up, in the installed ``careplan interview`` in
a real terminal (issue 13's "done means"): the consultant goes back a question (Ctrl-B), jumps to another section
and back (Ctrl-G), is interrupted (Ctrl-C) and resumes (``--resume``); the follow-up starts from the first visit's
intake (``--from``). Each saved intake is compared, field by field, with the one expected.

The families are careplan's examples: a term baby after recent weaning (the typical first visit), a newborn losing
weight (a red flag at once), and preterm twins.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pexpect
import pytest

from careplan.intake import Intake, load_intake
from careplan.interview.loader import builtin_form
from careplan.interview.partial import load_partial
from tests.conftest import ROOT
from tests.helpers.interview_driver import (
    CTRL_B,
    CTRL_C,
    CTRL_G,
    ENTER,
    KEEP,
    REVIEW,
    asked_keys,
    follow_up_intake,
    follow_up_script_for,
    go_to,
    normalised,
    script_for,
)
from tests.helpers.interview_pty import answer, prompt_text, spawn

pytestmark = pytest.mark.slow  # slow: six whole interviews in a terminal (about 40 s)

EXAMPLES = ROOT / "intake_forms" / "relactation" / "examples"
FAMILIES = {
    "term baby": "01-recent-weaning-term-baby.json",
    "newborn losing weight": "04-urgent-newborn-weight-loss.json",
    "preterm twins": "05-preterm-twins-nicu-follow-up.json",
}


def first_visit(family: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / FAMILIES[family]).read_text(encoding="utf-8"))
    return data


def answered_before(expected: dict[str, Any], script: list[tuple[str, Any]], key: str) -> dict[str, Any]:
    """The answers given before the question in slot ``key`` (for the section menu's numbering)."""
    from careplan.interview.carry import flatten

    answers = flatten(builtin_form(), Intake.model_validate(expected).model_dump(mode="json"))
    keys = asked_keys(script)
    return {k: answers[k] for k in keys[: keys.index(key)] if k in answers}


def walked_before(expected: dict[str, Any], key: str) -> str:
    """The question Ctrl-B goes back to from ``key``: the one before it in the form (asked now or carried over;
    never a section's notes, which are not asked in order)."""
    from careplan.interview.carry import flatten

    form = builtin_form()
    answers = flatten(form, Intake.model_validate(expected).model_dump(mode="json"))
    keys = [slot.key for slot in form.walk(answers).slots if slot.kind != "note"]
    return keys[keys.index(key) - 1]


def with_back_and_jump(expected: dict[str, Any], script: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The script with, a third of the way in, Ctrl-B (the question before is asked again: Enter keeps its answer)
    and, two thirds in, Ctrl-G to the parent's section (Enter through it keeps every answer) and back."""
    form = builtin_form()
    keys = asked_keys(script)
    back_at = keys[len(keys) // 3]
    jump_at = next(k for k in keys[2 * len(keys) // 3:] if not k.startswith("parent."))
    parent = [k for k in keys[: keys.index(jump_at)] if k.startswith("parent.")]
    out: list[tuple[str, Any]] = []
    for key, value in script:
        if key == back_at:
            before = keys[keys.index(key) - 1]
            out += [(key, CTRL_B), (before, KEEP)]
        if key == jump_at:
            out += [(key, go_to(form, answered_before(expected, script, key), "parent")), *[(k, KEEP) for k in parent]]
        out.append((key, value))
    return out


def send(child: pexpect.spawn, steps: list[tuple[str, Any]]) -> None:
    """Like :func:`answer`; a step whose keys are Ctrl-B or a section jump is sent once its question is shown."""
    last: list[str] = []
    for key, value in steps:
        if isinstance(value, str) and value.startswith((CTRL_B, CTRL_G)):
            if last == [prompt_text(key)]:
                child.expect_exact(last[0])
            child.expect_exact(prompt_text(key))
            child.send(value)
            last[:] = []  # what comes next is a question asked again, or the menu
        else:
            answer(child, [(key, value)], last)


def finish(child: pexpect.spawn) -> None:
    child.expect_exact(prompt_text(REVIEW))
    child.send(ENTER)
    child.expect_exact("Save the intake")
    child.send("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before


@pytest.mark.parametrize("family", FAMILIES, ids=list(FAMILIES))
def test_a_first_visit_and_its_follow_up_in_a_terminal(tmp_path: Path, family: str) -> None:
    expected = first_visit(family)
    script = script_for(expected)[:-2]  # the review and "save?" are answered by finish()
    steps = with_back_and_jump(expected, script)
    stop = asked_keys(script)[(len(asked_keys(script)) * 5) // 6]  # interrupted late in the consult

    # the first visit, interrupted
    child = spawn(tmp_path, "-o", "first.json")
    cut = next(i for i, (key, _) in enumerate(steps) if key == stop)
    send(child, steps[:cut])
    child.expect_exact(prompt_text(stop))
    child.send(CTRL_C)
    child.expect_exact("resume with:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    partial = tmp_path / "first.partial.json"
    assert stat.S_IMODE(partial.stat().st_mode) == 0o600
    assert load_partial(partial).position == stop

    # resumed where it stopped, and saved
    child = spawn(tmp_path, "--resume", str(partial))
    send(child, steps[cut:])
    finish(child)
    written = load_intake(tmp_path / "first.json").model_dump(mode="json")
    assert normalised(written) == normalised(expected)
    assert not partial.exists()

    # the follow-up a week later, from the saved first visit
    wanted = follow_up_intake(written, days=7, gained=150)
    script = follow_up_script_for(written, wanted)[:-2]
    keys = asked_keys(script)
    assert len(keys) < len(asked_keys(script_for(wanted))) // 2, "a follow-up asks again only what changes"
    child = spawn(tmp_path, "--from", "first.json", "-o", "second.json")
    back_at = keys[len(keys) // 2]
    before = walked_before(wanted, back_at)  # Ctrl-B goes back in the form: to a carried answer too, to change it
    at = next(i for i, (key, _) in enumerate(script) if key == back_at)
    send(child, [*script[:at], (back_at, CTRL_B), (before, KEEP), *script[at:]])
    finish(child)
    second = load_intake(tmp_path / "second.json").model_dump(mode="json")
    assert normalised(second) == normalised(wanted)
    assert second["record_id"] != written["record_id"]
