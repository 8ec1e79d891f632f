"""The review a section at a time, each page in 80x24; amounts shown back in the unit typed; answers a change hid put
back when the change is undone (kept until saved); the partial file's optional ``units`` and ``hidden`` keys."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from careplan.intake import Intake
from careplan.interview.carry import flatten
from careplan.interview.form import Form
from careplan.interview.loader import builtin_form
from careplan.interview.nodes import Slot
from careplan.interview.partial import (
    PARTIAL_FORMAT,
    PARTIAL_VERSION,
    State,
    load_partial,
    prune_keeping,
    remember_unit,
    save_partial,
    unit_for,
)
from careplan.interview.review import KEYS_LINE, ROWS, paginate
from careplan.interview.session import InterviewInterrupted
from careplan.rules.library import Library
from tests.conftest import ROOT
from tests.helpers.interview_driver import (
    CTRL_B,
    CTRL_C,
    CTRL_U,
    RAW,
    REVIEW,
    asked_keys,
    drive,
    keys_for,
    normalised,
    script_for,
)

EXAMPLES = ROOT / "intake_forms" / "relactation" / "examples"
TERM_BABY = "01-recent-weaning-term-baby.json"
NEWBORN = "04-urgent-newborn-weight-loss.json"
TWINS = "05-preterm-twins-nicu-follow-up.json"
SURGERY = "09-breast-reduction-lupus-warfarin.json"
MILK = "babies.0.feeding.milk"
SUPPLEMENT = "babies.0.feeding.supplement_ml_per_24h"
METHODS = "babies.0.feeding.methods"

#: Whether the session stores the unit typed (asking.py) and keeps pruned answers (session.record): the one-line
#: changes that call into partial.py. The end-to-end tests of those wait for them.


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def answers_for(form: Form, name: str) -> dict[str, Any]:
    return flatten(form, Intake.model_validate(example(name)).model_dump(mode="json"))


def consult_day(data: dict[str, Any]) -> date:
    return date.fromisoformat(data["consult"]["date"])


# --------------------------------------------------------------------------------------------------------------
# The partial file
# --------------------------------------------------------------------------------------------------------------


def test_an_older_partial_file_without_units_or_hidden_answers_loads(tmp_path: Path) -> None:
    path = tmp_path / "intake.partial.json"
    path.write_text(json.dumps({
        "format": PARTIAL_FORMAT, "version": PARTIAL_VERSION, "output": str(tmp_path / "intake.json"),
        "render": False, "practice": None, "libraries": [], "phase": "review", "position": "review",
        "answers": {"babies.0.birth_weight_g": 3345}, "previous": {},
        "record_id": "1b2c3d4e5f60718293a4b5c6d7e8f901",
    }), encoding="utf-8")
    state = load_partial(path)
    assert state.answers == {"babies.0.birth_weight_g": 3345}
    assert (state.units, state.hidden) == ({}, {})
    assert state.record_id == "1b2c3d4e5f60718293a4b5c6d7e8f901"


def test_units_and_hidden_answers_are_saved_and_read_back(tmp_path: Path) -> None:
    state = State(answers={"babies.0.birth_weight_g": 3345}, output=tmp_path / "i.json",
                  partial=tmp_path / "i.partial.json")
    remember_unit(state, "babies.0.birth_weight_g", "lb")
    state.hidden = {SUPPLEMENT: 710.0, METHODS: ["bottle"]}
    save_partial(state)
    again = load_partial(state.partial)
    assert again.units == {"babies.0.birth_weight_g": "lb"}
    assert again.hidden == {SUPPLEMENT: 710.0, METHODS: ["bottle"]}
    assert unit_for(again, "babies.0.birth_weight_g") == "lb"


@pytest.mark.parametrize(
    ("units", "hidden", "kept_units"),
    [
        ([1, 2], "x", {}),
        ({"a": "stone", "b": "oz", "c": 3}, None, {"b": "oz"}),
    ],
)
def test_damaged_units_or_hidden_answers_are_left_out_not_fatal(
    tmp_path: Path, units: Any, hidden: Any, kept_units: dict[str, str]
) -> None:
    state = State(answers={}, output=tmp_path / "i.json", partial=tmp_path / "i.partial.json")
    save_partial(state)
    document = json.loads(state.partial.read_text(encoding="utf-8"))
    document["units"], document["hidden"] = units, hidden
    state.partial.write_text(json.dumps(document), encoding="utf-8")
    again = load_partial(state.partial)
    assert again.units == kept_units
    assert again.hidden == {}


def test_an_answer_without_a_unit_forgets_the_unit_typed_before(tmp_path: Path) -> None:
    state = State(answers={}, output=tmp_path / "i.json", partial=tmp_path / "i.partial.json")
    remember_unit(state, "w", "kg")
    assert unit_for(state, "w") == "kg"
    remember_unit(state, "w", None)
    assert unit_for(state, "w") is None and state.units == {}
    remember_unit(state, "w", "stone")  # not a unit the interview reads: not kept
    assert state.units == {}


# --------------------------------------------------------------------------------------------------------------
# Answers a change hid, put back when it is undone
# --------------------------------------------------------------------------------------------------------------


def test_a_choice_changed_and_changed_back_restores_what_it_hid() -> None:
    form = builtin_form()
    answers = answers_for(form, TERM_BABY)
    assert answers[MILK] == ["formula"] and SUPPLEMENT in answers and METHODS in answers
    changed, hidden = prune_keeping(form, {**answers, MILK: ["direct_breastfeeding"]}, {})
    assert SUPPLEMENT not in changed and METHODS not in changed
    assert hidden == {SUPPLEMENT: answers[SUPPLEMENT], METHODS: answers[METHODS]}
    back, hidden = prune_keeping(form, {**changed, MILK: ["formula"]}, hidden)
    assert back == answers
    assert hidden == {}


def test_a_list_put_back_comes_back_with_its_items() -> None:
    """Breast surgery unticked in the health history hides the surgeries and their details; ticked again brings
    them all back."""
    form = builtin_form()
    answers = answers_for(form, SURGERY)
    screen = "health.history#screen"
    assert "breast_surgeries" in answers[screen]
    surgery = {k: v for k, v in answers.items() if k.startswith("health.breast_surgeries.")}
    assert surgery
    unticked = [tick for tick in answers[screen] if tick != "breast_surgeries"] or ["none"]
    changed, hidden = prune_keeping(form, {**answers, screen: unticked}, {})
    assert not any(k.startswith("health.breast_surgeries.") for k in changed)
    assert surgery.items() <= hidden.items()
    back, hidden = prune_keeping(form, {**changed, screen: answers[screen]}, hidden)
    assert back == answers and hidden == {}


def test_an_answer_given_since_wins_over_a_hidden_one() -> None:
    form = builtin_form()
    answers = answers_for(form, TERM_BABY)
    changed, hidden = prune_keeping(form, {**answers, MILK: ["direct_breastfeeding"]}, {})
    again, hidden = prune_keeping(form, {**changed, MILK: ["formula"], SUPPLEMENT: 300.0}, hidden)
    assert again[SUPPLEMENT] == 300.0 and again[METHODS] == answers[METHODS]
    assert hidden == {}


def test_a_hidden_answer_that_no_longer_fits_its_question_stays_out() -> None:
    form = builtin_form()
    answers = answers_for(form, TERM_BABY)
    changed, hidden = prune_keeping(form, {**answers, MILK: ["direct_breastfeeding"]}, {})
    hidden[METHODS] = ["carrier pigeon"]  # e.g. a choice taken out of the question file since it was saved
    back, hidden = prune_keeping(form, {**changed, MILK: ["formula"]}, hidden)
    assert METHODS not in back and back[SUPPLEMENT] == answers[SUPPLEMENT]
    assert hidden == {METHODS: ["carrier pigeon"]}


def test_prune_keeping_leaves_its_arguments_alone() -> None:
    form = builtin_form()
    answers = {**answers_for(form, TERM_BABY), MILK: ["direct_breastfeeding"]}
    before = dict(answers)
    hidden: dict[str, Any] = {"x.y": 1}
    prune_keeping(form, answers, hidden)
    assert answers == before and hidden == {"x.y": 1}


# --------------------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [4, 7, 12, 19, 40])
def test_every_answer_is_on_exactly_one_page_of_at_most_the_rows_given(rows: int) -> None:
    form = builtin_form()
    answers = answers_for(form, TWINS)
    slots: list[Slot] = [s for s in form.walk(answers).slots if s.key in answers]
    numbered = [(n, s, f"  {n:3}  {s.key}") for n, s in enumerate(slots, 1)]
    pages = paginate(form.sections, numbered, rows, {})
    assert all(len(page.lines) <= rows for page in pages)
    assert [key for page in pages for key in page.keys] == [s.key for s in slots]  # in order, once each
    assert sorted({page.section for page in pages}) == list(range(len(form.sections)))  # every section a page
    for page in pages:
        lines = [text for text, style in page.lines if style == ""]
        assert len(lines) == len(page.keys)
        if page.keys:
            assert (page.first, page.last) == (slots.index(next(s for s in slots if s.key == page.keys[0])) + 1,
                                               slots.index(next(s for s in slots if s.key == page.keys[-1])) + 1)
        if page.part > 0 and page.keys:
            first = next(s for s in slots if s.key == page.keys[0])
            titles = [text for text, style in page.lines if style == "item"]
            assert len(titles) >= len(first.items)  # a part inside a baby says whose answers these are


# --------------------------------------------------------------------------------------------------------------
# The review, driven
# --------------------------------------------------------------------------------------------------------------


ANSWER = re.compile(r"^ {2,4}(\d+)  \S")  # "   12  Baby's name: ...", "  100  ..."


def review_pages(screen: str) -> list[list[str]]:
    """Each page the review drew: its lines from the title to the keys line."""
    pages = []
    for chunk in screen.split("══ Review")[1:]:
        lines = ("══ Review" + chunk).split("\n")
        pages.append(lines[: lines.index(KEYS_LINE) + 1])
    return pages


def fits_80x24(page: list[str]) -> bool:
    """The page, the prompt under it and the row a refused entry is shown in, on a 24-row, 80-column terminal."""
    return len(page) + 2 <= ROWS and all(len(line) <= 80 for line in page)


def number_of(script: list[tuple[str, Any]], key: str) -> int:
    return asked_keys(script).index(key) + 1


def section_number(form: Form, section_id: str) -> int:
    return next(i for i, s in enumerate(form.sections, 1) if s.id == section_id)


@pytest.mark.slow  # drives a whole interview
def test_the_review_is_paged_by_section_and_every_page_fits_80x24(tmp_path: Path, library: Library) -> None:
    expected = example(TWINS)
    script = script_for(expected)[:-2]
    count = len(asked_keys(script))
    turns = [(REVIEW, "n")] * 25  # more than there are pages: at the last, "n" is refused and cleared
    run = drive([*script, *turns, (REVIEW, ""), (RAW, "y")], today=consult_day(expected),
                output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    pages = review_pages(run.screen)
    assert all(fits_80x24(page) for page in pages), [p for p in pages if not fits_80x24(p)]
    shown = [int(m.group(1)) for page in pages for line in page[1:] if (m := ANSWER.match(line))]
    assert shown == list(range(1, count + 1))  # numbered once across the pages, each answer on one page
    form = builtin_form()
    titles = [page[0] for page in pages]
    given = answers_for(form, TWINS)
    answered = {slot.section.id for slot in form.walk(given).slots if slot.key in given}
    for number, section in enumerate(form.sections, 1):
        heading = f"══ Review {number}/{len(form.sections)}: {section.title}"
        # n passes over a section with no answers (a first visit has no progress since the last one)
        assert any(t.startswith(heading) for t in titles) == (section.id in answered), heading
    baby = [page for page in pages if "The baby · part" in page[0]]
    assert len(baby) > 1  # twins do not fit one screen
    assert all(any(line.startswith("  ▼ more") for line in page) for page in baby[:-1])
    assert not any(line.startswith("  ▼ more") for line in baby[-1])
    assert "This is the last page" not in run.screen  # the refusal is in the prompt's toolbar, not the log
    assert normalised(run.written) == normalised(expected)


@pytest.mark.slow
def test_the_red_flag_status_line_stays_on_every_page(tmp_path: Path, library: Library) -> None:
    expected = example(NEWBORN)
    script = script_for(expected)[:-2]
    run = drive([*script, *[(REVIEW, "n")] * 12, (REVIEW, "p"), (REVIEW, ""), (RAW, "y")],
                today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    pages = review_pages(run.screen)
    assert len(pages) >= 9
    status = pages[0][1]
    assert status.startswith("⚑ ") and "red flag" in status and "URGENT (Mateo Ejemplar)" in status
    assert all(page[1] == status for page in pages)
    assert "Red flags now:" in pages[0]  # listed in full on the first page...
    assert all("Red flags now:" not in page for page in pages[1:])  # ...and again only when they change
    assert all(fits_80x24(page) for page in pages)


@pytest.mark.slow
def test_jump_to_a_section_then_edit_any_answer_by_its_number(tmp_path: Path, library: Library) -> None:
    form = builtin_form()
    expected = example(TERM_BABY)
    script = script_for(expected)[:-2]
    health = section_number(form, "health")
    weight = number_of(script, "babies.0.current_weight_g")
    run = drive(
        [*script, (REVIEW, "s"), (REVIEW, f"s{health}"), (REVIEW, weight), (RAW, CTRL_U + "4600\r"),
         (REVIEW, "p"), (RAW, CTRL_B), (REVIEW, f"s{len(form.sections) + 1}"), (RAW, CTRL_U + "\r"),
         (RAW, "y")],
        today=consult_day(expected), output=tmp_path / "i.json", library=library,
    )
    assert run.error is None, run.screen
    assert f"  s{health:<3} Health (answers " in run.screen  # "s" lists the sections
    titles = [page[0] for page in review_pages(run.screen)]
    total = len(form.sections)
    assert titles[0].startswith(f"══ Review 1/{total}: The consult")
    assert titles[1].startswith(f"══ Review {health}/{total}: Health")
    # the answer changed from the Health page; the review comes back to the page it is on (global numbers)
    baby = section_number(form, "babies")
    assert titles[2].startswith(f"══ Review {baby}/{total}: The baby")
    assert titles[3].startswith(f"══ Review {baby - 1}/{total}")  # p
    assert titles[4].startswith(f"══ Review {baby - 2}/{total}")  # Ctrl-B
    assert len(titles) == 5  # a section number out of range is refused (and cleared), Enter saved
    assert run.written["babies"][0]["current_weight_g"] == 4600


@pytest.mark.slow
def test_problems_stay_within_the_page_and_enter_lists_them_all(tmp_path: Path, library: Library) -> None:
    expected = example(TERM_BABY)
    script = script_for(expected)[:-2]
    consult = number_of(script, "consult.date")
    run = drive(
        [*script, (REVIEW, consult), (RAW, CTRL_U + "2026-03-01\r"), (REVIEW, ""),
         (REVIEW, consult), (RAW, CTRL_U + "2026-03-16\r"), (REVIEW, ""), (RAW, "y")],
        today=consult_day(expected), output=tmp_path / "i.json", library=library,
    )
    assert run.error is None, run.screen
    pages = review_pages(run.screen)
    assert "To fix before saving:" in pages[1] and all(fits_80x24(page) for page in pages)
    listed = run.screen.split("Fix the problems listed above first.")[0].rsplit("To fix before saving:", 1)[1]
    assert f"[{number_of(script, 'babies.0.weighed_on')}]" in listed
    assert normalised(run.written) == normalised(expected)


# --------------------------------------------------------------------------------------------------------------
# The unit typed, shown back in the review
# --------------------------------------------------------------------------------------------------------------

TYPED = {"babies.0.birth_weight_g": "7 lb 6 oz", SUPPLEMENT: "24 oz", "babies.0.gestational_age_weeks": "39+4"}
SHOWN = ("Birth weight: 7 lb 6 oz (3,345 g)", "24 oz (710 mL)", "Weeks of pregnancy at birth: 39+4")


def baby_pages(screen: str) -> str:
    return "\n".join("\n".join(page) for page in review_pages(screen) if "The baby" in page[0])


@pytest.mark.slow
def test_the_review_shows_an_amount_in_the_unit_it_was_typed_in(tmp_path: Path, library: Library) -> None:
    """The unit kept in the partial file is the one the review shows (stopped at the review, then resumed)."""
    form = builtin_form()
    expected = example(TERM_BABY)
    script = [(key, TYPED.get(key, answer)) for key, answer in script_for(expected)[:-2]]
    partial = tmp_path / "i.partial.json"
    first = drive([*script, (RAW, CTRL_C)], today=consult_day(expected), output=tmp_path / "i.json",
                  library=library)
    assert isinstance(first.error, InterviewInterrupted)
    document = json.loads(partial.read_text(encoding="utf-8"))
    assert document["units"]["babies.0.birth_weight_g"] == "lb"
    second = drive([(REVIEW, f"s{section_number(form, 'babies')}"), (REVIEW, "n"), (REVIEW, ""), (RAW, "y")],
                   today=consult_day(expected), resume=partial, library=library)
    assert second.error is None, second.screen
    shown = baby_pages(second.screen)
    assert all(text in shown for text in SHOWN), shown
    assert "Weight then: 4,550 g" in shown  # typed in grams: grams first
    assert second.written["babies"][0]["birth_weight_g"] == 3345


@pytest.mark.slow
def test_units_typed_during_the_interview_are_kept_for_the_review(tmp_path: Path, library: Library) -> None:
    form = builtin_form()
    expected = example(TERM_BABY)
    script = [(key, TYPED.get(key, answer)) for key, answer in script_for(expected)[:-2]]
    run = drive([*script, (REVIEW, f"s{section_number(form, 'babies')}"), (REVIEW, "n"), (REVIEW, ""), (RAW, "y")],
                today=consult_day(expected), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    shown = baby_pages(run.screen)
    assert all(text in shown for text in SHOWN), shown


# --------------------------------------------------------------------------------------------------------------
# A choice changed and changed back, in the review
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_choice_changed_and_changed_back_in_the_review_restores_its_answers(
    tmp_path: Path, library: Library
) -> None:
    """Formula taken off: the supplement's amount and how it is given no longer apply, and are kept aside (in the
    partial file too, so a stop loses nothing); formula ticked again: both come back, not asked again."""
    form = builtin_form()
    expected = example(TERM_BABY)
    script = script_for(expected)[:-2]
    milk = number_of(script, MILK)
    out, partial = tmp_path / "i.json", tmp_path / "i.partial.json"
    first = drive(
        [*script, (REVIEW, milk), (RAW, keys_for(form, MILK, ["direct_breastfeeding"], ticked=["formula"])),
         (RAW, CTRL_C)],
        today=consult_day(expected), output=out, library=library,
    )
    assert isinstance(first.error, InterviewInterrupted), first.screen
    assert "2 answers no longer apply: kept until the intake is saved" in first.screen
    saved = load_partial(partial)
    assert SUPPLEMENT not in saved.answers
    assert saved.hidden == {SUPPLEMENT: expected["babies"][0]["feeding"]["supplement_ml_per_24h"],
                            METHODS: expected["babies"][0]["feeding"]["methods"]}
    second = drive(
        [(REVIEW, milk), (RAW, keys_for(form, MILK, ["formula"], ticked=["direct_breastfeeding"])),
         (REVIEW, ""), (RAW, "y")],
        today=consult_day(expected), resume=partial, library=library,
    )
    assert second.error is None, second.screen
    assert "2 earlier answers apply again: put back" in second.screen
    assert second.result is not None and SUPPLEMENT not in second.result.asked  # put back, not asked again
    assert normalised(second.written) == normalised(expected)
    assert not partial.exists()  # the answers kept aside go with the partial file once the intake is saved
