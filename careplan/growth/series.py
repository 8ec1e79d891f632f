"""Each baby's weights on the WHO weight-for-age standard, for the plan's ``growth`` block.

A baby's weighings are gathered from the whole intake (the birth weight, the earlier weights, the current weight
and the weights recorded at follow-ups), one per date: a follow-up's weight says where it was taken, so it is kept
over an earlier weight of the same day. Ages are counted from the birth date, and from the due date for a baby born
preterm (the WHO standard is for babies born at term). A centile is given only where the standard holds: the sex is
known, and the (corrected) age is between term and 24 months; otherwise the weight is shown without one and the
growth block's notes say why.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from careplan.growth.who import MAX_AGE_DAYS, corrected_age_days, velocities, weight_for_age
from careplan.language.phrases import words
from careplan.plan import Growth, GrowthPoint

if TYPE_CHECKING:
    from careplan.intake import Baby, Intake

STANDARD = "WHO Child Growth Standards 2006, weight-for-age"
#: The sources every growth block rests on (the standard, and the CDC's advice to use it under 2 years).
SOURCES = ("WHO06", "CDC10")

#: The growth notes' phrase keys (careplan/language/phrases/growth.yaml).
NO_SEX_KEY = "growth.no_sex"
BEFORE_TERM_KEY = "growth.before_term"
AFTER_24_MONTHS_KEY = "growth.after_24_months"
CORRECTED_KEY = "growth.corrected"
#: The same notes in English, for code that looks for them in an English plan.
NO_SEX = words("en")(NO_SEX_KEY)
BEFORE_TERM = words("en")(BEFORE_TERM_KEY)
AFTER_24_MONTHS = words("en")(AFTER_24_MONTHS_KEY)
CORRECTED = words("en")(CORRECTED_KEY)


def weighings(intake: Intake, number: int) -> list[tuple[date, int, str, str | None]]:
    """Baby ``number``'s (1-based) weighings, one per date in date order: (date, grams, where, how)."""
    baby = intake.babies[number - 1]
    by_date: dict[date, tuple[int, str, str | None]] = {}
    if baby.birth_weight_g is not None:
        by_date[baby.birth_date] = (baby.birth_weight_g, "birth", None)
    for check in baby.earlier_weights:
        by_date[check.date] = (check.grams, "unknown", None)
    if baby.current_weight_g is not None and baby.weighed_on is not None:
        by_date[baby.weighed_on] = (baby.current_weight_g, "unknown", None)
    for entry in intake.progress:
        if entry.baby == number and entry.baby_weight_g is not None:
            how = None if entry.weighed_how == "unknown" else entry.weighed_how
            by_date[entry.date] = (entry.baby_weight_g, entry.weighed_at, how)
    return [(day, *by_date[day]) for day in sorted(by_date)]


def baby_growth(intake: Intake, number: int, *, language: str = "en") -> Growth:
    """Baby ``number``'s (1-based) weights with their ages, z-scores, centiles and gains; the notes in
    ``language``."""
    say = words(language)
    baby: Baby = intake.babies[number - 1]
    rows = weighings(intake, number)
    gains = velocities([(day, grams) for day, grams, _, _ in rows])
    corrected = bool(baby.preterm)
    notes: list[str] = []
    points = []
    for (day, grams, where, how), gain in zip(rows, gains, strict=True):
        age = (day - baby.birth_date).days
        standard_age = corrected_age_days(age, baby.gestational_age_weeks)
        point = GrowthPoint(
            date=day,
            age_days=age,
            corrected_age_days=round(standard_age, 1) if corrected else None,
            weight_g=grams,
            weighed=where,
            weighed_how=how,
            velocity_g_per_day=None if gain is None else gain[0],
            velocity_days=None if gain is None else gain[1],
        )
        if baby.sex != "unknown":
            if standard_age < 0:
                notes.append(say(BEFORE_TERM_KEY))
            elif standard_age > MAX_AGE_DAYS:
                notes.append(say(AFTER_24_MONTHS_KEY))
            else:
                score = weight_for_age(baby.sex, standard_age, grams)
                point = point.model_copy(update={"z": score.z, "centile": score.centile, "beyond": score.beyond})
        points.append(point)
    if baby.sex == "unknown":
        notes.append(say(NO_SEX_KEY))
    if corrected:
        notes.insert(0, say(CORRECTED_KEY))
    return Growth(
        baby=baby.name,
        sex=baby.sex,
        standard=STANDARD,
        corrected=corrected,
        points=points,
        notes=list(dict.fromkeys(notes)),
    )


def growth(intake: Intake, *, language: str = "en") -> list[Growth]:
    """Every baby's growth block, in the intake's order, its notes in ``language``."""
    return [baby_growth(intake, number, language=language) for number in range(1, len(intake.babies) + 1)]
