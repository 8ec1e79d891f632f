"""The whole interview, driven through prompt_toolkit's pipe input: families, interruptions, the review, follow-ups."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from careplan.cli import cli
from careplan.errors import InputError
from careplan.intake import Intake
from careplan.interview.hooks import RedFlag
from careplan.interview.loader import builtin_form
from careplan.interview.partial import load_partial
from careplan.interview.session import InterviewInterrupted
from careplan.interview.terminal import NoTerminal, resume_command
from careplan.rules.library import Library
from tests.conftest import ROOT
from tests.helpers.interview_driver import (
    CTRL_B,
    CTRL_C,
    CTRL_U,
    ENTER,
    KEEP,
    RAW,
    REVIEW,
    SPACE,
    Keys,
    asked_keys,
    drive,
    keys_for,
    normalised,
    script_for,
)

pytestmark = pytest.mark.slow  # slow: drives the whole interview with keystrokes, many times

EXAMPLES = ROOT / "intake_forms" / "relactation" / "examples"
FAMILIES = {
    "term baby, recent weaning": "01-recent-weaning-term-baby.json",
    "newborn losing weight": "04-urgent-newborn-weight-loss.json",
    "preterm twins, medicines": "05-preterm-twins-nicu-follow-up.json",
    "breast reduction": "09-breast-reduction-lupus-warfarin.json",
}


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def consult_day(data: dict[str, Any]) -> date:
    return date.fromisoformat(data["consult"]["date"])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def review_number(script: list[tuple[str, Any]], key: str) -> int:
    """The review lists every answer in the order asked, numbered from 1."""
    return asked_keys(script).index(key) + 1


# --------------------------------------------------------------------------------------------------------------
# Whole families
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES, ids=list(FAMILIES))
def test_a_whole_family_writes_the_expected_intake(tmp_path: Path, library: Library, family: str) -> None:
    expected = example(FAMILIES[family])
    script = script_for(expected)
    out = tmp_path / "intake.json"
    run = drive(script, today=consult_day(expected), output=out, library=library)
    assert run.error is None, run.screen
    assert normalised(run.written) == normalised(expected)
    assert run.result is not None
    assert run.result.asked == asked_keys(script)
    assert mode(out) == 0o600
    assert not (tmp_path / "intake.partial.json").exists()  # the partial file goes once the intake is written
    assert "Intake written" in run.screen and "Plan for" in run.screen


def test_red_flags_show_the_moment_they_are_entered(tmp_path: Path, library: Library) -> None:
    expected = example(FAMILIES["newborn losing weight"])
    run = drive(script_for(expected), today=consult_day(expected), output=tmp_path / "i.json", library=library)
    screen = run.screen
    weight_flag = screen.index("In the plan: Have Mateo Ejemplar weighed and seen by a doctor today")
    diaper_flag = screen.index("In the plan: Get a doctor for Mateo Ejemplar now")
    # in the consultant's words: how urgent, for whom, and the findings with their numbers
    assert "RED FLAG, URGENT (Mateo Ejemplar): lost over 10 percent" in screen[:weight_flag]
    # while flags stand, every question carries the count
    assert "⚑ 1 red flag: URGENT (Mateo Ejemplar)" in screen[weight_flag:diaper_flag]
    # the weight flag comes with the weight, before the feeding questions; the diaper flag with the diapers
    assert weight_flag < screen.index("Formula, donor or expressed milk") < diaper_flag
    assert diaper_flag < screen.index("── Lactation history ──")
    summary = screen[screen.index("Plan for"):]
    assert summary.index("!! URGENT") < summary.index("-> ")  # urgent first, then referrals


def test_no_red_flag_for_a_well_baby(tmp_path: Path, library: Library) -> None:
    expected = example(FAMILIES["term baby, recent weaning"])
    run = drive(script_for(expected), today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert "RED FLAG" not in run.screen


def test_typed_like_a_consultant(tmp_path: Path, library: Library) -> None:
    """kg, lb/oz, weeks+days and 'today'; a wrong answer is refused and corrected; Ctrl-B goes back."""
    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)
    human = {
        "consult.date": "today",
        "babies.0.birth_weight_g": "3.45 kg",
        "babies.0.current_weight_g": "10 lb 0.5 oz",  # 4550 g
        "babies.0.gestational_age_weeks": "39+4",  # 39.6
    }
    script = [(key, human.get(key, answer)) for key, answer in script]
    # a birth weight of 34500 g is refused (Enter does nothing), then corrected
    at = [k for k, _ in script].index("babies.0.birth_weight_g")
    script = [*script[:at], (RAW, CTRL_U + "34500\r"), *script[at:]]
    # at the wet diapers: half-typed, Ctrl-B goes back to the concerns (kept as they were), then on again
    at = [k for k, _ in script].index("babies.0.wet_diapers_24h")
    script = [*script[:at], (RAW, "9" + CTRL_B), ("babies.0.concerns", KEEP), *script[at:]]
    run = drive(script, today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    wanted = normalised(expected)
    wanted["babies"][0]["gestational_age_weeks"] = 39.6
    assert normalised(run.written) == wanted
    assert run.result is not None
    assert run.result.asked.count("babies.0.concerns") == 2


def test_cross_field_mistakes_are_refused_as_typed(tmp_path: Path, library: Library) -> None:
    """A weight dated before the birth is refused at once, with the model's message."""
    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)
    at = [k for k, _ in script].index("babies.0.weighed_on")
    script = [*script[:at], (RAW, CTRL_U + "2026-01-01\r"), *script[at:]]
    run = drive(script, today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    assert run.written["babies"][0]["weighed_on"] == "2026-03-16"


# --------------------------------------------------------------------------------------------------------------
# Interrupted, then resumed
# --------------------------------------------------------------------------------------------------------------

STOPS = {
    "typing the parent's name": ("parent.name", "Lena Samp"),
    "inside the baby's questions": ("babies.0.feeding.milk", ""),
    "at the health history (medicines)": ("health.history#screen", ""),
    "after the last question, at the review": (REVIEW, ""),
}


@pytest.mark.parametrize("stop", STOPS, ids=list(STOPS))
def test_ctrl_c_saves_everything_and_resume_finishes(tmp_path: Path, library: Library, stop: str) -> None:
    expected = example(FAMILIES["preterm twins, medicines"]) if "medicines" in stop else example(FAMILIES[
        "term baby, recent weaning"])
    script = script_for(expected)
    key, half_typed = STOPS[stop]
    cut = [k for k, _ in script].index(key)
    out = tmp_path / "intake.json"
    partial = tmp_path / "intake.partial.json"
    first = drive([*script[:cut], (RAW, half_typed + CTRL_C)], today=consult_day(expected), output=out,
                  library=library)
    assert isinstance(first.error, InterviewInterrupted)
    assert first.error.exit_code == 130
    assert first.error.lines[-1] == f"Interview saved to {partial}; resume with: {resume_command(partial)}"
    assert mode(partial) == 0o600
    assert not out.exists()
    saved = load_partial(partial)
    assert len(saved.answers) == len(asked_keys(script[:cut]))
    assert saved.position == (key if key != REVIEW else "review")
    assert half_typed == "" or half_typed not in partial.read_text(encoding="utf-8")
    second = drive(script[cut:], today=consult_day(expected), resume=partial, library=library)
    assert second.error is None, second.screen
    assert second.result is not None and second.result.output == out
    assert normalised(second.written) == normalised(expected)
    assert second.written["record_id"] == saved.record_id, "the record id made at the start is kept on resume"
    assert not partial.exists()


def test_a_closed_terminal_loses_nothing(tmp_path: Path, library: Library) -> None:
    """The input ends mid-interview (EOF): saved, exit 130; resuming finishes the same intake."""
    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)
    cut = len(script) // 2
    out = tmp_path / "intake.json"
    first = drive(script[:cut], today=consult_day(expected), output=out, library=library)
    assert isinstance(first.error, InterviewInterrupted) and first.error.exit_code == 130
    assert "terminal closed" in first.error.lines[0]
    second = drive(script[cut:], today=consult_day(expected), resume=first.error.partial, library=library)
    assert normalised(second.written) == normalised(expected)


def test_a_crash_loses_nothing(tmp_path: Path, library: Library) -> None:
    from careplan.pipeline import PlanHooks

    expected = example(FAMILIES["newborn losing weight"])
    script = script_for(expected)
    calls = {"n": 0}

    class Flaky(PlanHooks):
        def red_flags(self, intake: Intake) -> list[RedFlag]:
            calls["n"] += 1
            if calls["n"] == 6:
                raise RuntimeError("boom: Mateo 3180 g")
            return super().red_flags(intake)

    def flaky(libraries: tuple[Path, ...], practice: Path | None, render: bool, plan_type: str) -> Flaky:
        return Flaky(libraries, practice, render, plan_type, library=library)

    out = tmp_path / "intake.json"
    first = drive(script, today=consult_day(expected), output=out, hooks=flaky)
    assert isinstance(first.error, InterviewInterrupted) and first.error.exit_code == 130
    assert "unexpected error RuntimeError" in first.error.lines[0]
    assert "Mateo" not in " ".join(first.error.lines)  # the error's text may hold health data: not shown
    saved = load_partial(tmp_path / "intake.partial.json")
    done = len(saved.answers)
    assert done > 0
    rest = script[done:]
    second = drive(rest, today=consult_day(expected), resume=first.error.partial, library=library)
    assert second.error is None, second.screen
    assert normalised(second.written) == normalised(expected)


def test_nothing_answered_nothing_saved(tmp_path: Path, library: Library) -> None:
    run = drive([(RAW, CTRL_C)], today=date(2026, 3, 16), output=tmp_path / "i.json", library=library)
    assert isinstance(run.error, InterviewInterrupted)
    assert "nothing was saved" in run.error.lines[0]
    assert list(tmp_path.iterdir()) == []


def test_an_existing_intake_or_saved_interview_is_never_overwritten(tmp_path: Path, library: Library) -> None:
    out = tmp_path / "intake.json"
    out.write_text("{}", encoding="utf-8")
    run = drive("", today=date(2026, 3, 16), output=out, library=library)
    assert run.error is not None and "already exists" in str(run.error)
    out.unlink()
    (tmp_path / "intake.partial.json").write_text("{}", encoding="utf-8")
    run = drive("", today=date(2026, 3, 16), output=out, library=library)
    assert run.error is not None and "--resume" in str(run.error)


def test_a_resumed_interview_shows_the_red_flags_it_already_has(tmp_path: Path, library: Library) -> None:
    """The weight flag is raised with the weight; stopped at the next question (the feeding), the resumed interview
    shows it again before asking on, and keeps it on the status line."""
    expected = example(FAMILIES["newborn losing weight"])
    script = script_for(expected)
    cut = [k for k, _ in script].index("babies.0.feeding.milk")
    partial = tmp_path / "intake.partial.json"
    first = drive([*script[:cut], (RAW, CTRL_C)], today=consult_day(expected), output=tmp_path / "intake.json",
                  library=library)
    assert isinstance(first.error, InterviewInterrupted)
    assert "RED FLAG, URGENT (Mateo Ejemplar): lost over 10 percent" in first.screen
    second = drive(script[cut:], today=consult_day(expected), resume=partial, library=library)
    assert second.error is None, second.screen
    shown = second.screen.index("RED FLAG, URGENT (Mateo Ejemplar): lost over 10 percent")
    assert shown < second.screen.index("⚑ 1 red flag") < second.screen.index("Formula, donor or expressed milk")


def test_resume_refuses_a_file_that_is_not_a_saved_interview(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"consult": {}}', encoding="utf-8")
    run = drive("", today=date(2026, 3, 16), resume=bad)
    assert isinstance(run.error, InputError)
    assert run.error.lines == [f"{bad}: not a saved interview"]


# --------------------------------------------------------------------------------------------------------------
# The review
# --------------------------------------------------------------------------------------------------------------


def test_review_edit_raises_then_clears_a_red_flag(tmp_path: Path, library: Library) -> None:
    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)[:-2]  # stop before saving
    weight = review_number(script, "babies.0.current_weight_g")
    edits = [
        (REVIEW, weight), (RAW, CTRL_U + "3000\r"),  # under birth weight at 6 weeks: urgent
        (REVIEW, weight), (RAW, CTRL_U + "4600\r"),  # gaining again: the flag goes
        (REVIEW, ""), (RAW, "y"),
    ]
    run = drive([*script, *edits], today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    after_first_edit = run.screen.split("══ Review")[2]
    assert "In the plan: Have Otis Sampleton weighed and seen by a doctor today" in run.screen.split("══ Review")[1]
    assert "Red flags now:" in after_first_edit
    assert "No longer flagged: URGENT (Otis Sampleton)" in after_first_edit
    assert run.written["babies"][0]["current_weight_g"] == 4600
    assert run.result is not None and not run.result.plan.urgent()


def test_review_edit_drops_dependent_answers(tmp_path: Path, library: Library) -> None:
    """Breast surgery unticked in the health history: the surgery's details go; ticked again, they are asked again."""
    expected = example(FAMILIES["breast reduction"])
    assert expected["health"]["breast_surgeries"]
    script = script_for(expected)[:-2]
    screen = "health.history#screen"
    ticks = dict(script)[screen]
    assert "breast_surgeries" in ticks
    untick = Keys(keys_for(builtin_form(), screen, [t for t in ticks if t != "breast_surgeries"], ticked=ticks))
    run = drive(
        [*script, (REVIEW, review_number(script, screen)), (screen, untick), (REVIEW, ""), (RAW, "y")],
        today=consult_day(expected), output=tmp_path / "i.json", library=library,
    )
    assert run.error is None, run.screen
    assert run.written["health"]["breast_surgeries"] == []
    final_review = run.screen.split("══ Review")[-1]
    assert "Kind of surgery" not in final_review and "Tissue under the areola" not in final_review
    wanted = normalised(expected)
    wanted["health"]["breast_surgeries"] = []
    assert normalised(run.written) == wanted


def test_review_edit_asks_newly_needed_questions(tmp_path: Path, library: Library) -> None:
    """Earlier children changed from 0 to 2: 'how many breastfed' is asked, then back to the review."""
    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)[:-2]
    number = review_number(script, "lactation.earlier_children")
    run = drive(
        [*script, (REVIEW, number), (RAW, CTRL_U + "2\r"), ("lactation.earlier_children_breastfed", "1"),
         (REVIEW, ""), (RAW, "y")],
        today=consult_day(expected), output=tmp_path / "i.json", library=library,
    )
    assert run.error is None, run.screen
    assert run.written["lactation"]["earlier_children"] == 2
    assert run.written["lactation"]["earlier_children_breastfed"] == 1


def test_review_removes_a_twin(tmp_path: Path, library: Library) -> None:
    expected = example(FAMILIES["preterm twins, medicines"])
    script = script_for(expected)[:-2]
    second = review_number(script, "babies.1.name")
    run = drive([*script, (REVIEW, f"d{second}"), (RAW, "y"), (REVIEW, ""), (RAW, "y")],
                today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    assert [b["name"] for b in run.written["babies"]] == ["Ida Probe"]
    assert normalised(run.written)["babies"][0] == normalised(expected)["babies"][0]


def test_review_will_not_save_an_invalid_intake(tmp_path: Path, library: Library) -> None:
    """A conflict between two answers is listed with its number, and saving waits until it is fixed."""
    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)[:-2]
    consult = review_number(script, "consult.date")
    run = drive(
        [*script, (REVIEW, consult), (RAW, CTRL_U + "2026-03-01\r"),  # before the weight, the removal...
         (REVIEW, ""),  # refused: problems listed
         (REVIEW, consult), (RAW, CTRL_U + "2026-03-16\r"), (REVIEW, ""), (RAW, "y")],
        today=consult_day(expected), output=tmp_path / "i.json", library=library,
    )
    assert run.error is None, run.screen
    assert "To fix before saving:" in run.screen
    assert f"[{review_number(script, 'babies.0.weighed_on')}]" in run.screen
    assert "Fix the problems listed above first." in run.screen
    assert normalised(run.written) == normalised(expected)


# --------------------------------------------------------------------------------------------------------------
# Follow-up visits
# --------------------------------------------------------------------------------------------------------------

FOLLOW_UP = [
    ("consult.date", "2026-03-30"),
    ("consult.duration_minutes", "30"),
    ("babies.0.weighed_on", "2026-03-30"),
    ("babies.0.current_weight_g", "5100"),
    # the last visit's answer (formula) comes ticked: tick breastfeeding (the first choice) too
    ("babies.0.feeding.milk", Keys(SPACE + ENTER)),
    ("babies.0.feeding.supplement_ml_per_24h", "500"),
    ("babies.0.feeding.methods", "\x1b"),  # asked again, last visit's answer (bottle) the default: kept
    ("babies.0.feeding.feeds_per_24h", "9"),
    ("babies.0.latches", "\x1b"),
    ("babies.0.concerns", "\x1b"),
    ("babies.0.wet_diapers_24h", "7"),
    ("babies.0.dirty_diapers_24h", "3"),
    ("babies.0.stool_colour", "yellow"),
    ("babies.0.signs#screen", "\x1b"),  # asked again; the last visit's "none of these" comes ticked: kept
    ("lactation.last_milk_removal", "today"),
    ("lactation.current_output", "some"),
    ("health.history#screen", "\x1b"),  # asked again: the last visit's ticks (allergies) are the default
    ("health.breast_check#screen", "\x1b"),
    ("situation.bedsharing", "\x1b"),
    ("goals.reduce_supplement", "yes"),
    ("goals.herbs_taken", "\x1b"),
    # this visit's record: its date, supplement, weight and diapers are the answers just given, not asked twice
    ("progress.0.milk_removal_sessions_per_24h", "8"),
    ("progress.0.expressed_ml_per_24h", "120"),
    ("progress.0.feeds_at_breast_per_24h", "3"),
    ("progress.0.weighed_at", "this_visit"),
    ("progress.0.weighed_how", "naked"),
    ("progress.0.test_weight_transfer_g", ""),  # not done: Enter
    ("progress#add.1", False),
    ("consult.assessment", "Otis fed at the breast for ten minutes today."),
    ("consult.next_visit", "2026-04-13"),
    ("consult.next_visit_time", "09:30"),
]


def follow_up_script() -> list[tuple[str, Any]]:
    return [(key, KEEP if answer == "\x1b" else answer) for key, answer in FOLLOW_UP]


def test_follow_up_from_the_last_intake(tmp_path: Path, library: Library) -> None:
    previous = tmp_path / "first-visit.json"
    first = {**example(FAMILIES["term baby, recent weaning"]), "record_id": "1b2c3d4e5f60718293a4b5c6d7e8f901"}
    previous.write_text(json.dumps(first), encoding="utf-8")
    script = [*follow_up_script(), (REVIEW, ""), (RAW, "y")]
    run = drive(script, today=date(2026, 3, 30), output=tmp_path / "follow-up.json", previous=previous,
                library=library)
    assert run.error is None, run.screen
    assert run.result is not None
    assert run.result.asked == asked_keys(script)  # only the progress questions are asked afresh
    written = run.written
    assert written["consult"]["visit"] == "follow_up"
    assert written["consult"]["date"] == "2026-03-30"
    assert written["record_id"] != first["record_id"], "a follow-up visit is a record of its own"
    assert written["consult"]["assessment"] == "Otis fed at the breast for ten minutes today."
    assert (written["consult"]["next_visit"], written["consult"]["next_visit_time"]) == ("2026-04-13", "09:30")
    baby = written["babies"][0]
    assert baby["earlier_weights"] == [{"date": "2026-03-16", "grams": 4550}]  # last visit's weight
    assert (baby["current_weight_g"], baby["weighed_on"]) == (5100, "2026-03-30")
    # asked again with the last visit's answer as the default; Enter kept it, and the new tick was added
    assert (baby["feeding"]["methods"], baby["latches"], baby["concerns"]) == (["bottle"], "yes", ["tongue_tie"])
    assert sorted(baby["feeding"]["milk"]) == ["direct_breastfeeding", "formula"]
    assert "these answers disagree" not in run.screen
    assert written["progress"] == [
        {"date": "2026-03-30", "baby": 1, "milk_removal_sessions_per_24h": 8, "expressed_ml_per_24h": 120.0,
         "supplement_ml_per_24h": 500.0, "supplement_methods": ["bottle"], "feeds_at_breast_per_24h": 3,
         "baby_weight_g": 5100, "weighed_at": "this_visit", "weighed_how": "naked", "test_weight_transfer_g": None,
         "wet_diapers_24h": 7, "dirty_diapers_24h": 3, "notes": None}
    ]
    # carried over unchanged
    for part in ("parent", "health", "goals", "situation"):
        assert normalised(written)[part] == normalised(first)[part]
    assert "Review" in run.screen


def test_answers_that_disagree_are_shown_before_saving(tmp_path: Path, library: Library) -> None:
    """At a follow-up the baby is now fed at the breast, but 'latches' is answered no: shown before the review."""
    previous = tmp_path / "first-visit.json"
    previous.write_text(json.dumps(example(FAMILIES["term baby, recent weaning"])), encoding="utf-8")
    script = [(key, "no" if key == "babies.0.latches" else answer) for key, answer in follow_up_script()]
    run = drive([*script, (REVIEW, ""), (RAW, "y")], today=date(2026, 3, 30), output=tmp_path / "f.json",
                previous=previous, library=library)
    assert run.error is None, run.screen
    line = "Check before saving, these answers disagree: babies[1]: feeding.milk says fed at the breast, but latches"
    assert line in run.screen
    assert run.screen.index(line) < run.screen.index("Review")
    assert run.written["babies"][0]["latches"] == "no", "both answers are kept when the consultant saves"


def test_follow_up_from_an_unreadable_file_is_one_clear_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    run = drive("", today=date(2026, 3, 16), output=tmp_path / "i.json", previous=missing)
    assert isinstance(run.error, InputError)
    assert run.error.lines == [f"{missing}: no such file"]


# --------------------------------------------------------------------------------------------------------------
# No terminal
# --------------------------------------------------------------------------------------------------------------


def test_no_terminal_says_how_to_render_from_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["interview", "-o", str(tmp_path / "i.json")], input="")
    assert result.exit_code == 1
    assert "careplan interview needs a terminal" in result.output
    assert "careplan render INTAKE.json" in result.output
    assert not any(tmp_path.iterdir())


def test_no_terminal_from_the_installed_command(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("careplan")
    done = subprocess.run([str(command), "interview"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          cwd=tmp_path, check=False, timeout=60)
    assert done.returncode == 1
    assert "needs a terminal" in done.stderr and "careplan render" in done.stderr
    assert done.stdout == ""


def test_run_interview_without_terminal_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from careplan.interview.session import run_interview
    from careplan.pipeline import PlanHooks

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(NoTerminal):
        run_interview(tmp_path / "i.json", hooks=PlanHooks.factory())


# --------------------------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------------------------


def test_render_writes_the_pdf_of_exactly_the_saved_intake(tmp_path: Path, library: Library) -> None:
    """The PDF drafted during the review is the one kept only if the intake did not change after it."""
    from pypdf import PdfReader

    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)[:-2]
    weight = review_number(script, "babies.0.current_weight_g")
    # the review is shown (a draft starts), an answer is changed (that draft is stale), then saved
    edits = [(REVIEW, weight), (RAW, CTRL_U + "4600\r"), (REVIEW, ""), (RAW, "y")]
    out = tmp_path / "intake.json"
    run = drive([*script, *edits], today=consult_day(expected), output=out, render=True, library=library)
    assert run.error is None, run.screen
    assert run.result is not None and run.result.pdf == tmp_path / "intake.pdf"
    embedded = PdfReader(run.result.pdf).attachments["intake.json"][0]
    assert json.loads(embedded) == run.written
    assert run.written["babies"][0]["current_weight_g"] == 4600
    assert mode(run.result.pdf) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake.json", "intake.pdf"]  # no drafts left
    assert run.result.timings["to_pdf"] < 30


def test_stopping_at_the_review_leaves_no_draft_pdf(tmp_path: Path, library: Library) -> None:
    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)[:-2]
    run = drive([*script, (RAW, CTRL_C)], today=consult_day(expected), output=tmp_path / "intake.json",
                render=True, library=library)
    assert isinstance(run.error, InterviewInterrupted)
    assert [p.name for p in tmp_path.iterdir()] == ["intake.partial.json"]


def test_resume_from_another_folder_writes_where_the_interview_began(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = example(FAMILIES["term baby, recent weaning"])
    script = script_for(expected)
    started_in = tmp_path / "consults"
    started_in.mkdir()
    monkeypatch.chdir(started_in)
    first = drive([*script[:5], (RAW, CTRL_C)], today=consult_day(expected), output=Path("lena.json"),
                  library=library)
    assert isinstance(first.error, InterviewInterrupted) and first.error.partial is not None
    assert first.error.partial == started_in / "lena.partial.json"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    second = drive(script[5:], today=consult_day(expected), resume=Path("../consults/lena.partial.json"),
                   library=library)
    assert second.error is None, second.screen
    assert (started_in / "lena.json").exists()
    assert list(elsewhere.iterdir()) == []
