"""The plan type is chosen at the start of a new interview and recorded in the intake: in a real terminal, a
low-supply consult typed in whole, stopped and resumed, and every low-supply example typed in through its form."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pexpect
import pytest
from pypdf import PdfReader

from careplan.intake import Intake, load_intake
from careplan.interview.carry import flatten
from careplan.interview.choice import interview_plan_types, plan_form
from careplan.interview.partial import build_data, load_partial
from careplan.rules.library import load_library
from tests.conftest import LOW_SUPPLY_EXAMPLES
from tests.helpers.interview_driver import REVIEW, asked_keys, drive, normalised, script_for
from tests.helpers.interview_pty import CAREPLAN, answer, prompt_text, spawn

CHOOSE = "What is this consult about?"
FAMILY = LOW_SUPPLY_EXAMPLES[0]
DOWN = "\x1b[B"


def test_both_plan_types_have_an_interview_relactation_first() -> None:
    assert interview_plan_types() == [("relactation", "Relactation and induced lactation"),
                                      ("low-supply", "Low milk supply")]


def without_notes(data: Any) -> Any:
    """Notes are typed with Ctrl-N, not asked in order: the scripts leave them out."""
    if isinstance(data, dict):
        return {k: without_notes(v) for k, v in data.items() if k != "notes"}
    if isinstance(data, list):
        return [without_notes(v) for v in data]
    return data


@pytest.mark.parametrize("path", LOW_SUPPLY_EXAMPLES, ids=lambda p: p.name[:2])
def test_every_low_supply_example_round_trips_through_its_form(path: Path) -> None:
    """flatten (intake -> answers) then build (answers -> intake) gives the example back."""
    form = plan_form("low-supply")
    data = Intake.model_validate_json(path.read_bytes()).model_dump(mode="json")
    assert Intake.model_validate(build_data(form, flatten(form, data))).model_dump(mode="json") == data


FIRST_VISITS = [
    p for p in LOW_SUPPLY_EXAMPLES if json.loads(p.read_text(encoding="utf-8"))["consult"]["visit"] == "first"
]


@pytest.mark.slow  # slow: a whole interview per example (about 4 s each)
@pytest.mark.parametrize("path", FIRST_VISITS, ids=lambda p: p.name[:2])
def test_every_first_visit_example_can_be_typed_in(path: Path, tmp_path: Path) -> None:
    """Answered key by key through the real prompts (a follow-up starts from the last visit: --from)."""
    form = plan_form("low-supply")
    expected = without_notes(json.loads(path.read_text(encoding="utf-8")))
    consulted = date.fromisoformat(expected["consult"]["date"])  # "today" answers, such as consent's date
    run = drive(script_for(expected, form), today=consulted, form=form, output=tmp_path / "intake.json",
                library=load_library(plan_type="low-supply"))
    assert run.error is None, run.screen[-2000:]
    assert run.written["plan_type"] == "low-supply"
    assert normalised(run.written) == normalised(expected)


@pytest.mark.slow  # slow: the real interview in a pty, with a PDF at the end
def test_a_low_supply_consult_chosen_and_typed_in_a_terminal(tmp_path: Path) -> None:
    form = plan_form("low-supply")
    expected = json.loads(FAMILY.read_text(encoding="utf-8"))
    script = script_for(expected, form)
    child = spawn(tmp_path, "-o", "intake.json", "--render", plan_type=None)
    try:
        child.expect_exact(CHOOSE)
        child.send(DOWN + "\r")  # relactation is first; low milk supply next
        answer(child, script[:-2], form=form)
        child.expect_exact(prompt_text(REVIEW))
        child.send("\r")
        child.expect_exact("Save the intake and render the plan?")
        child.send("y")
        child.expect_exact("PDF written")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    written = load_intake(tmp_path / "intake.json")
    assert written.plan_type == "low-supply"
    assert normalised(written.model_dump(mode="json")) == normalised(expected)
    text = PdfReader(tmp_path / "intake.pdf").pages[0].extract_text()
    assert expected["parent"]["name"] in text


@pytest.mark.slow  # slow: the real interview in a pty
def test_a_stopped_low_supply_interview_resumes_as_low_supply(tmp_path: Path) -> None:
    form = plan_form("low-supply")
    expected = json.loads(FAMILY.read_text(encoding="utf-8"))
    script = script_for(expected, form)
    cut = asked_keys(script).index("babies.0.birth_date")
    child = spawn(tmp_path, "-o", "intake.json", plan_type=None)
    child.expect_exact(CHOOSE)
    child.send(DOWN + "\r")
    answer(child, script[:cut], form=form)
    child.expect_exact(prompt_text(script[cut][0], form))
    child.send("\x03")
    child.expect_exact(f"resume with: {CAREPLAN} interview --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    partial = tmp_path / "intake.partial.json"
    saved = load_partial(partial)
    assert saved.plan_type == "low-supply" and len(saved.answers) == cut
    # Resumed with no form given: the saved plan type picks it, and nothing asks the plan type again.
    finished = drive(script[cut:], today=date.fromisoformat(expected["consult"]["date"]), resume=partial, form=None,
                     library=load_library(plan_type="low-supply"))
    assert finished.error is None, finished.screen[-2000:]
    assert CHOOSE not in finished.screen
    assert normalised(finished.written) == normalised(expected)


def test_plan_type_with_resume_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from careplan.cli import cli

    result = CliRunner().invoke(cli, ["interview", "--plan-type", "low-supply", "--resume", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "--plan-type is for a new interview" in result.output
