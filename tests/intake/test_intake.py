"""The intake: the example files, computed values, error messages and unreadable input.

Expected numbers are worked out by hand in the tables (the arithmetic is in the comments), never by calling the
code under test.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import typing
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careplan.errors import InputError
from careplan.intake import (
    MAX_INTAKE_BYTES,
    Allergen,
    BedHazard,
    Condition,
    DehydrationSign,
    FeedingConcern,
    FeedingMethod,
    Herb,
    Intake,
    Medication,
    MedicineClass,
    Milk,
    SleepPlace,
    StopReason,
    Topic,
    load_intake,
    parse_intake,
)
from tests.conftest import ROOT

EXAMPLES = ROOT / "intake_forms" / "relactation" / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))

#: A name typed into bad input; no message may repeat it.
TYPED_NAME = "Zephyrine Quillfeather"


def example(name: str) -> Intake:
    return load_intake(EXAMPLES / name)


def minimal() -> dict[str, Any]:
    """The smallest valid intake: a 6-week-old seen on 16 March 2026."""
    return {
        "consult": {"date": "2026-03-16"},
        "parent": {"name": TYPED_NAME, "email": "zq@example.org"},
        "babies": [{"name": "Pip Quillfeather", "birth_date": "2026-02-02"}],
        "consent": {"email_plan": True},
    }


def set_at(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``data['babies'][0]['name']`` from ``'babies.0.name'``."""
    *parents, last = dotted.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def write(tmp_path: Path, data: dict[str, Any] | bytes, name: str = "intake.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode("utf-8"))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_intake(path)
    return caught.value.lines


# ------------------------------------------------------------------------------------------------------------
# The example intakes
# ------------------------------------------------------------------------------------------------------------


def test_there_are_enough_examples() -> None:
    assert len(EXAMPLE_FILES) >= 8


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_validates_and_follows_the_house_rules(path: Path) -> None:
    intake = load_intake(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert "consent" in raw
    assert intake.consult.date.year == 2026
    if intake.parent.email is not None:
        assert intake.parent.email.endswith(("@example.org", "@example.com"))
    assert intake.goals.in_own_words
    # the computed values are never stored in the file
    assert "age_days" not in path.read_text(encoding="utf-8")


def test_examples_vary() -> None:
    intakes = [load_intake(p) for p in EXAMPLE_FILES]
    assert {i.consult.setting for i in intakes} == {"home", "clinic", "virtual", "emergency"}
    assert {i.consult.visit for i in intakes} == {"first", "follow_up"}
    assert len({i.consult.jurisdiction for i in intakes}) >= 6
    assert [i.parent.preferred_language for i in intakes].count("es") == 1


# Scenario facts the rule engine's tests will rely on: (file, attribute path, expected).
SCENARIO_FACTS = [
    ("01-recent-weaning-term-baby.json", "health.allergies", ["peanut"]),
    ("01-recent-weaning-term-baby.json", "goals.herbs_interest", "yes"),
    ("01-recent-weaning-term-baby.json", "goals.goal", "exclusive_breastfeeding"),
    ("01-recent-weaning-term-baby.json", "lactation.full_supply_before", "yes"),
    ("01-recent-weaning-term-baby.json", "babies.0.latches", "yes"),
    ("01-recent-weaning-term-baby.json", "consult.jurisdiction", "US"),
    ("02-adoptive-parent-induced-lactation.json", "parent.relationship", "adoptive_parent"),
    ("02-adoptive-parent-induced-lactation.json", "lactation.never_lactated", True),
    ("02-adoptive-parent-induced-lactation.json", "lactation.last_milk_removal", None),
    ("02-adoptive-parent-induced-lactation.json", "goals.goal", "comfort_nursing"),
    ("02-adoptive-parent-induced-lactation.json", "babies.0.feeding.methods", ["bottle"]),
    ("03-older-baby-return-to-work-uk.json", "consult.jurisdiction", "UK"),
    ("03-older-baby-return-to-work-uk.json", "situation.pump", "double_electric"),
    ("03-older-baby-return-to-work-uk.json", "situation.returning_to_work", "yes"),
    ("03-older-baby-return-to-work-uk.json", "goals.goal", "partial_breastfeeding"),
    ("04-urgent-newborn-weight-loss.json", "consult.setting", "virtual"),
    ("04-urgent-newborn-weight-loss.json", "babies.0.wet_diapers_24h", 3),
    ("04-urgent-newborn-weight-loss.json", "babies.0.dehydration_signs", ["dry_mouth"]),
    ("04-urgent-newborn-weight-loss.json", "parent.preferred_language", "es"),
    ("05-preterm-twins-nicu-follow-up.json", "twins_or_more", True),
    ("05-preterm-twins-nicu-follow-up.json", "health.diabetes", True),
    ("05-preterm-twins-nicu-follow-up.json", "goals.herbs_taken", ["fenugreek"]),
    ("05-preterm-twins-nicu-follow-up.json", "goals.prescription_discussion", "yes"),
    (
        "05-preterm-twins-nicu-follow-up.json",
        "health.conditions",
        ["hypothyroidism", "pcos", "diabetes_type_2", "heart_rhythm_problem"],
    ),
    ("06-emergency-setting-malnutrition.json", "consult.setting", "emergency"),
    ("06-emergency-setting-malnutrition.json", "health.conditions", ["malnutrition_moderate"]),
    ("06-emergency-setting-malnutrition.json", "situation.pump", "none"),
    ("06-emergency-setting-malnutrition.json", "goals.goal", "any_milk"),
    ("06-emergency-setting-malnutrition.json", "health.medications_known", False),
    ("06-emergency-setting-malnutrition.json", "health.allergies_known", False),
    ("07-follow-up-gaining-well.json", "consult.visit", "follow_up"),
    ("07-follow-up-gaining-well.json", "goals.reduce_supplement", "yes"),
    ("08-grandparent-relactation.json", "parent.relationship", "grandparent"),
    ("08-grandparent-relactation.json", "parent.is_parent", False),
    ("08-grandparent-relactation.json", "parent.menopause", "postmenopause"),
    ("08-grandparent-relactation.json", "health.smokes", "yes"),
    ("08-grandparent-relactation.json", "situation.bedsharing", "sometimes"),
    ("08-grandparent-relactation.json", "situation.bed_hazards", ["sofa_or_armchair"]),
    ("08-grandparent-relactation.json", "goals.asked_about", ["bodywork", "co_bathing"]),
    ("09-breast-reduction-lupus-warfarin.json", "health.reduction_tissue", "partial"),
    ("09-breast-reduction-lupus-warfarin.json", "health.surgery_kinds", ["reduction"]),
    ("09-breast-reduction-lupus-warfarin.json", "health.allergies", ["ragweed", "asparagus"]),
    ("09-breast-reduction-lupus-warfarin.json", "goals.herbs_interest", "yes"),
]


@pytest.mark.parametrize(("name", "attribute", "expected"), SCENARIO_FACTS)
def test_example_scenario(name: str, attribute: str, expected: Any) -> None:
    node: Any = example(name)
    for part in attribute.split("."):
        node = node[int(part)] if part.isdigit() else getattr(node, part)
    assert node == expected


# ------------------------------------------------------------------------------------------------------------
# Computed values, worked out by hand
# ------------------------------------------------------------------------------------------------------------

# file, baby index, age_days, age_weeks, corrected_age_weeks, preterm, low_birth_weight,
# weight_change_pct, weight_loss_pct, weight_gain_g_per_day
BABY_VALUES = [
    # born 2 Feb, seen 16 Mar: 26 + 16 = 42 days = 6.0 wk; 3450 -> 4550 g: +1100/3450 = +31.9 %;
    # no earlier weights and weighed at 42 days, so gain from birth: 1100 / 42 = 26.2 g/day
    ("01-recent-weaning-term-baby.json", 0, 42, 6.0, 6.0, False, False, 31.9, 0.0, 26.2),
    # born 1 Apr, seen 22 Apr: 21 days; weighed 20 Apr (19 days): +500 / 19 = 26.3; 500/3200 = 15.6 %
    ("02-adoptive-parent-induced-lactation.json", 0, 21, 3.0, 3.0, False, False, 15.6, 0.0, 26.3),
    # born 8 Nov 2025, seen 24 Mar 2026: 30+31+31+28 (to 8 Mar) + 16 = 136 days = 19.4 wk;
    # weighed 19 Mar (131 days): +3080 / 131 = 23.5 g/day; 3080/3620 = 85.1 %
    ("03-older-baby-return-to-work-uk.json", 0, 136, 19.4, 19.4, False, False, 85.1, 0.0, 23.5),
    # born 1 May, seen 11 May: 10 days = 1.4 wk; 3600 -> 3180: -420/3600 = -11.7 %;
    # the 4 May weight (3350 g) is 7 days before: -170 / 7 = -24.3 g/day
    ("04-urgent-newborn-weight-loss.json", 0, 10, 1.4, 1.4, False, False, -11.7, 11.7, -24.3),
    # twins born 5 Jan at 34 wk, seen 2 Mar: 31 + 25 = 56 days = 8.0 wk, corrected 8.0 - (40 - 34) = 2.0;
    # Ida 2150 -> 3600: +1450/2150 = 67.4 %; latest weight >= 5 days before 27 Feb is 16 Feb (3250), 11 days:
    # +350 / 11 = 31.8. Jonas 2380 -> 3750: +1370/2380 = 57.6 %; 16 Feb 3420: +330 / 11 = 30.0
    ("05-preterm-twins-nicu-follow-up.json", 0, 56, 8.0, 2.0, True, True, 67.4, 0.0, 31.8),
    ("05-preterm-twins-nicu-follow-up.json", 1, 56, 8.0, 2.0, True, True, 57.6, 0.0, 30.0),
    # born 10 Feb, seen 13 Apr: 28 + 31 + 3 = 62 days = 8.86 -> 8.9 wk; nothing known about birth
    ("06-emergency-setting-malnutrition.json", 0, 62, 8.9, 8.9, None, None, None, None, None),
    # born 4 May, seen 6 Jul: 31 + 30 + 2 = 63 days = 9.0 wk; 3500 -> 5150: +1650/3500 = 47.1 %;
    # latest earlier weight is 22 Jun (4720), 14 days before: +430 / 14 = 30.7
    ("07-follow-up-gaining-well.json", 0, 63, 9.0, 9.0, False, False, 47.1, 0.0, 30.7),
    # born 20 Apr, seen 18 Jun: 30 + 29 = 59 days = 8.43 -> 8.4 wk; weighed 12 Jun (53 days):
    # +1600 / 53 = 30.2; 1600/3050 = 52.5 %
    ("08-grandparent-relactation.json", 0, 59, 8.4, 8.4, False, False, 52.5, 0.0, 30.2),
    # born 3 Aug, seen 21 Sep: 31 + 18 = 49 days = 7.0 wk; the 17 Sep weight is only 4 days before, so the
    # reference is 10 Sep (3800 g, 11 days): +250 / 11 = 22.7; 750/3300 = 22.7 %
    ("09-breast-reduction-lupus-warfarin.json", 0, 49, 7.0, 7.0, False, False, 22.7, 0.0, 22.7),
]


@pytest.mark.parametrize(
    ("name", "index", "days", "weeks", "corrected", "preterm", "lbw", "change", "loss", "gain"), BABY_VALUES
)
def test_example_baby_values(
    name: str,
    index: int,
    days: int,
    weeks: float,
    corrected: float,
    preterm: bool | None,
    lbw: bool | None,
    change: float | None,
    loss: float | None,
    gain: float | None,
) -> None:
    baby = example(name).babies[index]
    assert baby.age_days == days
    assert baby.age_weeks == pytest.approx(weeks)
    assert baby.corrected_age_weeks == pytest.approx(corrected)
    assert baby.preterm is preterm
    assert baby.low_birth_weight is lbw
    assert baby.weight_change_pct == (None if change is None else pytest.approx(change))
    assert baby.weight_loss_pct == (None if loss is None else pytest.approx(loss))
    assert baby.weight_gain_g_per_day == (None if gain is None else pytest.approx(gain))


# file, weeks since the last milk removal, parent's age, medicine classes
PARENT_VALUES = [
    # removal 2 Mar, seen 16 Mar: 14 days = 2.0 wk; born 22 Jul 1994, birthday not yet reached: 31
    ("01-recent-weaning-term-baby.json", 2.0, 31, []),
    # never lactated: no removal date; born 14 Sep 1987, seen 22 Apr 2026: 38
    ("02-adoptive-parent-induced-lactation.json", None, 38, []),
    # removal 3 Feb, seen 24 Mar: 25 + 24 = 49 days = 7.0 wk; age given as 31 years
    (
        "03-older-baby-return-to-work-uk.json",
        7.0,
        31,
        ["estrogen_contraceptive", "pseudoephedrine"],
    ),
    # removal 8 May, seen 11 May: 3 days = 0.43 -> 0.4 wk
    ("04-urgent-newborn-weight-loss.json", 0.4, 24, []),
    # removal 16 Feb, seen 2 Mar: 14 days; born 30 Jun 1991: 34; Synthroid, metformin and a hand-set class
    ("05-preterm-twins-nicu-follow-up.json", 2.0, 34, ["antidiabetic", "other", "thyroid_hormone"]),
    # medicines unknown (null): no classes
    ("06-emergency-setting-malnutrition.json", None, None, []),
    # removal 5 Jul, seen 6 Jul: 1 day = 0.1 wk; born 29 Feb 1996, seen 6 Jul 2026: 30
    ("07-follow-up-gaining-well.json", 0.1, 30, ["antidepressant"]),
    # amlodipine is not in the lexicon; born 3 Oct 1972, seen 18 Jun 2026: 53
    ("08-grandparent-relactation.json", None, 53, []),
    # removal 1 Sep, seen 21 Sep: 20 days = 2.86 -> 2.9 wk
    # warfarin, and hydroxychloroquine (QT-prolonging)
    ("09-breast-reduction-lupus-warfarin.json", 2.9, 35, ["anticoagulant", "qt_prolonging"]),
]


@pytest.mark.parametrize(("name", "gap", "age", "classes"), PARENT_VALUES)
def test_example_parent_values(name: str, gap: float | None, age: int | None, classes: list[str]) -> None:
    intake = example(name)
    assert intake.lactation.weeks_since_last_milk_removal == (None if gap is None else pytest.approx(gap))
    assert intake.parent.age == age
    assert intake.health.medicine_classes == classes


def one_baby(consult: str = "2026-03-16", **baby: Any) -> Intake:
    data = minimal()
    data["consult"]["date"] = consult
    data["babies"][0].update(baby)
    return parse_intake(json.dumps(data))


@pytest.mark.parametrize(
    ("baby", "attribute", "expected"),
    [
        # 36.9 weeks is preterm, 37.0 is term (the threshold is "before 37 weeks")
        ({"gestational_age_weeks": 36.9}, "preterm", True),
        ({"gestational_age_weeks": 37.0}, "preterm", False),
        ({}, "preterm", None),
        ({"birth_weight_g": 2499}, "low_birth_weight", True),
        ({"birth_weight_g": 2500}, "low_birth_weight", False),
        ({}, "low_birth_weight", None),
        # 42 days old, born at 30 weeks: 6.0 - (40 - 30) = -4.0 weeks corrected
        ({"gestational_age_weeks": 30}, "corrected_age_weeks", -4.0),
        # born at 36 weeks: 6.0 - 4.0 = 2.0; born at 41 weeks: no correction
        ({"gestational_age_weeks": 36}, "corrected_age_weeks", 2.0),
        ({"gestational_age_weeks": 41}, "corrected_age_weeks", 6.0),
        # 42 days / 30.4375 = 1.38 -> 1.4 months
        ({}, "age_months", 1.4),
        # above birth weight: no loss, positive change
        (
            {"birth_weight_g": 3000, "current_weight_g": 3300, "weighed_on": "2026-03-16"},
            "weight_loss_pct",
            0.0,
        ),
        (
            {"birth_weight_g": 3000, "current_weight_g": 2700, "weighed_on": "2026-03-16"},
            "weight_change_pct",
            -10.0,
        ),
        (
            {"birth_weight_g": 3000, "current_weight_g": 2700, "weighed_on": "2026-03-16"},
            "below_birth_weight",
            True,
        ),
        # weighed 8 days after birth with no earlier weight: too early to average from birth
        (
            {"birth_weight_g": 3000, "current_weight_g": 3100, "weighed_on": "2026-02-10"},
            "weight_gain_g_per_day",
            None,
        ),
        # weighed 14 days after birth: 280 g / 14 = 20.0 g/day
        (
            {"birth_weight_g": 3000, "current_weight_g": 3280, "weighed_on": "2026-02-16"},
            "weight_gain_g_per_day",
            20.0,
        ),
        # only earlier weight is 3 days before: falls back to birth, 42 days: 1260 / 42 = 30.0
        (
            {
                "birth_weight_g": 3000,
                "current_weight_g": 4260,
                "weighed_on": "2026-03-16",
                "earlier_weights": [{"date": "2026-03-13", "grams": 4200}],
            },
            "weight_gain_g_per_day",
            30.0,
        ),
        # the latest earlier weight at least 5 days before wins: 9 Mar, 7 days: 175 / 7 = 25.0
        (
            {
                "birth_weight_g": 3000,
                "current_weight_g": 4375,
                "weighed_on": "2026-03-16",
                "earlier_weights": [
                    {"date": "2026-02-23", "grams": 3700},
                    {"date": "2026-03-09", "grams": 4200},
                    {"date": "2026-03-13", "grams": 4300},
                ],
            },
            "weight_gain_g_per_day",
            25.0,
        ),
        # weighed 12 Mar, seen 16 Mar
        ({"current_weight_g": 4000, "weighed_on": "2026-03-12"}, "weight_age_days", 4),
    ],
)
def test_baby_computed_values(baby: dict[str, Any], attribute: str, expected: Any) -> None:
    value = getattr(one_baby(**baby).babies[0], attribute)
    if isinstance(expected, float):
        assert value == pytest.approx(expected)
    else:
        assert value is expected or value == expected


@pytest.mark.parametrize(
    ("removal", "weeks"),
    [
        ("2026-03-16", 0.0),  # the consult day itself
        ("2026-03-06", 1.4),  # 10 days
        ("2026-02-02", 6.0),  # the day of birth, 42 days
        (None, None),
    ],
)
def test_weeks_since_last_milk_removal(removal: str | None, weeks: float | None) -> None:
    data = minimal()
    data["lactation"] = {"last_milk_removal": removal}
    assert parse_intake(json.dumps(data)).lactation.weeks_since_last_milk_removal == weeks


@pytest.mark.parametrize(
    ("parent", "consult", "age"),
    [
        ({"date_of_birth": "1990-08-20"}, "2026-03-10", 35),  # birthday later in the year
        ({"date_of_birth": "1990-03-10"}, "2026-03-10", 36),  # birthday on the consult day
        ({"date_of_birth": "1990-03-11"}, "2026-03-10", 35),  # birthday tomorrow
        ({"date_of_birth": "1996-02-29"}, "2026-02-28", 29),  # leap-day birthday, not yet reached
        ({"date_of_birth": "1996-02-29"}, "2026-03-01", 30),
        ({"age_years": 40}, "2026-03-10", 40),
        ({"age_years": 40, "date_of_birth": "1990-08-20"}, "2026-03-10", 35),  # the date of birth wins
        ({}, "2026-03-10", None),
    ],
)
def test_parent_age(parent: dict[str, Any], consult: str, age: int | None) -> None:
    data = minimal()
    data["consult"]["date"] = consult
    data["parent"].update(parent)
    assert parse_intake(json.dumps(data)).parent.age == age


@pytest.mark.parametrize(
    ("name", "classes"),
    [
        ("Sudafed", ["pseudoephedrine"]),
        ("SUDAFED 60 mg", ["pseudoephedrine"]),
        ("Synthroid", ["thyroid_hormone"]),
        ("levothyroxine", ["thyroid_hormone"]),
        ("metformin XR", ["antidiabetic"]),
        ("Warfarin", ["anticoagulant"]),
        ("Microgynon 30", ["estrogen_contraceptive"]),
        ("ethinylestradiol/levonorgestrel", ["estrogen_contraceptive"]),
        ("Depo-Provera", ["progestin_only_contraceptive"]),
        ("metformin + insulin", ["antidiabetic"]),
        ("sertraline and zolpidem", ["antidepressant", "sedating"]),
        ("amlodipine", []),
        ("Sudafedrine", []),  # whole words only
        ("coumadinx", []),
    ],
)
def test_medicine_classes_recognised_from_names(name: str, classes: list[str]) -> None:
    assert Medication(name=name).recognised_classes == classes


def test_hand_set_classes_are_kept_and_merged() -> None:
    assert Medication(name="warfarin", classes=["qt_prolonging"]).recognised_classes == [
        "anticoagulant",
        "qt_prolonging",
    ]
    data = minimal()
    data["health"] = {"medications": [{"name": n} for n in ("Sudafed", "Synthroid", "metformin", "warfarin")]}
    assert parse_intake(json.dumps(data)).health.medicine_classes == [
        "anticoagulant",
        "antidiabetic",
        "pseudoephedrine",
        "thyroid_hormone",
    ]


# ------------------------------------------------------------------------------------------------------------
# Invalid intakes: one line per problem, naming the file and the field, never the value
# ------------------------------------------------------------------------------------------------------------


def _born_after_consult(data: dict[str, Any]) -> None:
    data["babies"][0]["birth_date"] = "2026-04-01"


def _no_weight_date(data: dict[str, Any]) -> None:
    data["babies"][0]["current_weight_g"] = 4000


def _weighed_after_consult(data: dict[str, Any]) -> None:
    data["babies"][0].update(current_weight_g=4000, weighed_on="2026-03-20")


Edit = Callable[[dict[str, Any]], None]


def _set(dotted: str, value: Any) -> Edit:
    return lambda data: set_at(data, dotted, value)


# (edit, dotted field path, words in the message)
INVALID = [
    pytest.param(
        _set("babies.0.birth_weight_g", "heavy"),
        "babies.0.birth_weight_g",
        "valid integer",
        id="wrong-type-number",
    ),
    pytest.param(_set("parent", TYPED_NAME), "parent", "valid dictionary", id="wrong-type-object"),
    pytest.param(_set("babies", {"name": TYPED_NAME}), "babies", "valid list", id="wrong-type-list"),
    pytest.param(_set("consult.date", "16/03/2026"), "consult.date", "written as YYYY-MM-DD", id="wrong-type-date"),
    pytest.param(_set("lactation.ever_lactated", "maybe"), "lactation.ever_lactated", "'yes', 'no'", id="not-a-choice"),
    pytest.param(
        _set("babies.0.birth_weight_g", 9000),
        "babies.0.birth_weight_g",
        "less than or equal to 7000",
        id="birth-weight-too-high",
    ),
    pytest.param(
        _set("babies.0.birth_weight_g", 250),
        "babies.0.birth_weight_g",
        "greater than or equal to 300",
        id="birth-weight-too-low",
    ),
    pytest.param(
        lambda d: d["babies"][0].update(current_weight_g=45000, weighed_on="2026-03-16"),
        "babies.0.current_weight_g",
        "less than or equal to 30000",
        id="current-weight-too-high",
    ),
    pytest.param(
        _set("babies.0.earlier_weights", [{"date": "2026-03-01", "grams": -5}]),
        "babies.0.earlier_weights.0.grams",
        "greater than or equal to 300",
        id="earlier-weight-negative",
    ),
    # An unknown key may be anything typed (a name): the line says where, never the key itself.
    pytest.param(_set("parent.nmae", TYPED_NAME), "parent", "a field careplan does not know", id="misspelt-field"),
    pytest.param(
        _set(f"parent.{TYPED_NAME}", 1), "parent", "a field careplan does not know", id="a-name-as-a-key"
    ),
    pytest.param(
        _set("babies.0.feeding.suplement_ml_per_24h", 300),
        "babies.0.feeding",
        "a field careplan does not know",
        id="misspelt-nested-field",
    ),
    pytest.param(_set("consult.date", "9999-12-31"), "consult.date", "less than or equal to 2100-12-31", id="far-date"),
    pytest.param(_born_after_consult, "babies.0.birth_date", "born after the consult", id="born-after-consult"),
    pytest.param(
        _weighed_after_consult, "babies.0.weighed_on", "weight is dated after the consult", id="weighed-later"
    ),
    pytest.param(
        _set("lactation.last_milk_removal", "2026-03-20"),
        "lactation.last_milk_removal",
        "dated after the consult",
        id="removal-after-consult",
    ),
    pytest.param(
        _set("lactation.last_milk_removal", "2026-01-20"),
        "lactation.last_milk_removal",
        "before the baby was born",
        id="removal-before-birth",
    ),
    pytest.param(
        _set("lactation.duration_weeks", 12),
        "lactation.duration_weeks",
        "longer than the baby's age",
        id="breastfed-longer-than-age",
    ),
    pytest.param(_no_weight_date, "babies.0", "weighed_on", id="weight-without-date"),
    pytest.param(
        _set("consent", {"email_plan": False, "unencrypted_email_accepted": True}),
        "consent",
        "email was not agreed to",
        id="unencrypted-without-email-consent",
    ),
    pytest.param(_set("schema_version", "2.0"), "schema_version", "not supported", id="schema-2.0"),
    pytest.param(
        _set("progress", [{"date": "2026-03-10", "baby": 3}]),
        "progress.0.baby",
        "names baby 3, but there are 1",
        id="progress-names-missing-baby",
    ),
    pytest.param(
        _set("progress", [{"date": "2026-03-10", "baby": 9}]),
        "progress.0.baby",
        "less than or equal to 8",
        id="progress-baby-out-of-range",
    ),
    pytest.param(
        _set("parent.date_of_birth", "2020-01-01"),
        "parent.date_of_birth",
        "less than 10 years",
        id="parent-too-young",
    ),
    pytest.param(
        _set("situation", {"returning_to_work": "no", "return_to_work_date": "2026-05-01"}),
        "situation.return_to_work_date",
        "returning to work is 'no'",
        id="return-date-but-not-returning",
    ),
    pytest.param(_set("babies", []), "babies", "at least 1 item", id="no-babies"),
    pytest.param(lambda d: d.pop("consult"), "consult", "is required", id="missing-consult"),
]


@pytest.mark.parametrize(("edit", "dotted", "words"), INVALID)
def test_invalid_intake_names_file_and_field(tmp_path: Path, edit: Edit, dotted: str, words: str) -> None:
    data = minimal()
    edit(data)
    path = write(tmp_path, data, "bad-intake.json")
    lines = problems(path)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(f"{path}: ")
    assert f"[{dotted}]" in line
    assert words in line
    assert TYPED_NAME not in line


def test_field_path_is_in_plain_words_too(tmp_path: Path) -> None:
    data = minimal()
    data["babies"][0]["birth_weight_g"] = "heavy"
    [line] = problems(write(tmp_path, data))
    assert "babies › 1 › birth weight (grams) [babies.0.birth_weight_g]" in line
    assert "heavy" not in line


def test_every_problem_gets_its_own_line(tmp_path: Path) -> None:
    data = minimal()
    data["consult"]["setting"] = "hospital"
    data["babies"][0]["birth_weight_g"] = 100000
    data["parent"]["phone"] = TYPED_NAME
    data["goals"] = {"goal": "exclusive", "herbs_taken": ["fenugreek", "magic"]}
    lines = problems(write(tmp_path, data))
    fields = sorted(re.findall(r"\[([a-z0-9_.]+)\]: ", "\n".join(lines)))
    assert fields == [
        "babies.0.birth_weight_g",
        "consult.setting",
        "goals.goal",
        "goals.herbs_taken.1",
        "parent.phone",
    ]
    assert not any(value in line for line in lines for value in (TYPED_NAME, "hospital", "100000", "magic"))


def test_cross_field_problems_each_get_a_line(tmp_path: Path) -> None:
    data = minimal()
    data["lactation"] = {"last_milk_removal": "2026-04-01"}
    data["progress"] = [{"date": "2026-03-01", "baby": 1}, {"date": "2026-04-01", "baby": 2}]
    lines = problems(write(tmp_path, data))
    assert len(lines) == 3
    assert any("[lactation.last_milk_removal]" in line for line in lines)
    assert any("[progress.1.date]" in line and "after the consult" in line for line in lines)
    assert any("[progress.1.baby]" in line for line in lines)


@pytest.mark.parametrize(
    ("dotted", "value"),
    [
        ("parent.phone", TYPED_NAME),
        ("parent.email", TYPED_NAME),
        ("parent.relationship", TYPED_NAME),
        ("parent.date_of_birth", TYPED_NAME),
        ("parent.age_years", TYPED_NAME),
        ("consult.setting", TYPED_NAME),
        ("babies.0.birth_date", TYPED_NAME),
        ("babies.0.gestational_age_weeks", TYPED_NAME),
        ("babies.0.feeding.milk", [TYPED_NAME]),
        ("health.conditions", ["pcos", TYPED_NAME]),
        ("health.allergies", TYPED_NAME),
        ("goals.herbs_taken", ["other", TYPED_NAME]),
        ("goals.in_own_words", {"text": TYPED_NAME}),
        ("lactation.stop_reasons", [TYPED_NAME]),
        ("progress", [{"date": TYPED_NAME}]),
    ],
)
def test_typed_values_are_never_echoed(tmp_path: Path, dotted: str, value: Any) -> None:
    data = minimal()
    data["parent"]["name"] = "Pat Placeholder"
    set_at(data, dotted, value)
    lines = problems(write(tmp_path, data))
    assert lines
    assert any(f"[{dotted}" in line for line in lines)
    assert not any("Zephyrine" in line or "Quillfeather" in line for line in lines)


def test_name_too_long_is_not_echoed(tmp_path: Path) -> None:
    data = minimal()
    data["parent"]["name"] = TYPED_NAME * 10
    [line] = problems(write(tmp_path, data))
    assert "[parent.name]" in line
    assert "at most 200 characters" in line
    assert "Zephyrine" not in line


# ------------------------------------------------------------------------------------------------------------
# Unreadable input: one clear line, no values
# ------------------------------------------------------------------------------------------------------------

SECRET_JSON = json.dumps({"parent": {"name": TYPED_NAME}})

BROKEN_FILES = [
    pytest.param(SECRET_JSON[:-2].encode() + b",}", "not valid JSON", id="malformed-json"),
    pytest.param(b'{"parent": {"name": "Zephyrine Quillfeather"', "not valid JSON", id="truncated-json"),
    pytest.param(b"", "file is empty", id="empty"),
    pytest.param(b"  \n\t\r\n  ", "file is empty", id="whitespace-only"),
    pytest.param(b"\xef\xbb\xbf", "file is empty", id="bom-only"),
    pytest.param(f"[{SECRET_JSON}]".encode(), "must be a JSON object", id="array-at-top-level"),
    pytest.param(json.dumps(TYPED_NAME).encode(), "must be a JSON object", id="string-at-top-level"),
    pytest.param(b"null", "must be a JSON object", id="null-at-top-level"),
    pytest.param(SECRET_JSON.replace("Zephyrine", "Zéphyrine").encode("latin-1"), "not UTF-8", id="latin-1"),
    pytest.param(b"\xff\xfe{\x00}\x00", "not UTF-8", id="utf-16"),
    pytest.param(b"[" * 200_000, "not valid JSON", id="nested-too-deeply"),
]


@pytest.mark.parametrize(("content", "words"), BROKEN_FILES)
def test_broken_file_gives_one_clear_line(tmp_path: Path, content: bytes, words: str) -> None:
    path = write(tmp_path, content, "broken.json")
    lines = problems(path)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: ")
    assert words in lines[0]
    assert "phyrine" not in lines[0]
    assert "\n" not in lines[0]


@pytest.mark.parametrize(("content", "words"), BROKEN_FILES)
def test_parse_intake_labels_the_same_problems(content: bytes, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_intake(content, "pasted text")
    assert len(caught.value.lines) == 1
    assert caught.value.lines[0].startswith("pasted text: ")
    assert words in caught.value.lines[0]
    assert str(caught.value) == caught.value.lines[0]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "intake.json"
    assert problems(path) == [f"{path}: no such file"]


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "intake.json"
    folder.mkdir()
    [line] = problems(folder)
    assert line.startswith(f"{folder}: ")
    assert "folder" in line


class _CountingReader:
    """Wraps a binary file and counts the bytes read through it."""

    def __init__(self, handle: Any, counts: list[int]) -> None:
        self._handle = handle
        self._counts = counts

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._handle.read(size)
        self._counts.append(len(chunk))
        return chunk

    def __enter__(self) -> _CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def test_huge_file_is_refused_without_reading_it_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    size = 50 * 1024 * 1024
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(SECRET_JSON[:-1].encode())
        handle.truncate(size)  # sparse: the test stays fast
    assert path.stat().st_size == size

    counts: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        return _CountingReader(real_open(self, *args, **kwargs), counts)

    monkeypatch.setattr(Path, "open", counting_open)
    lines = problems(path)
    monkeypatch.undo()

    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: ")
    assert "too large" in lines[0]
    assert "Zephyrine" not in lines[0]
    assert 0 < sum(counts) <= MAX_INTAKE_BYTES + 1


def test_text_over_the_limit_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        parse_intake(b" " * (MAX_INTAKE_BYTES + 1), "big")
    assert len(caught.value.lines) == 1
    assert "too large" in caught.value.lines[0]


def test_byte_order_mark_and_text_input_are_accepted(tmp_path: Path) -> None:
    text = json.dumps(minimal())
    assert load_intake(write(tmp_path, b"\xef\xbb\xbf" + text.encode())).babies[0].age_days == 42
    assert parse_intake(text).babies[0].age_days == 42


# ------------------------------------------------------------------------------------------------------------
# Property: random valid intakes survive a JSON round trip unchanged
# ------------------------------------------------------------------------------------------------------------


def _choices(literal: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(typing.get_args(literal))


def _some(literal: Any, max_size: int = 3) -> st.SearchStrategy[list[Any]]:
    return st.lists(_choices(literal), max_size=max_size)


_word = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=12)
_name = st.lists(_word, min_size=1, max_size=3).map(" ".join)
_free_text = st.none() | st.lists(_word, max_size=20).map(" ".join)
_answer = st.sampled_from(["yes", "no", "unknown"])
_MEDICINE_NAMES = ["Sudafed", "Synthroid", "metformin", "warfarin", "Microgynon 30", "amlodipine", "sertraline"]


def _optional_int(low: int, high: int) -> st.SearchStrategy[int | None]:
    return st.none() | st.integers(low, high)


def _own_name(name: str, babies: list[dict[str, Any]]) -> str:
    taken = {" ".join(b["name"].split()).casefold() for b in babies}
    return name if " ".join(name.split()).casefold() not in taken else f"{name} {len(babies) + 1}"


@st.composite
def intake_data(draw: st.DrawFn) -> dict[str, Any]:
    consult = draw(st.dates(date(2026, 1, 1), date(2026, 12, 31)))
    babies: list[dict[str, Any]] = []
    births = []
    for _ in range(draw(st.integers(1, 3))):
        birth = consult - timedelta(days=draw(st.integers(0, 730)))
        births.append(birth)
        baby: dict[str, Any] = {
            # Each baby its own name: the model refuses two babies with one name (spaces and case aside).
            "name": _own_name(draw(_name), babies),
            "birth_date": birth.isoformat(),
            "gestational_age_weeks": draw(st.none() | st.floats(22, 45)),
            "birth_weight_g": draw(_optional_int(300, 7000)),
            "feeding": {
                "milk": draw(_some(Milk)),
                "supplement_ml_per_24h": draw(st.none() | st.floats(0, 2500)),
                "feeds_per_24h": draw(_optional_int(0, 30)),
                "methods": draw(_some(FeedingMethod)),
            },
            "latches": draw(_answer),
            "concerns": draw(_some(FeedingConcern)),
            "wet_diapers_24h": draw(_optional_int(0, 40)),
            "dirty_diapers_24h": draw(_optional_int(0, 40)),
            "dehydration_signs": draw(_some(DehydrationSign)),
            "sleeps": draw(_choices(SleepPlace)),
        }
        weighed = draw(st.none() | st.dates(birth, consult))
        if weighed is not None:
            baby["current_weight_g"] = draw(st.integers(300, 30000))
            baby["weighed_on"] = weighed.isoformat()
            checks = draw(st.lists(st.tuples(st.dates(birth, weighed), st.integers(300, 30000)), max_size=4))
            baby["earlier_weights"] = [{"date": d.isoformat(), "grams": g} for d, g in checks]
        babies.append(baby)
    earliest = min(births)
    age_days = (consult - earliest).days

    breastfed = draw(_answer)
    most_weeks = min(260, (age_days + 7) // 7)
    duration = None if breastfed == "no" else draw(st.none() | st.integers(0, 2 * most_weeks).map(lambda k: k / 2))
    children = draw(_optional_int(0, 20))
    removal = draw(st.none() | st.dates(earliest, consult))
    lactation = {
        "ever_lactated": draw(_answer),
        "breastfed_this_baby": breastfed,
        "duration_weeks": duration,
        "last_milk_removal": None if removal is None else removal.isoformat(),
        "full_supply_before": draw(_answer),
        "stop_reasons": draw(_some(StopReason)),
        "current_output": draw(st.sampled_from(["none", "drops", "some", "unknown"])),
        "earlier_children": children,
        "earlier_children_breastfed": None if children is None else draw(_optional_int(0, children)),
    }

    dob = draw(st.none() | st.dates(date(earliest.year - 60, 1, 1), date(earliest.year - 10, 12, 31)))
    parent = {
        "name": draw(_name),
        "email": draw(
            st.none() | st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True).map(lambda s: s + "@example.org")
        ),
        "phone": draw(st.none() | st.from_regex(r"\+?[0-9]{5,15}", fullmatch=True)),
        "preferred_language": draw(st.sampled_from(["en", "es", "fr", "pt-BR", "mi"])),
        "relationship": draw(
            st.sampled_from(["birth_parent", "adoptive_parent", "non_gestational_parent", "grandparent", "other_carer"])
        ),
        "age_years": draw(_optional_int(10, 80)),
        "date_of_birth": None if dob is None else dob.isoformat(),
        "menopause": draw(st.sampled_from(["no", "perimenopause", "postmenopause", "unknown"])),
    }

    medications = st.lists(
        st.fixed_dictionaries({"name": st.sampled_from(_MEDICINE_NAMES), "classes": _some(MedicineClass, 2)}),
        max_size=3,
    )
    surgery = st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["reduction", "augmentation", "lumpectomy", "biopsy", "other"]),
            "tissue_preserved": st.sampled_from(["full", "partial", "none", "unknown"]),
            "year": _optional_int(1950, 2026),
        }
    )
    health = {
        "conditions": draw(st.none() | _some(Condition, 4)),
        "bmi": draw(st.none() | st.floats(12, 90)),
        "breast_surgeries": draw(st.none() | st.lists(surgery, max_size=2)),
        "medications": draw(st.none() | medications),
        "allergies": draw(st.none() | _some(Allergen)),
        "smokes": draw(st.sampled_from(["no", "yes", "heavy", "unknown"])),
        "household_smoke": draw(_answer),
    }

    returning = draw(_answer)
    return_date = None if returning == "no" else draw(st.none() | st.dates(consult, consult + timedelta(days=365)))
    situation = {
        "pump": draw(st.sampled_from(["none", "manual", "single_electric", "double_electric", "hospital_grade"])),
        "returning_to_work": returning,
        "return_to_work_date": None if return_date is None else return_date.isoformat(),
        "bedsharing": draw(st.sampled_from(["never", "sometimes", "planned", "unknown"])),
        "bed_hazards": draw(_some(BedHazard)),
    }
    goals = {
        "goal": draw(
            st.sampled_from(["exclusive_breastfeeding", "partial_breastfeeding", "comfort_nursing", "any_milk"])
        ),
        "in_own_words": draw(_free_text),
        "herbs_interest": draw(st.sampled_from(["yes", "no", "unsure"])),
        "herbs_taken": draw(_some(Herb)),
        "asked_about": draw(_some(Topic)),
    }
    email_plan = draw(st.booleans())
    consent = {
        "email_plan": email_plan,
        "unencrypted_email_accepted": email_plan and draw(st.booleans()),
        "recorded_on": draw(st.none() | st.just(consult.isoformat())),
    }

    progress = []
    for _ in range(draw(st.integers(0, 3))):
        which = draw(st.integers(1, len(babies)))
        progress.append(
            {
                "date": draw(st.dates(births[which - 1], consult)).isoformat(),
                "baby": which,
                "milk_removal_sessions_per_24h": draw(_optional_int(0, 30)),
                "expressed_ml_per_24h": draw(st.none() | st.floats(0, 3000)),
                "baby_weight_g": draw(_optional_int(300, 30000)),
            }
        )
    for number, baby in enumerate(babies, start=1):
        _gain_at_most_100_g_a_day(baby, [entry for entry in progress if entry["baby"] == number])

    return {
        "consult": {
            "date": consult.isoformat(),
            "visit": draw(st.sampled_from(["first", "follow_up"])),
            "setting": draw(st.sampled_from(["home", "clinic", "virtual", "emergency"])),
            "jurisdiction": draw(st.sampled_from(["US", "CA", "UK", "EU", "AU", "NZ", "other", "unknown"])),
        },
        "parent": parent,
        "babies": babies,
        "lactation": lactation,
        "health": health,
        "situation": situation,
        "goals": goals,
        "consent": consent,
        "progress": progress,
    }


def _gain_at_most_100_g_a_day(baby: dict[str, Any], progress: list[dict[str, Any]]) -> None:
    """Lower any weight that a baby could not reach from the weighing before it (the model refuses a gain over
    100 g a day), in the order the model compares them: birth, earlier weights, current weight, follow-ups."""
    weighings: list[tuple[str, dict[str, Any], str, str]] = []  # (date, holder, weight key, ...)
    if baby.get("birth_weight_g") is not None:
        weighings.append((baby["birth_date"], baby, "birth_weight_g", ""))
    weighings += [(check["date"], check, "grams", "") for check in baby.get("earlier_weights", [])]
    if baby.get("current_weight_g") is not None:
        weighings.append((baby["weighed_on"], baby, "current_weight_g", ""))
    weighings += [(entry["date"], entry, "baby_weight_g", "") for entry in progress if entry["baby_weight_g"]]
    weighings.sort(key=lambda w: w[0])
    for (before, held, key, _), (after, holder, later_key, _) in itertools.pairwise(weighings):
        days = (date.fromisoformat(after) - date.fromisoformat(before)).days
        if days > 0:
            holder[later_key] = min(holder[later_key], held[key] + 100 * days)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(intake_data())
def test_round_trip_through_json_is_lossless(data: dict[str, Any]) -> None:
    intake = Intake.model_validate(data)
    again = parse_intake(intake.model_dump_json(), "round trip")
    assert again == intake
    assert again.model_dump() == intake.model_dump()
    assert again.model_dump_json() == intake.model_dump_json()
    for before, after in zip(intake.babies, again.babies, strict=True):
        assert after.age_days == before.age_days >= 0
        assert after.corrected_age_weeks == before.corrected_age_weeks
        assert after.weight_gain_g_per_day == before.weight_gain_g_per_day
    assert again.lactation.weeks_since_last_milk_removal == intake.lactation.weeks_since_last_milk_removal
    assert again.parent.age == intake.parent.age
    assert again.health.medicine_classes == intake.health.medicine_classes


def test_a_repeated_key_is_refused_and_named_only_when_it_is_a_field(tmp_path: Path) -> None:
    text = json.dumps(minimal())
    assert '"consent"' in text
    field = write(tmp_path, (text[:-1] + ', "consent": {}}').encode(), "field.json")
    assert problems(field) == [f"{field}: not valid JSON: the key 'consent' appears twice in one object"]
    typed = text[:-1] + f', "{TYPED_NAME}": 1, "{TYPED_NAME}": 2}}'
    other = write(tmp_path, typed.encode(), "other.json")
    assert problems(other) == [f"{other}: not valid JSON: a key (not an intake field) appears twice in one object"]


def test_a_number_with_thousands_of_digits_is_refused(tmp_path: Path) -> None:
    text = json.dumps(minimal()).replace('"consent"', '"huge": ' + "9" * 5000 + ', "consent"', 1)
    path = write(tmp_path, text.encode(), "huge.json")
    assert problems(path) == [f"{path}: not valid JSON: a number is far too long"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "intake.json"
    os.mkfifo(path)
    assert problems(path) == [f"{path}: not a regular file (a pipe, device or socket is not an intake)"]


def test_control_characters_never_reach_an_output() -> None:
    data = minimal()
    data["parent"]["name"] = "Robin\x1b[2J\x07 Quill\x9b"
    data["babies"][0]["name"] = "Sky\x00\r"
    intake = parse_intake(json.dumps(data))
    assert intake.parent.name == "Robin[2J Quill"
    assert intake.babies[0].name == "Sky"


def test_a_symbolic_link_loop_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    path = tmp_path / "a.json"
    assert problems(path) == [f"{path}: a symbolic link that leads nowhere (or round in a loop)"]
