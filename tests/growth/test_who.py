"""careplan.growth: WHO weight-for-age z-scores and centiles agree with WHO's own software and with an independent
implementation (pygrowup2), the shipped table is WHO's, and corrected age and weight velocity count as they should."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from statistics import NormalDist

import pytest
from pygrowup import Observation  # type: ignore[import-untyped]
from pygrowup.tables.by_day.wfa import DATA as PYGROWUP_WFA  # type: ignore[import-untyped]

from careplan.growth import (
    CENTILE_LINES,
    LMS,
    MAX_AGE_DAYS,
    Sex,
    corrected_age_days,
    lms,
    velocities,
    weight_at,
    weight_for_age,
)
from careplan.growth import who as who_module

DATA = resources.files("careplan.growth").joinpath("data")
CSV_TEXT = DATA.joinpath("who-weight-for-age.csv").read_text(encoding="utf-8")
ROWS = list(csv.DictReader(io.StringIO(CSV_TEXT)))
#: Both sides print z to 2 decimals, so two correct implementations may differ by one in the last place.
Z_TOLERANCE = 0.01 + 1e-9


# --------------------------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------------------------

#: As WHO publishes them (the expanded tables, by day).
PUBLISHED = [
    ("male", 0, "0.3487", "3.3464", "0.14602"),
    ("female", 0, "0.3809", "3.2322", "0.14171"),
    ("male", 365, "0.0645", "9.646", "0.10925"),
    ("female", 365, "-0.2022", "8.9462", "0.12267"),
    ("male", 731, "-0.0137", "12.1548", "0.11427"),
    ("female", 731, "-0.2942", "11.4809", "0.1239"),
]


def test_the_table_has_every_day_of_both_sexes() -> None:
    assert list(ROWS[0]) == ["sex", "day", "L", "M", "S"]
    for sex in ("female", "male"):
        days = [int(r["day"]) for r in ROWS if r["sex"] == sex]
        assert days == list(range(MAX_AGE_DAYS + 1))
    assert len(ROWS) == 2 * 732


@pytest.mark.parametrize(("sex", "day", "l", "m", "s"), PUBLISHED)
def test_the_table_holds_whos_published_values(sex: Sex, day: int, l: str, m: str, s: str) -> None:  # noqa: E741
    row = next(r for r in ROWS if r["sex"] == sex and int(r["day"]) == day)
    assert (Decimal(row["L"]), Decimal(row["M"]), Decimal(row["S"])) == (Decimal(l), Decimal(m), Decimal(s))
    assert lms(sex, day) == LMS(float(l), float(m), float(s))


def test_every_row_is_pygrowup2s_by_day_table() -> None:
    for row in ROWS:
        theirs = PYGROWUP_WFA[row["sex"]][int(row["day"])]
        assert (Decimal(row["L"]), Decimal(row["M"]), Decimal(row["S"])) == (theirs["l"], theirs["m"], theirs["s"])


def test_the_readme_gives_the_tables_sha256() -> None:
    readme = DATA.joinpath("README.md").read_text(encoding="utf-8")
    stated = re.findall(r"\b[0-9a-f]{64}\b", readme)
    assert stated == [hashlib.sha256(CSV_TEXT.encode("utf-8")).hexdigest()]


def test_lms_between_days_is_the_mean_of_the_days_either_side() -> None:
    for sex in ("female", "male"):
        day10, day11, between = lms(sex, 10), lms(sex, 11), lms(sex, 10.5)
        assert between.l == pytest.approx((day10.l + day11.l) / 2, abs=1e-12)
        assert between.m == pytest.approx((day10.m + day11.m) / 2, abs=1e-12)
        assert between.s == pytest.approx((day10.s + day11.s) / 2, abs=1e-12)
    assert lms("male", MAX_AGE_DAYS) == LMS(-0.0137, 12.1548, 0.11427)


# --------------------------------------------------------------------------------------------------------------
# Agreement with WHO's software and with pygrowup2
# --------------------------------------------------------------------------------------------------------------


def who_anthro_rows() -> list[tuple[Sex, int, float, float]]:
    """(sex, age in days, weight in grams, WHO's z) for every row of WHO's igrowup output for its example survey
    (the WHO Anthro calculation, shipped with pygrowup2) that is in careplan's range: 0-731 days, a weight, and a
    weight-for-age z-score within ±3 (none is given for a child with oedema)."""
    text = resources.files("pygrowup").joinpath("test_datasets", "MySurvey_z_st.csv").read_text(encoding="utf-8")
    sexes: dict[str, Sex] = {"1": "male", "2": "female"}
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        if not (row["age.days"] and row["WEIGHT"] and row["zwei"]):
            continue
        age, z = int(row["age.days"]), float(row["zwei"])
        if age <= MAX_AGE_DAYS and abs(z) <= 3:
            out.append((sexes[row["GENDER"]], age, float(row["WEIGHT"]) * 1000, z))
    return out


def test_z_scores_agree_with_who_anthros_own_output() -> None:
    rows = who_anthro_rows()
    assert len(rows) >= 20
    assert {sex for sex, *_ in rows} == {"female", "male"}
    differences = [abs(weight_for_age(sex, age, grams).z - z) for sex, age, grams, z in rows]
    assert max(differences) <= Z_TOLERANCE, max(differences)


def igrowup_stata_rows() -> list[tuple[Sex, int, float, float]]:
    """The same from pygrowup2's second data set: survey data (SPOON) run through WHO's igrowup macro for Stata,
    with the age in days counted from the dates of birth and of screening."""
    text = resources.files("pygrowup").joinpath("test_datasets", "test_dataset.csv").read_text(encoding="utf-8")
    sexes: dict[str, Sex] = {"Male": "male", "Female": "female"}
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        if not (row["weight"] and row["_zwei"]):
            continue
        born, seen = (datetime.strptime(row[f], "%m/%d/%Y").date() for f in ("dob", "screen_date"))
        age, z = (seen - born).days, float(row["_zwei"])
        if 0 <= age <= MAX_AGE_DAYS and abs(z) <= 3:
            out.append((sexes[row["sex"]], age, float(row["weight"]) * 1000, z))
    return out


def test_z_scores_agree_with_whos_igrowup_for_stata() -> None:
    rows = igrowup_stata_rows()
    assert len(rows) >= 1000
    differences = [abs(weight_for_age(sex, age, grams).z - z) for sex, age, grams, z in rows]
    assert max(differences) <= Z_TOLERANCE, max(differences)


GRID_DAYS = [0, 1, 7, 14, 30, 61, 91, 183, 365, 548, 730]
GRID_SHARES_OF_M = [0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35]


def pygrowup_z(sex: Sex, day: int, grams: int) -> float:
    """pygrowup2's weight-for-age z (its ages come from dates, as day 0 is refused when given as a number)."""
    birth = date(2024, 1, 1)
    observation = Observation(sex=sex, dob=birth, date_of_observation=birth + timedelta(days=day))
    return float(observation.wfa(Decimal(grams) / 1000))


def test_z_scores_agree_with_pygrowup2() -> None:
    compared = 0
    worst = 0.0
    for sex in ("female", "male"):
        for day in GRID_DAYS:
            median_g = lms(sex, day).m * 1000
            for share in GRID_SHARES_OF_M:
                grams = round(median_g * share)
                theirs = pygrowup_z(sex, day, grams)
                if abs(theirs) > 3:
                    continue
                worst = max(worst, abs(weight_for_age(sex, day, grams).z - theirs))
                compared += 1
    assert compared >= 100
    assert worst <= Z_TOLERANCE, worst


# --------------------------------------------------------------------------------------------------------------
# Scores, centiles and the chart's lines
# --------------------------------------------------------------------------------------------------------------


def test_the_median_weight_is_z_0_and_the_50th_centile() -> None:
    score = weight_for_age("female", 365, 8946.2)
    assert (score.z, score.centile, score.beyond) == (0.0, 50.0, None)


def test_a_weight_far_below_or_above_is_held_at_3_and_marked_beyond() -> None:
    low = weight_for_age("male", 30, 1500)
    high = weight_for_age("male", 30, 9000)
    assert (low.z, low.beyond) == (-3.0, "below")
    assert (high.z, high.beyond) == (3.0, "above")
    assert low.centile == 0.13 and high.centile == 99.87
    just_inside = weight_for_age("male", 30, weight_at("male", 30, -2.99))
    assert (just_inside.z, just_inside.beyond) == (-2.99, None)


@pytest.mark.parametrize("z", [-3.0, -2.0, -0.5, 0.0, 1.25, 3.0])
@pytest.mark.parametrize(("sex", "age"), [("female", 0), ("male", 45.5), ("female", 400), ("male", MAX_AGE_DAYS)])
def test_weight_at_a_z_score_round_trips(sex: Sex, age: float, z: float) -> None:
    grams = weight_at(sex, age, z)
    assert weight_for_age(sex, age, grams).z == z
    assert weight_for_age(sex, age, grams).beyond is None


def test_weight_at_the_median_is_m() -> None:
    assert weight_at("male", 0, 0.0) == pytest.approx(3346.4)


def test_centiles_are_rounded_to_1_decimal_or_2_at_the_ends() -> None:
    near_top = weight_for_age("female", 200, weight_at("female", 200, 2.5))
    assert near_top.centile == round(NormalDist().cdf(2.5) * 100, 2) == 99.38
    ordinary = weight_for_age("female", 200, weight_at("female", 200, -1.0))
    assert ordinary.centile == 15.9


def test_the_centile_lines_are_the_charts_curves() -> None:
    assert [name for name, _ in CENTILE_LINES] == ["3rd", "15th", "50th", "85th", "97th"]
    centiles = [round(NormalDist().cdf(z) * 100, 6) for _, z in CENTILE_LINES]
    assert centiles == [3.0, 15.0, 50.0, 85.0, 97.0]
    assert dict(CENTILE_LINES)["50th"] == 0.0
    for name, z in CENTILE_LINES:
        assert weight_for_age("male", 100, weight_at("male", 100, z)).centile == float(name.rstrip("rdth")), name


def test_a_box_cox_power_of_0_uses_the_log_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(who_module, "lms", lambda sex, age: LMS(0.0, 4.0, 0.12))
    assert weight_for_age("male", 30, 4000 * math.exp(0.12 * 1.5)).z == 1.5
    assert weight_at("male", 30, -2.0) == pytest.approx(4000 * math.exp(-0.24))
    monkeypatch.setattr(who_module, "lms", lambda sex, age: LMS(1e-9, 4.0, 0.12))
    assert weight_for_age("male", 30, 4000 * math.exp(0.12 * 1.5)).z == 1.5


# --------------------------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [-1, -0.01, MAX_AGE_DAYS + 0.5, 800, math.nan])
def test_an_age_outside_the_table_is_refused(age: float) -> None:
    with pytest.raises(ValueError, match="age must be"):
        lms("female", age)
    with pytest.raises(ValueError, match="age must be"):
        weight_for_age("female", age, 3000)
    with pytest.raises(ValueError, match="age must be"):
        weight_at("female", age, 0.0)


@pytest.mark.parametrize("sex", ["unknown", "Male", "", "boy"])
def test_an_unknown_sex_is_refused(sex: str) -> None:
    with pytest.raises(ValueError, match="sex must be"):
        lms(sex, 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sex must be"):
        weight_for_age(sex, 10, 3000)  # type: ignore[arg-type]


@pytest.mark.parametrize("grams", [0, -100, math.nan, math.inf])
def test_a_weight_that_is_not_a_positive_number_is_refused(grams: float) -> None:
    with pytest.raises(ValueError, match="weight must be"):
        weight_for_age("male", 10, grams)


@pytest.mark.parametrize("z", [-3.01, 3.5, math.nan])
def test_weight_at_refuses_a_z_past_3(z: float) -> None:
    with pytest.raises(ValueError, match="z must be"):
        weight_at("male", 10, z)


# --------------------------------------------------------------------------------------------------------------
# Corrected age
# --------------------------------------------------------------------------------------------------------------


def test_a_preterm_babys_age_is_corrected_to_term() -> None:
    assert corrected_age_days(70, 32) == 14.0
    assert corrected_age_days(70, 36.9) == 48.3
    assert corrected_age_days(10, 30) == -60.0  # before term-equivalent age


@pytest.mark.parametrize("weeks", [37, 37.0, 40, 42.1, None])
def test_a_term_baby_or_an_unknown_gestation_is_not_corrected(weeks: float | None) -> None:
    assert corrected_age_days(70, weeks) == 70.0


# --------------------------------------------------------------------------------------------------------------
# Velocities
# --------------------------------------------------------------------------------------------------------------


def test_each_gain_is_since_the_latest_weighing_at_least_5_days_before() -> None:
    start = date(2026, 3, 1)
    weighings = [
        (start, 3000),
        (start + timedelta(days=3), 2950),  # 3 days after the first: too close
        (start + timedelta(days=7), 3200),  # 4 days after the second, 7 after the first
        (start + timedelta(days=9), 3260),  # 6 after the second
        (start + timedelta(days=9), 3250),  # weighed twice that day
        (start + timedelta(days=13), 3340),  # 4 days after the fifth
    ]
    assert velocities(weighings) == [
        None,
        None,
        (28.6, 7),  # (3200 - 3000) / 7
        (51.7, 6),  # (3260 - 2950) / 6
        (50.0, 6),
        (23.3, 6),  # since day 7: (3340 - 3200) / 6
    ]


def test_velocities_with_another_minimum_and_a_loss() -> None:
    start = date(2026, 3, 1)
    weighings = [(start, 3400), (start + timedelta(days=2), 3300)]
    assert velocities(weighings, min_days=2) == [None, (-50.0, 2)]
    assert velocities(weighings) == [None, None]
    assert velocities([]) == []


def test_velocities_refuse_weighings_out_of_order_or_a_minimum_under_1() -> None:
    start = date(2026, 3, 1)
    with pytest.raises(ValueError, match="date order"):
        velocities([(start, 3000), (start - timedelta(days=6), 2900)])
    with pytest.raises(ValueError, match="min_days"):
        velocities([(start, 3000)], min_days=0)
