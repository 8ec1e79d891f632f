"""A short note per section (issue 13): never asked in order (no question added to a consult), opened with Ctrl-N
at any question of the section (for a baby, that baby's), then the same question again; kept in the intake and
listed in the review once written; a follow-up starts without them (the last visit's are a hint)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from careplan.intake import Intake
from careplan.interview.carry import flatten, follow_up_answers
from careplan.interview.loader import builtin_form
from careplan.rules.library import Library
from tests.conftest import ROOT
from tests.helpers.interview_driver import CTRL_N, RAW, asked_keys, drive, normalised, script_for

FAMILY = ROOT / "intake_forms" / "relactation" / "examples" / "05-preterm-twins-nicu-follow-up.json"
NOTE = "Jonas tires after five minutes; mother prefers texts to calls."


def family() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FAMILY.read_text(encoding="utf-8"))
    return data


def test_notes_are_never_asked_in_order() -> None:
    form = builtin_form()
    answers = flatten(form, Intake.model_validate(family()).model_dump(mode="json"))
    walk = [slot for slot in form.walk(answers).slots]
    notes = [slot.key for slot in walk if slot.kind == "note"]
    assert notes == ["parent.notes", "babies.0.notes", "babies.1.notes", "lactation.notes", "health.notes",
                     "situation.notes", "goals.notes"]
    assert form.next_slot(answers) is None, "every question answered: the notes do not hold the interview up"
    assert not set(notes) & set(asked_keys(script_for(family())))


def test_each_question_finds_its_own_sections_notes() -> None:
    form = builtin_form()
    answers = flatten(form, Intake.model_validate(family()).model_dump(mode="json"))
    by_key = {slot.key: slot for slot in form.walk(answers).slots}
    found = {key: form.note_for(by_key[key], answers) for key in (
        "parent.phone", "babies.1.birth_weight_g", "babies.1.earlier_weights.0.grams", "health.bmi", "consult.date")}
    assert {k: (s.key if s else None) for k, s in found.items()} == {
        "parent.phone": "parent.notes",
        "babies.1.birth_weight_g": "babies.1.notes",  # the second twin's, not the first's
        "babies.1.earlier_weights.0.grams": "babies.1.notes",
        "health.bmi": "health.notes",
        "consult.date": None,  # the consult has the assessment instead
    }


def test_a_follow_up_starts_without_the_last_visits_notes() -> None:
    last = Intake.model_validate({**family(), "parent": {**family()["parent"], "notes": NOTE}})
    answers, hints = follow_up_answers(builtin_form(), last)
    assert "parent.notes" not in answers and hints["parent.notes"] == NOTE


@pytest.mark.slow  # slow: a whole interview
def test_ctrl_n_writes_a_babys_note_and_comes_back_to_the_question(tmp_path: Path, library: Library) -> None:
    expected = family()
    script = script_for(expected)
    at = [key for key, _ in script].index("babies.1.birth_weight_g")
    noted = [*script[:at], (RAW, CTRL_N), ("babies.1.notes", NOTE), *script[at:]]
    run = drive(noted, today=date(2026, 3, 2), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    assert run.written["babies"][1]["notes"] == NOTE and run.written["babies"][0]["notes"] is None
    wanted = normalised(expected)
    wanted["babies"][1]["notes"] = NOTE
    assert normalised(run.written) == wanted
    assert run.screen.count("For the record") == 1, "the notes' help line, once"
    assert run.result is not None and "babies.1.notes" in run.result.asked


@pytest.mark.slow  # slow: a whole interview
def test_ctrl_n_where_a_section_has_no_notes_says_so(tmp_path: Path, library: Library) -> None:
    expected = family()
    script = script_for(expected)
    run = drive([(RAW, CTRL_N), *script], today=date(2026, 3, 2), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    assert "This section has no notes." in run.screen
    assert normalised(run.written) == normalised(expected)
