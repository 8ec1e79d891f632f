"""Growth: where a baby's weight lies on the WHO Child Growth Standards (2006), birth to 731 days, and the gain
between weighings (:mod:`.who`; the table and where it comes from are in data/)."""

from careplan.growth.who import (
    CENTILE_LINES,
    LMS,
    MAX_AGE_DAYS,
    SEXES,
    Z_LIMIT,
    Score,
    Sex,
    corrected_age_days,
    lms,
    velocities,
    weight_at,
    weight_for_age,
)

__all__ = [
    "CENTILE_LINES",
    "LMS",
    "MAX_AGE_DAYS",
    "SEXES",
    "Z_LIMIT",
    "Score",
    "Sex",
    "corrected_age_days",
    "lms",
    "velocities",
    "weight_at",
    "weight_for_age",
]
