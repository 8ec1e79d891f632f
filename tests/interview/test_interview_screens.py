"""Screens: one tick list that answers several questions (the baby's signs, the health history, smoking and
alcohol, breast problems). "None of these" is a checked answer, "Not assessed" is not reassurance, a tick sets its
question, "Ask about each one" asks them one by one, and an intake always turns back into the same ticks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from careplan.intake import Intake
from careplan.interview.carry import flatten
from careplan.interview.form import Form, FormError
from careplan.interview.loader import builtin_form, load_form
from careplan.interview.nodes import Screen
from careplan.interview.partial import build_data
from careplan.rules.library import Library
from tests.conftest import ROOT
from tests.helpers.interview_driver import REVIEW, Keys, drive, keys_for, script_for

EXAMPLES = sorted((ROOT / "intake_forms" / "relactation" / "examples").glob("*.json"))
SIGNS = "babies.0.signs#screen"
HISTORY = "health.history#screen"
SUBSTANCES = "health.substances#screen"


def screen(form: Form, path: tuple[str, ...]) -> Screen:
    node = form.by_path[path]
    assert isinstance(node, Screen)
    return node


def answered_up_to(key: str, example: str = "01-recent-weaning-term-baby.json") -> dict[str, Any]:
    """The answers of an example family asked before ``key``."""
    form = builtin_form()
    data = Intake.model_validate_json((EXAMPLES[0].parent / example).read_bytes()).model_dump(mode="json")
    answers = flatten(form, data)
    keys = [slot.key for slot in form.walk(answers).slots]
    return {k: answers[k] for k in keys[: keys.index(key)]}


def baby(answers: dict[str, Any]) -> dict[str, Any]:
    data = build_data(builtin_form(), answers)
    first: dict[str, Any] = data["babies"][0]
    return first


def test_none_of_these_is_a_checked_no_for_every_sign() -> None:
    answers = {**answered_up_to(SIGNS), SIGNS: ["none"]}
    got = baby(answers)
    assert (got["dehydration_signs"], got["jaundice"], got["fever"], got["vomiting"]) == ([], "no", "no", "no")


def test_not_assessed_records_nothing_as_checked() -> None:
    answers = {**answered_up_to(SIGNS), SIGNS: ["unknown"]}
    got = baby(answers)
    assert got["dehydration_signs"] is None, "not assessed is not 'no signs'"
    assert (got["jaundice"], got["fever"], got["vomiting"]) == ("unknown", "unknown", "unknown")


def test_a_tick_sets_its_question_and_opens_the_questions_that_follow_it() -> None:
    form = builtin_form()
    answers = {**answered_up_to(SIGNS), SIGNS: ["dry_mouth", "jaundice", "fever", "green_vomit"]}
    got = baby(answers)
    assert got["dehydration_signs"] == ["dry_mouth"]
    assert (got["jaundice"], got["fever"], got["vomiting"]) == ("yes", "yes", "green")
    asked = [slot.key for slot in form.walk(answers).slots]
    after = asked[asked.index(SIGNS) + 1:]
    assert after[:3] == ["babies.0.jaundice_since", "babies.0.jaundice_treatment", "babies.0.temperature_c"]
    assert "babies.0.jaundice" not in asked and "babies.0.dehydration_signs#gate" not in asked


def test_ask_about_each_one_asks_every_question_of_the_screen() -> None:
    form = builtin_form()
    answers = {**answered_up_to(SIGNS), SIGNS: ["each"]}
    asked = [slot.key for slot in form.walk(answers).slots]
    at = asked.index(SIGNS)
    assert asked[at + 1: at + 5] == [
        "babies.0.dehydration_signs#gate", "babies.0.jaundice", "babies.0.fever", "babies.0.vomiting"
    ]


def test_specials_stand_alone_and_one_value_per_question() -> None:
    signs = screen(builtin_form(), ("babies", "signs"))
    assert signs.problem([]) is not None, "Enter on nothing ticked is not an answer"
    assert "goes alone" in (signs.problem(["none", "fever"]) or "")
    assert "Tick only one of" in (signs.problem(["spits_up", "forceful_vomiting"]) or "")
    assert signs.problem(["dry_mouth", "sunken_fontanelle", "fever"]) is None  # a list takes many
    assert signs.menu()[0][0] == "none" and signs.menu()[-1][0] == "each"


def test_prefers_not_to_say_where_the_question_allows_it() -> None:
    substances = screen(builtin_form(), ("health", "substances"))
    values = {".".join(rel): value for rel, value in substances.values(["declined"]).items()}
    assert values == {
        "health.smokes": "declined",
        "health.household_smoke": "unknown",  # about someone else: not known rather than declined
        "health.alcohol": "declined",
        "health.sedating_substances": "declined",
    }


def test_the_health_history_ticks_open_the_lists_without_asking_any_again() -> None:
    form = builtin_form()
    answers = {**answered_up_to(HISTORY), HISTORY: ["medications"]}
    asked = [slot.key for slot in form.walk(answers).slots]
    at = asked.index(HISTORY)
    assert asked[at + 1] == "health.medications.0.name", "ticked: the first medicine is asked at once"
    assert not any(key.endswith("#gate") and key.startswith("health.medications") for key in asked)
    health = build_data(form, answers)["health"]
    assert (health["conditions"], health["breast_surgeries"], health["allergies"]) == ([], [], [])
    unknown = build_data(form, {**answered_up_to(HISTORY), HISTORY: ["unknown"]})["health"]
    assert unknown["medications"] is None and unknown["conditions"] is None


def test_email_consent_is_one_choice_and_unencrypted_means_by_email_too() -> None:
    email = screen(builtin_form(), ("consent", "by_email"))
    assert email.spec.one
    assert [value for value, _ in email.menu()] == ["none", "email_plan", "unencrypted", "unknown", "each"]
    given = {".".join(rel): value for rel, value in email.values(["unencrypted"]).items()}
    assert given == {"consent.email_plan": True, "consent.unencrypted_email_accepted": True}
    assert email.values(["unknown"]) == email.values(["none"]), "not asked: no email is sent"
    assert email.problem(["email_plan", "unencrypted"]) == "Pick one"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name[:2])
def test_every_example_turns_into_ticks_and_back(path: Path) -> None:
    form = builtin_form()
    data = Intake.model_validate_json(path.read_bytes()).model_dump(mode="json")
    answers = flatten(form, data)
    screens = {key: value for key, value in answers.items() if key.endswith("#screen")}
    assert len(screens) == 4 + len(data["babies"]) + (data["parent"]["email"] is not None)
    if path.name.startswith(("01", "02", "03", "07", "09")):  # families whose answers are all checked yes or no
        assert ["each"] not in screens.values(), screens
    rebuilt = Intake.model_validate(build_data(form, answers)).model_dump(mode="json")
    assert rebuilt["health"] == data["health"]
    assert [b["dehydration_signs"] for b in rebuilt["babies"]] == [b["dehydration_signs"] for b in data["babies"]]


def test_an_answer_no_tick_can_give_is_asked_one_by_one() -> None:
    """A baby whose jaundice is 'not known' but fever 'no' (mixed): the screen answer is 'each'."""
    form = builtin_form()
    data = Intake.model_validate_json(EXAMPLES[0].read_bytes()).model_dump(mode="json")
    data["babies"][0]["jaundice"] = "unknown"
    answers = flatten(form, data)
    assert answers[SIGNS] == ["each"] and answers["babies.0.jaundice"] == "unknown"
    assert build_data(form, answers)["babies"][0]["jaundice"] == "unknown"


@pytest.mark.slow  # slow: the whole interview, twice over the screen
def test_in_the_interview_a_tick_asks_what_follows_and_the_review_changes_it(tmp_path: Path, library: Library) -> None:
    form = builtin_form()
    expected = Intake.model_validate_json(EXAMPLES[0].read_bytes()).model_dump(mode="json")
    expected["babies"][0].update(jaundice="yes", jaundice_since="2026-03-10", jaundice_treatment="none")
    script = script_for(expected)
    assert dict(script)[SIGNS] == ["jaundice"]
    keys = [k for k, _ in script]
    assert keys[keys.index(SIGNS) + 1: keys.index(SIGNS) + 3] == ["babies.0.jaundice_since",
                                                                  "babies.0.jaundice_treatment"]
    number = [k for k, _ in script if k != "raw" and k != REVIEW].index(SIGNS) + 1
    retick = Keys(keys_for(form, SIGNS, ["none"], ticked=["jaundice"]))
    run = drive([*script[:-2], (REVIEW, number), (SIGNS, retick), (REVIEW, ""), ("raw", "y")],
                today=date(2026, 3, 16), output=tmp_path / "i.json", library=library)
    assert run.error is None, run.screen
    written = run.written["babies"][0]
    assert written["jaundice"] == "no" and written["jaundice_since"] is None, "the date followed the tick away"
    assert "Signs in the baby now: None of these (checked)" in run.screen.split("══ Review")[-1]


BROKEN = {
    "tick on a question outside the screen": (
        "sets: {consult.setting: clinic}", "'consult.setting' is not one of the screen's questions"),
    "value the question does not take": ("sets: {consult.visit: second}", "value 'second' is not allowed"),
    "no screened values": ("screened: none", "needs `screened` values for none and unknown"),
    "named like a field": ("name: consult.visit", "is already a field"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_screen_names_the_screen(tmp_path: Path, case: str) -> None:
    change, expected = BROKEN[case]
    what, _, value = change.partition(": ")
    sets = value if what == "sets" else "{consult.visit: follow_up}"
    screened = "" if what == "screened" else "\n            screened: {none: first, unknown: first}"
    name = value if what == "name" else "consult.kind"
    text = f"""version: 1
sections:
  - id: s
    title: S
    questions:
      - screen: {name}
        ask: Which visit
        specials: {{none: None, unknown: Not asked, each: Ask}}
        items:
          - {{id: again, label: Again, set: {sets}}}
        questions:
          - field: consult.visit
            ask: Visit{screened}
      - field: consult.setting
        ask: Setting
"""
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_form(path)
    assert any(expected in line and line.startswith("q.yaml: section s") for line in caught.value.lines), (
        caught.value.lines
    )
