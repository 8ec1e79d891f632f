"""Sections in the interview: the progress line above each question, and the Ctrl-G menu to any section and back."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from careplan.intake import Intake
from careplan.interview.carry import flatten
from careplan.interview.loader import builtin_form
from careplan.interview.partial import load_partial
from careplan.interview.session import InterviewInterrupted
from careplan.rules.library import Library
from tests.conftest import ROOT
from tests.helpers.interview_driver import (
    CTRL_B,
    KEEP,
    RAW,
    asked_keys,
    drive,
    go_to,
    node_for,
    normalised,
    script_for,
)

FAMILY = ROOT / "intake_forms" / "relactation" / "examples" / "01-recent-weaning-term-baby.json"
PROGRESS = re.compile(r"^(.+) · question (\d+) of about (\d+)$", re.MULTILINE)
MIDDLE_OF_THE_BABY = "babies.0.wet_diapers_24h"  # typed (a number); the baby's name, weights and feeding before it


def family() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FAMILY.read_text(encoding="utf-8"))
    return data


def consult_day(data: dict[str, Any]) -> date:
    return date.fromisoformat(data["consult"]["date"])


def progress(screen: str) -> list[tuple[str, int, int]]:
    return [(title, int(n), int(about)) for title, n, about in PROGRESS.findall(screen)]


def answered_before(expected: dict[str, Any], script: list[tuple[str, Any]], key: str) -> dict[str, Any]:
    """The answers given when the script reaches ``key``."""
    form = builtin_form()
    every = flatten(form, Intake.model_validate(expected).model_dump(mode="json"))
    asked = asked_keys(script)
    return {k: every[k] for k in asked[: asked.index(key)]}


def section_slots(answers: dict[str, Any], section: str) -> list[str]:
    return [s.key for s in builtin_form().walk(answers).slots if s.section.id == section and s.kind != "note"]


def test_the_first_questions_show_where_they_are_and_ctrl_g_back_changes_nothing(tmp_path: Path) -> None:
    """Quick: three questions, the menu opened and left, then the terminal closes."""
    expected = family()
    whole = script_for(expected)
    script = whole[:3]
    so_far = answered_before(expected, whole, whole[3][0])
    out = tmp_path / "i.json"
    run = drive([*script, (RAW, go_to(builtin_form(), so_far, None))], today=consult_day(expected), output=out)
    assert isinstance(run.error, InterviewInterrupted)
    shown = progress(run.screen)
    assert [(title, n) for title, n, _ in shown] == [("The consult", n) for n in (1, 2, 3, 4)]
    assert all(n <= about for _, n, about in shown)
    assert "Ctrl-B goes back; Ctrl-G goes to any section" in run.screen.splitlines()[0]  # said at the start
    assert load_partial(tmp_path / "i.partial.json").answers == so_far


@pytest.mark.slow
def test_every_question_shows_its_section_and_place_once(tmp_path: Path, library: Library) -> None:
    expected = family()
    script = script_for(expected)
    run = drive(script, today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    asked = asked_keys(script)
    shown = progress(run.screen)
    assert len(shown) == len(asked)  # one line a question, never twice
    form = builtin_form()
    assert [title for title, _, _ in shown] == [node_for(form, key).section.title for key in asked]
    assert [n for _, n, _ in shown] == list(range(1, len(asked) + 1))  # n goes up one a question
    assert all(n <= about for _, n, about in shown)
    assert shown[0][2] >= len(asked)  # at first, "about" counts every question that could still be asked
    assert shown[-1][2] == len(asked)  # at the last question, it is exact
    lines = [line for line in run.screen.splitlines() if PROGRESS.fullmatch(line)]
    assert max(len(line) for line in lines) <= 78  # fits an 80-column terminal


@pytest.mark.slow
def test_jump_to_the_consult_change_an_answer_and_come_back(tmp_path: Path, library: Library) -> None:
    expected = family()
    assert expected["consult"]["setting"] == "clinic"
    script = script_for(expected)
    cut = [k for k, _ in script].index(MIDDLE_OF_THE_BABY)
    so_far = answered_before(expected, script, MIDDLE_OF_THE_BABY)
    consult = section_slots(so_far, "consult")
    assert consult[0] == "consult.date" and "consult.setting" in consult
    # each of the consult's questions in order, its answer the default: Enter keeps it; the setting is changed
    again = [(key, "home" if key == "consult.setting" else KEEP) for key in consult]
    jump = [(RAW, go_to(builtin_form(), so_far, "consult")), *again]
    run = drive([*script[:cut], *jump, *script[cut:]], today=consult_day(expected), output=tmp_path / "i.json",
                library=library)
    assert run.error is None, run.screen
    wanted = normalised(expected)
    wanted["consult"]["setting"] = "home"
    assert normalised(run.written) == wanted  # the change, and every other answer
    assert run.result is not None
    asked = asked_keys(script)
    assert run.result.asked == [*asked[:cut], *consult, *asked[cut:]]  # back to the question left, then on
    shown = progress(run.screen)
    place = cut + 1
    jumped = [(title, n) for title, n, _ in shown[cut: cut + len(consult) + 2]]
    assert jumped == [("The baby", place), *[("The consult", n) for n in range(1, len(consult) + 1)],
                      ("The baby", place)]


@pytest.mark.slow
def test_back_to_where_i_was_changes_nothing_from_any_kind_of_question(tmp_path: Path, library: Library) -> None:
    """The menu opened and left at a typed answer, a choice, a tick list, a none/some gate and a yes/no."""
    expected = family()
    script = script_for(expected)
    form = builtin_form()
    at = {
        "text": MIDDLE_OF_THE_BABY,
        "select": "babies.0.stool_colour",
        "checkbox": "babies.0.feeding.milk",
        "gate": "health.igt_signs#gate",
        "screen": "health.history#screen",
        "confirm": "babies#add.1",
    }
    for kind, key in at.items():
        node = node_for(form, key)
        if kind in ("gate", "screen"):
            assert key.endswith(f"#{kind}"), (kind, key)
            continue
        assert getattr(node, "kind", kind) == ("int" if kind == "text" else kind), (kind, key)
    jumped: list[tuple[str, Any]] = []
    for key, answer in script:
        if key in at.values():
            jumped.append((RAW, go_to(form, answered_before(expected, script, key), None)))
        jumped.append((key, answer))
    run = drive(jumped, today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    assert normalised(run.written) == normalised(expected)
    assert run.result is not None and run.result.asked == asked_keys(script)  # nothing asked again
    assert len(progress(run.screen)) == len(asked_keys(script))  # the progress line not shown again


@pytest.mark.slow
def test_a_jump_within_a_jump_and_back_keeps_every_answer(tmp_path: Path, library: Library) -> None:
    """From the baby to the parent: Ctrl-B there goes back a question, Ctrl-G again and "Back to where I was"
    stays with the parent; Enter through the parent's answers, then back to the baby's question that was left."""
    expected = family()
    script = script_for(expected)
    cut = [k for k, _ in script].index(MIDDLE_OF_THE_BABY)
    so_far = answered_before(expected, script, MIDDLE_OF_THE_BABY)
    parent = section_slots(so_far, "parent")
    form = builtin_form()
    jump = [
        (RAW, go_to(form, so_far, "parent")),
        (parent[0], KEEP),
        (RAW, CTRL_B),  # at the second: back to the first
        (parent[0], KEEP),
        (RAW, go_to(form, so_far, None)),  # at the second again: the menu, left
        *[(key, KEEP) for key in parent[1:]],
    ]
    run = drive([*script[:cut], *jump, *script[cut:]], today=consult_day(expected), output=tmp_path / "i.json",
                library=library)
    assert run.error is None, run.screen
    assert normalised(run.written) == normalised(expected)
    assert run.result is not None
    asked = asked_keys(script)
    assert run.result.asked == [*asked[:cut], parent[0], parent[0], *parent[1:], *asked[cut:]]
