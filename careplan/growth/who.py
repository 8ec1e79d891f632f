"""Weight-for-age on the WHO Child Growth Standards (2006), birth to 731 days: z-scores, centiles, the weight at a
z-score, age corrected for prematurity, and gain between weighings.

The standards give, for each sex and each day of age, three numbers (the LMS method, WHO 2006 chapter 7): L, the
Box-Cox power; M, the median weight in kilograms; S, the coefficient of variation. A weight y has the z-score
``((y / M) ** L - 1) / (L * S)``, and the weight at a z-score is ``M * (1 + L * S * z) ** (1 / L)``. The table is
data/who-weight-for-age.csv (data/README.md says where it comes from). Only the standard library is used.

A weight more than 3 z-scores from the median is reported as beyond the chart, at -3 or +3, and not extrapolated:
the plan says "below the 0.1st centile" or "above the 99.9th centile".
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise
from statistics import NormalDist
from typing import Literal, get_args

from careplan.intake.common import PRETERM_BEFORE_WEEKS, TERM_WEEKS

#: The sexes the standards are split by.
Sex = Literal["female", "male"]
SEXES: tuple[Sex, ...] = get_args(Sex)
#: The table's last day of age (24 months is 730.5 days).
MAX_AGE_DAYS = 731
#: How far from the median a z-score is reported; past it a weight is "beyond" the chart.
Z_LIMIT = 3.0

#: Floating-point slack at ±3: the weight weight_at gives for z 3 must not come back as beyond it.
_ROUNDING = 1e-9

_TABLE = "who-weight-for-age.csv"
_NORMAL = NormalDist()


@dataclass(frozen=True)
class LMS:
    """The standard at one age: ``l`` the Box-Cox power, ``m`` the median weight in kilograms, ``s`` the
    coefficient of variation."""

    l: float  # noqa: E741 (the method's own name for it)
    m: float
    s: float


@dataclass(frozen=True)
class Score:
    """Where a weight lies on the standard.

    ``z`` is rounded to 2 decimals and held at -3.0 or 3.0 when the weight is beyond them. ``centile`` (0-100) is
    the normal distribution's share below the z-score (held at ±3 like ``z``, not rounded), rounded to 1 decimal,
    or to 2 under 1 and over 99. ``beyond`` is "below" or "above" when the weight lies past -3 or +3: the centile
    is then printed as "below the 0.1st centile" or "above the 99.9th centile"."""

    z: float
    centile: float
    beyond: Literal["below", "above"] | None


@cache
def _table() -> dict[str, tuple[LMS, ...]]:
    """The CSV's rows by sex, indexed by day (0 to MAX_AGE_DAYS); read once."""
    text = resources.files("careplan.growth").joinpath("data", _TABLE).read_text(encoding="utf-8")
    days: dict[str, list[LMS]] = {sex: [] for sex in SEXES}
    for row in csv.DictReader(io.StringIO(text)):
        by_day = days[row["sex"]]
        if int(row["day"]) != len(by_day):
            raise ValueError(f"{_TABLE}: {row['sex']} day {row['day']} is out of order")
        by_day.append(LMS(float(row["L"]), float(row["M"]), float(row["S"])))
    for sex, by_day in days.items():
        if len(by_day) != MAX_AGE_DAYS + 1:
            raise ValueError(f"{_TABLE}: {sex} has {len(by_day)} days, not {MAX_AGE_DAYS + 1}")
    return {sex: tuple(by_day) for sex, by_day in days.items()}


def lms(sex: Sex, age_days: float) -> LMS:
    """L, M and S for a sex at an age in days (0 to MAX_AGE_DAYS), each interpolated in a straight line between
    the whole days either side. ValueError for an unknown sex or an age outside the table."""
    if sex not in SEXES:
        raise ValueError(f"sex must be one of {', '.join(SEXES)}, not {sex!r}")
    if not 0 <= age_days <= MAX_AGE_DAYS:  # also refuses NaN
        raise ValueError(f"age must be 0 to {MAX_AGE_DAYS} days, not {age_days}")
    table = _table()[sex]
    day = math.floor(age_days)
    share = age_days - day
    if share == 0:
        return table[day]
    low, high = table[day], table[day + 1]
    return LMS(
        low.l + (high.l - low.l) * share,
        low.m + (high.m - low.m) * share,
        low.s + (high.s - low.s) * share,
    )


def _centile(z: float) -> float:
    centile = _NORMAL.cdf(z) * 100
    return round(centile, 2 if centile < 1 or centile > 99 else 1)


def weight_for_age(sex: Sex, age_days: float, weight_g: float) -> Score:
    """The z-score and centile of a weight in grams at an age in days. A weight past -3 or +3 z-scores is held
    there and marked ``beyond``: WHO's standards are not extrapolated. ValueError for an unknown sex, an age
    outside the table or a weight that is not a positive number."""
    if not 0 < weight_g < math.inf:
        raise ValueError(f"weight must be a positive number of grams, not {weight_g}")
    at = lms(sex, age_days)
    ratio = weight_g / 1000 / at.m
    z = math.log(ratio) / at.s if at.l == 0 else (ratio**at.l - 1) / (at.l * at.s)
    beyond: Literal["below", "above"] | None = None
    if z < -Z_LIMIT - _ROUNDING:
        z, beyond = -Z_LIMIT, "below"
    elif z > Z_LIMIT + _ROUNDING:
        z, beyond = Z_LIMIT, "above"
    z = max(-Z_LIMIT, min(Z_LIMIT, z))
    return Score(z=round(z, 2) + 0.0, centile=_centile(z), beyond=beyond)  # + 0.0: never -0.0


def weight_at(sex: Sex, age_days: float, z: float) -> float:
    """The weight in grams at a z-score (-3 to 3) for a sex and an age in days, not rounded. ValueError for a
    z-score past ±3, an unknown sex or an age outside the table."""
    if not -Z_LIMIT <= z <= Z_LIMIT:
        raise ValueError(f"z must be -{Z_LIMIT} to {Z_LIMIT}, not {z}")
    at = lms(sex, age_days)
    kilograms = at.m * math.exp(at.s * z) if at.l == 0 else at.m * (1 + at.l * at.s * z) ** (1 / at.l)
    return kilograms * 1000


#: The centile curves a WHO weight-for-age chart prints, with their z-scores.
CENTILE_LINES: tuple[tuple[str, float], ...] = (
    ("3rd", _NORMAL.inv_cdf(0.03)),
    ("15th", _NORMAL.inv_cdf(0.15)),
    ("50th", 0.0),
    ("85th", _NORMAL.inv_cdf(0.85)),
    ("97th", _NORMAL.inv_cdf(0.97)),
)


def corrected_age_days(age_days: int, gestational_age_weeks: float | None) -> float:
    """The age to read the standards at: for a baby born before PRETERM_BEFORE_WEEKS, the age in days less the
    weeks short of TERM_WEEKS (a 32-week baby at 70 days: 70 - 8 × 7 = 14 days), rounded to 2 decimals; negative
    before term-equivalent age, where the standards have no value. Otherwise, or with the gestation unknown, the
    age itself."""
    if gestational_age_weeks is None or gestational_age_weeks >= PRETERM_BEFORE_WEEKS:
        return float(age_days)
    return round(age_days - (TERM_WEEKS - gestational_age_weeks) * 7, 2)


def velocities(weighings: Sequence[tuple[date, int]], min_days: int = 5) -> list[tuple[float, int] | None]:
    """For each weighing (date, grams), in date order, the gain in grams a day (1 decimal; negative for a loss)
    since the latest earlier weighing at least ``min_days`` before it, with the number of days between them; None
    when no earlier weighing is that far back. Gains over fewer days are mostly scale and clothing. ValueError
    when the weighings are out of date order or ``min_days`` is under 1."""
    if min_days < 1:
        raise ValueError(f"min_days must be 1 or more, not {min_days}")
    dates = [day for day, _ in weighings]
    if any(later < earlier for earlier, later in pairwise(dates)):
        raise ValueError("weighings must be in date order")
    gains: list[tuple[float, int] | None] = []
    for index, (day, grams) in enumerate(weighings):
        gain: tuple[float, int] | None = None
        for earlier_day, earlier_grams in reversed(weighings[:index]):
            days = (day - earlier_day).days
            if days >= min_days:
                gain = (round((grams - earlier_grams) / days, 1), days)
                break
        gains.append(gain)
    return gains
