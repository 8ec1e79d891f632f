"""Dates in the practice locale's order and amounts in the units people use: what is accepted, what is refused (in
plain words, never repeating what was typed), what is stored and how it is shown back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from careplan import locales
from careplan.interview import answers
from careplan.interview.answers import (
    AnswerError,
    DateOrder,
    Unit,
    date_order_for,
    edit_text,
    parse_answer,
    read_answer,
    show_value,
    weeks_days,
)
from careplan.interview.asking import Asking
from careplan.interview.loader import builtin_form
from careplan.interview.nodes import Question
from careplan.locales import locale_for
from tests.conftest import ROOT
from tests.helpers.interview_driver import drive, script_for

TODAY = date(2026, 3, 16)

DOB = "parent.date_of_birth"
CONSULT = "consult.date"
WEIGHT = "babies.birth_weight_g"
VOLUME = "babies.feeding.supplement_ml_per_24h"
EXPRESSED = "progress.expressed_ml_per_24h"
WEEKS = "babies.gestational_age_weeks"


def question(path: str) -> Question:
    node = builtin_form().by_path[tuple(path.split("."))]
    assert isinstance(node, Question)
    return node


def refused(path: str, typed: str, order: DateOrder = "MDY") -> str:
    with pytest.raises(AnswerError) as caught:
        parse_answer(question(path), typed, TODAY, order)
    message = str(caught.value)
    assert "Input should" not in message and "pydantic" not in message.lower()
    return message


# --------------------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "order", "stored"),
    [
        # the locale's numeric form: month first in the US, day first elsewhere
        ("04/12/1992", "MDY", "1992-04-12"),
        ("04/12/1992", "DMY", "1992-12-04"),
        ("4/1/1992", "MDY", "1992-04-01"),
        ("4/1/1992", "DMY", "1992-01-04"),
        ("03-16-1992", "MDY", "1992-03-16"),
        ("16-03-1992", "DMY", "1992-03-16"),
        ("03.16.1992", "MDY", "1992-03-16"),
        ("16.3.1992", "DMY", "1992-03-16"),
        ("12/31/1992", "MDY", "1992-12-31"),
        ("31/12/1992", "DMY", "1992-12-31"),
        # ISO, always
        ("1992-04-12", "MDY", "1992-04-12"),
        ("1992-04-12", "DMY", "1992-04-12"),
        ("1992-4-2", "DMY", "1992-04-02"),
        ("  1992-04-12 ", "MDY", "1992-04-12"),
        # words
        ("today", "MDY", "2026-03-16"),
        ("Today", "DMY", "2026-03-16"),
        ("t", "MDY", "2026-03-16"),
        ("yesterday", "DMY", "2026-03-15"),
        ("y", "MDY", "2026-03-15"),
    ],
)
def test_dates_accepted(typed: str, order: DateOrder, stored: str) -> None:
    assert parse_answer(question(DOB), typed, TODAY, order) == stored


@pytest.mark.parametrize(
    ("typed", "order", "message"),
    [
        ("0", "MDY", "write a date such as 03/16/2026 or 2026-03-16, or 'today'"),
        ("5", "MDY", "write a date such as 03/16/2026 or 2026-03-16, or 'today'"),
        ("20260301", "MDY", "write a date such as 03/16/2026 or 2026-03-16, or 'today'"),
        ("1700000000", "MDY", "write a date such as 03/16/2026 or 2026-03-16, or 'today'"),
        ("0", "DMY", "write a date such as 16/03/2026 or 2026-03-16, or 'today'"),
        ("20260301", "DMY", "write a date such as 16/03/2026 or 2026-03-16, or 'today'"),
        ("next tuesday", "MDY", "write a date such as 03/16/2026 or 2026-03-16, or 'today'"),
        ("16 March 2026", "DMY", "write a date such as 16/03/2026 or 2026-03-16, or 'today'"),
        ("03/16/26", "MDY", "write the year with 4 digits, such as 03/16/2026"),
        ("16/03/26", "DMY", "write the year with 4 digits, such as 16/03/2026"),
        ("02/30/2026", "MDY", "is not a real date (read as month/day/year)"),
        ("30/02/2026", "DMY", "is not a real date (read as day/month/year)"),
        ("16/03/2026", "MDY", "is not a real date (read as month/day/year)"),  # a day-first date, month-first
        ("03/16/2026", "DMY", "is not a real date (read as day/month/year)"),
        ("13/13/2026", "DMY", "is not a real date (read as day/month/year)"),
        ("2026-02-30", "DMY", "is not a real date"),
        ("2026-13-01", "MDY", "is not a real date"),
        ("01/01/1800", "MDY", "must be at least 1900-01-01"),
    ],
)
def test_dates_refused_in_plain_words(typed: str, order: DateOrder, message: str) -> None:
    assert refused(CONSULT, typed, order) == message


def test_the_ambiguous_date_is_shown_back_with_the_month_spelled_out() -> None:
    node = question(DOB)
    assert show_value(node, parse_answer(node, "04/12/1992", TODAY, "MDY")) == "12 April 1992"
    assert show_value(node, parse_answer(node, "04/12/1992", TODAY, "DMY")) == "4 December 1992"
    assert edit_text(node, "1992-04-12") == "1992-04-12"  # edited as ISO: read the same in every locale


@pytest.mark.parametrize(
    ("preset", "order"), [(None, "MDY"), ("US", "MDY"), ("UK", "DMY"), ("CA", "DMY"), ("AU", "DMY")]
)
def test_date_order_of_a_preset(preset: str | None, order: DateOrder) -> None:
    assert date_order_for(preset) == order


@pytest.mark.parametrize("jurisdiction", [None, "US", "CA", "UK", "EU", "AU", "NZ", "other", "unknown"])
def test_date_order_of_a_family_follows_the_locale_presets(jurisdiction: str | None) -> None:
    """The interview does not import careplan.locales; its reading of the family's country agrees with it."""
    preset = locale_for(None, jurisdiction).preset
    assert date_order_for(None, jurisdiction) == date_order_for(preset) == ("MDY" if preset == "US" else "DMY")
    assert date_order_for("UK", jurisdiction) == "DMY" and date_order_for("US", jurisdiction) == "MDY"


def test_the_interview_converts_with_the_locales_constants() -> None:
    assert (answers.ML_PER_US_FL_OZ, answers.GRAMS_PER_OZ, answers.OZ_PER_LB) == (
        locales.ML_PER_US_FL_OZ, locales.GRAMS_PER_OZ, locales.OZ_PER_LB
    )


def asking(practice: Path | None, answers: dict[str, Any]) -> Asking:
    session = SimpleNamespace(state=SimpleNamespace(practice=None if practice is None else str(practice)),
                              answers=answers)
    return Asking(cast(Any, session))


@pytest.mark.parametrize(
    ("locale", "jurisdiction", "order"),
    [
        (None, None, "MDY"),  # nothing known: the US's
        (None, "US", "MDY"),
        (None, "UK", "DMY"),
        (None, "AU", "DMY"),
        (None, "NZ", "DMY"),
        (None, "other", "MDY"),
        (None, "unknown", "MDY"),
        ("UK", None, "DMY"),
        ("UK", "US", "DMY"),  # the practice's locale wins over the family's country
        ("US", "UK", "MDY"),
        ("CA", None, "DMY"),
    ],
)
def test_the_interview_reads_dates_in_the_practice_or_family_order(
    tmp_path: Path, locale: str | None, jurisdiction: str | None, order: DateOrder
) -> None:
    practice = tmp_path / "practice.toml"
    practice.write_text('name = "Test practice"\n' + (f'locale = "{locale}"\n' if locale else ""), encoding="utf-8")
    answers = {} if jurisdiction is None else {"consult.jurisdiction": jurisdiction}
    assert asking(practice, answers).date_order() == order
    if locale is None:
        assert asking(None, answers).date_order() == order


@pytest.mark.parametrize(
    "text",
    ["locale = [", 'locale = "FR"', "locale = 3", b"\xff\xfe".decode("latin-1"), 'name = "no locale"'],
)
def test_a_practice_file_without_a_usable_locale_falls_back_to_the_family(tmp_path: Path, text: str) -> None:
    practice = tmp_path / "practice.toml"
    practice.write_text(text, encoding="latin-1")
    assert asking(practice, {"consult.jurisdiction": "UK"}).date_order() == "DMY"
    assert asking(practice, {}).date_order() == "MDY"
    assert asking(tmp_path / "missing.toml", {"consult.jurisdiction": "AU"}).date_order() == "DMY"


def test_a_locale_table_in_the_practice_file(tmp_path: Path) -> None:
    practice = tmp_path / "practice.toml"
    practice.write_text('name = "P"\n[locale]\npreset = "AU"\nclock = 24\n', encoding="utf-8")
    assert asking(practice, {"consult.jurisdiction": "US"}).date_order() == "DMY"


@pytest.mark.parametrize(
    ("path", "typed"),
    [
        (CONSULT, "1700000000"),
        (CONSULT, "02/30/2026"),
        (CONSULT, "13/13/2026"),
        (CONSULT, "03/16/26"),
        (CONSULT, "the 12th of June"),
        (WEIGHT, "7 lb 20 oz"),
        (WEIGHT, "17 lb 9"),
        (WEIGHT, "45000"),
        (VOLUME, "17 oz oz"),
        (VOLUME, "3000 mL"),
        (WEEKS, "39+9"),
        (WEEKS, "39 weeks 9 days"),
    ],
)
def test_errors_never_repeat_what_was_typed(path: str, typed: str) -> None:
    orders: tuple[DateOrder, ...] = ("MDY", "DMY")
    for order in orders:
        assert typed not in refused(path, typed, order)


# --------------------------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "grams", "unit"),
    [
        ("3400", 3400, "g"),
        ("3400 g", 3400, "g"),
        ("3400g", 3400, "g"),
        ("3400 grams", 3400, "g"),
        ("3.4 kg", 3400, "kg"),
        ("3.4kg", 3400, "kg"),
        ("3.45 KG", 3450, "kg"),
        ("7 lb 6 oz", 3345, "lb"),
        ("7lb6oz", 3345, "lb"),
        ("7 lbs 6 oz", 3345, "lb"),
        ("7 pounds 6 ounces", 3345, "lb"),
        ("7 pound 6 ounce", 3345, "lb"),
        ("7 LB 6 OZ", 3345, "lb"),
        ("7 lb, 6 oz", 3345, "lb"),
        ("7 lbs", 3175, "lb"),
        ("7lb", 3175, "lb"),
        ("118 oz", 3345, "lb"),
        ("7 lb 6.5 oz", 3359, "lb"),
        ("7 lb 0 oz", 3175, "lb"),
    ],
)
def test_weights_accepted_and_stored_in_grams(typed: str, grams: int, unit: Unit) -> None:
    answer = read_answer(question(WEIGHT), typed, TODAY)
    assert answer.value == grams and isinstance(answer.value, int)
    assert answer.unit == unit


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7 lb 9", "write pounds and ounces as 7 lb 6 oz"),
        ("lb", "write pounds and ounces as 7 lb 6 oz"),
        ("7 lb 20 oz", "write the ounces after the pounds as 0 to 15, as in 7 lb 6 oz"),
        ("heavy", "must be a whole number"),
        ("3,400", "use a point for decimals and no thousands separator"),
        ("34000", "must be at most 7000"),
        ("34 kg", "must be at most 7000"),
        ("200 g", "must be at least 300"),
        ("0.2 kg", "must be at least 300"),
    ],
)
def test_weights_refused_in_plain_words(typed: str, message: str) -> None:
    assert refused(WEIGHT, typed) == message


@pytest.mark.parametrize(
    ("grams", "unit", "shown"),
    [
        (3345, "lb", "7 lb 6 oz (3,345 g)"),
        (3400, "kg", "3.4 kg (3,400 g)"),
        (3450, "kg", "3.45 kg (3,450 g)"),
        (3400, "g", "3,400 g"),
        (400, "lb", "14 oz (400 g)"),
        (3400, None, "3,400 g (7 lb 8 oz)"),  # the unit typed not known (the review): grams, then lb/oz
    ],
)
def test_weights_shown_in_the_unit_typed(grams: int, unit: Unit | None, shown: str) -> None:
    assert show_value(question(WEIGHT), grams, unit) == shown


# --------------------------------------------------------------------------------------------------------------
# Volumes
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ml", "unit"),
    [
        ("60", 60, "ml"),
        ("60 mL", 60, "ml"),
        ("60 ml", 60, "ml"),
        ("60mL", 60, "ml"),
        ("60 ML", 60, "ml"),
        ("2.5 mL", 2.5, "ml"),
        ("2 oz", 59, "oz"),
        ("2oz", 59, "oz"),
        ("2 fl oz", 59, "oz"),
        ("2 fl. oz", 59, "oz"),
        ("1.5 ounces", 44, "oz"),
        ("1.5 fluid ounces", 44, "oz"),
        ("24 oz", 710, "oz"),
        ("1 ounce", 30, "oz"),
    ],
)
def test_volumes_accepted_and_stored_in_ml(typed: str, ml: float, unit: Unit) -> None:
    for path in (VOLUME, EXPRESSED):
        answer = read_answer(question(path), typed, TODAY)
        assert answer.value == ml
        assert answer.unit == unit


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2 oz oz", "write an amount as 60 mL or 2 oz"),
        ("ml", "write an amount as 60 mL or 2 oz"),
        ("a little", "write an amount as 60 mL or 2 oz"),
        ("lots", "must be a number"),
        ("3000 mL", "must be at most 2500"),
        ("100 oz", "must be at most 2500"),
        ("1,200", "use a point for decimals and no thousands separator"),
    ],
)
def test_volumes_refused_in_plain_words(typed: str, message: str) -> None:
    assert refused(VOLUME, typed) == message


@pytest.mark.parametrize(
    ("ml", "unit", "shown"),
    [
        (59.0, "oz", "2 oz (59 mL)"),
        (44.0, "oz", "1.5 oz (44 mL)"),
        (710.0, "oz", "24 oz (710 mL)"),
        (60.0, "ml", "60 mL"),
        (2.5, "ml", "2.5 mL"),
        (1200.0, "ml", "1,200 mL"),
        (60.0, None, "60 mL (2 oz)"),
    ],
)
def test_volumes_shown_in_the_unit_typed(ml: float, unit: Unit | None, shown: str) -> None:
    assert show_value(question(VOLUME), ml, unit) == shown


def test_volume_questions_take_mL_or_oz() -> None:
    volumes = {
        ".".join(q.full)
        for q in builtin_form().questions()
        if isinstance(q, Question) and q.full[-1].endswith(("_ml", "_ml_per_24h"))
    }
    assert volumes == {"babies.feeding.supplement_ml_per_24h", EXPRESSED, "progress.supplement_ml_per_24h"}
    for path in volumes:
        assert question(path).spec.input == "volume"


# --------------------------------------------------------------------------------------------------------------
# Gestation
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "weeks"),
    [
        ("39+2", 39.3),
        ("39 + 2", 39.3),
        ("39+0", 39.0),
        ("39w2d", 39.3),
        ("39w 2d", 39.3),
        ("39 weeks 2 days", 39.3),
        ("39 weeks and 2 days", 39.3),
        ("39 wk 2 d", 39.3),
        ("39 weeks", 39.0),
        ("39w", 39.0),
        ("39", 39.0),
        ("39.5", 39.5),
        ("33+6", 33.9),
    ],
)
def test_gestation_accepted(typed: str, weeks: float) -> None:
    assert parse_answer(question(WEEKS), typed, TODAY) == weeks


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("39+7", "the days after the weeks must be 0 to 6 (39+6, then 40+0)"),
        ("39w9d", "the days after the weeks must be 0 to 6 (39+6, then 40+0)"),
        ("39x", "write weeks and days as 39+2 (or 39w2d)"),
        ("39+", "write weeks and days as 39+2 (or 39w2d)"),
        ("50+0", "must be at most 45"),
        ("20", "must be at least 22"),
        ("3,5", "use a point for decimals and no thousands separator"),
    ],
)
def test_gestation_refused_in_plain_words(typed: str, message: str) -> None:
    assert refused(WEEKS, typed) == message


@pytest.mark.parametrize("days", range(7))
@pytest.mark.parametrize("weeks", [22, 33, 39, 44])
def test_gestation_reads_back_as_typed(weeks: int, days: int) -> None:
    node = question(WEEKS)
    stored = parse_answer(node, f"{weeks}+{days}", TODAY)
    assert show_value(node, stored) == weeks_days(stored) == f"{weeks}+{days}"
    assert edit_text(node, stored) == f"{weeks}+{days}"
    assert parse_answer(node, edit_text(node, stored), TODAY) == stored


def test_gestation_typed_in_decimals_is_edited_as_typed() -> None:
    node = question(WEEKS)
    assert show_value(node, 38.5) == "38+4"
    assert edit_text(node, 38.5) == "38.5"  # 38+4 would read back as 38.6


# --------------------------------------------------------------------------------------------------------------
# Typed, stored, shown back
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "typed", "shown"),
    [
        (WEIGHT, "7 lb 6 oz", "7 lb 6 oz (3,345 g)"),
        (WEIGHT, "7 pounds 6 ounces", "7 lb 6 oz (3,345 g)"),
        (WEIGHT, "3.4 kg", "3.4 kg (3,400 g)"),
        (WEIGHT, "3400", "3,400 g"),
        (VOLUME, "2 oz", "2 oz (59 mL)"),
        (VOLUME, "60 mL", "60 mL"),
        (WEEKS, "39+2", "39+2"),
        (WEEKS, "39w2d", "39+2"),
        (WEEKS, "39", "39+0"),
        (DOB, "04/12/1992", "12 April 1992"),
    ],
)
def test_typed_answers_are_shown_back_in_the_unit_typed(path: str, typed: str, shown: str) -> None:
    answer = read_answer(question(path), typed, TODAY)
    assert show_value(question(path), answer.value, answer.unit) == shown


EXAMPLE = ROOT / "intake_forms" / "relactation" / "examples" / "01-recent-weaning-term-baby.json"


@pytest.mark.slow  # drives a whole interview
def test_an_interview_in_us_units_and_dates(tmp_path: Path) -> None:
    expected = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    baby = expected["babies"][0]
    baby["birth_weight_g"], baby["gestational_age_weeks"] = 3345, 39.3
    typed = {
        "babies.0.birth_date": "02/02/2026",
        "babies.0.birth_weight_g": "7 lb 6 oz",
        "babies.0.gestational_age_weeks": "39+2",
        "babies.0.weighed_on": "t",
    }
    if baby["feeding"].get("supplement_ml_per_24h") is not None:
        baby["feeding"]["supplement_ml_per_24h"] = 710.0
        typed["babies.0.feeding.supplement_ml_per_24h"] = "24 oz"
    script = [(key, typed.get(key, answer)) for key, answer in script_for(expected)]
    script[-2:-2] = [("review", "s3")]  # the review opens on section 1; the baby's answers are on section 3's page
    run = drive(script, today=date.fromisoformat(expected["consult"]["date"]), output=tmp_path / "i.json")
    assert run.error is None, run.screen
    written = run.written
    assert written["babies"][0]["birth_date"] == "2026-02-02"
    assert written["babies"][0]["birth_weight_g"] == 3345
    assert written["babies"][0]["gestational_age_weeks"] == 39.3
    assert written["babies"][0]["weighed_on"] == expected["consult"]["date"]
    assert "= 7 lb 6 oz (3,345 g)" in run.screen  # how the answer was read, said at once
    assert "= 2 February 2026" in run.screen
    assert "39+2" in run.screen.split("══ Review")[-1]
    if "babies.0.feeding.supplement_ml_per_24h" in typed:
        assert written["babies"][0]["feeding"]["supplement_ml_per_24h"] == 710
        assert "= 24 oz (710 mL)" in run.screen
