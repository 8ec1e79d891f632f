"""The plan's computed parts: the 24-hour milk-removal schedule, the supplement estimate and step-down, and the
expected timeline. Pure functions of the intake; every figure names the source it rests on (IDs from the
strategy library's sources list, which the clinical evidence file defines).
"""

from __future__ import annotations

from datetime import date, timedelta

from careplan.intake import Baby, Intake
from careplan.plan import FeedingPlan, Milestone, Schedule, Session, StepDown

# --- Milk removal (LLL-RL: 8-12 times per 24 h including nights; AAPRL: two or more night feedings;
# STERN90: prolactin peaks most often between 23:00 and 07:00; pump-maker guidance [S]: no gap over ~5 h) ------
MIN_SESSIONS = 8
MAX_SESSIONS = 12
DAY_START_MIN = 7 * 60
DAY_END_MIN = 23 * 60
#: A night session at 03:00 sits inside the 23:00-07:00 window; the exact hour is a practice default.
NIGHT_SESSION_MIN = 3 * 60
SCHEDULE_SOURCES = ["LLL-RL", "AAPRL", "STERN90", "MORTON09"]

# --- Supplement planning (evidence §12.8, an inference labelled as practice, not guideline): planning figure is
# 150-200 mL/kg/day from the end of the first week to 6 months and 90-120 mL/kg/day from 6 to 12 months [S],
# capped at about 900 mL/day, the top of the usual intake of thriving breastfed babies (KENT06, COCHP) --------
PER_KG_UNDER_6_MONTHS = (150, 200)
PER_KG_6_TO_12_MONTHS = (90, 120)
DAILY_CAP_ML = 900
FEEDING_SOURCES = ["VOLKG", "KENT06", "COCHP"]
DEFAULT_FEEDS = 8
STALE_WEIGHT_DAYS = 14

# --- Step-down (KELLYMOM, practice source): cut the daily total by about 30 mL, hold 2-3 days, check diapers
# and weight; never stop suddenly ----------------------------------------------------------------------------
STEP_ML = 30
STEP_DAYS = 3
MAX_STEPS = 40
STEP_DOWN_SOURCES = ["KELLYMOM", "AAPNB"]


def _clock(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _is_night(minutes: int) -> bool:
    minutes %= 24 * 60
    return minutes >= DAY_END_MIN or minutes < DAY_START_MIN


def milk_removal_schedule(intake: Intake) -> Schedule:
    """At least 8 sessions in 24 hours, one of them at night, no gap over about 5 hours, and more sessions
    when the baby already feeds more often, so the sessions can go with the feeds."""
    feeds = [b.feeding.feeds_per_24h for b in intake.babies if b.feeding.feeds_per_24h]
    count = min(MAX_SESSIONS, max(MIN_SESSIONS, max(feeds, default=MIN_SESSIONS)))
    day_count = count - 1
    step = (DAY_END_MIN - DAY_START_MIN) / (day_count - 1)
    times = [round((DAY_START_MIN + i * step) / 5) * 5 for i in range(day_count)]
    times.append(NIGHT_SESSION_MIN + 24 * 60)
    latches = any(b.latches == "yes" for b in intake.babies)
    day_what = (
        "Offer the breast, with the supplementer if you use one. Then pump or hand express."
        if latches
        else "Pump or hand express. Offer skin-to-skin, and the breast if your baby is willing."
    )
    night_what = "Night session: pump, hand express, or feed at the breast. Milk-making hormone is higher at night."
    sessions = [
        Session(time=_clock(t), night=_is_night(t), what=night_what if _is_night(t) else day_what) for t in times
    ]
    gaps = [(b - a) / 60 for a, b in zip(times, [*times[1:], times[0] + 24 * 60], strict=True)]
    return Schedule(
        sessions=sessions,
        longest_gap_hours=round(max(gaps), 1),
        note=(
            f"{count} sessions in 24 hours. Any time between 11 p.m. and 7 a.m. works for the night session; "
            "the time shown is a suggestion."
        ),
        sources=SCHEDULE_SOURCES,
    )


def _step_down(start_ml: float, on: date) -> list[StepDown]:
    steps: list[StepDown] = []
    amount = round(start_ml)
    day = 0
    while amount > 0 and len(steps) < MAX_STEPS:
        steps.append(StepDown(day=day, starts_on=on + timedelta(days=day), daily_ml=amount))
        amount = max(0, amount - STEP_ML)
        day += STEP_DAYS
    if amount == 0 and len(steps) < MAX_STEPS:
        steps.append(StepDown(day=day, starts_on=on + timedelta(days=day), daily_ml=0))
    return steps


def feeding_plan(intake: Intake, baby: Baby, step_down_allowed: bool, withheld_reason: str | None) -> FeedingPlan:
    """The daily supplement estimate and per-feed amount for one baby, and the step-down schedule."""
    notes: list[str] = []
    feeds = baby.feeding.feeds_per_24h or DEFAULT_FEEDS
    need: int | None = None
    basis: str
    weight = baby.current_weight_g
    if baby.preterm:
        basis = "Born early: the amounts are set with your baby's doctor or neonatal team."
    elif baby.age_days < 7:
        basis = "In the first week, amounts are set day by day with your baby's doctor."
    elif weight is None:
        basis = "No recent weight: weigh your baby so the amounts can be worked out."
    elif baby.age_months >= 12:
        basis = "After the first birthday, milk is one part of a full diet; no amount is estimated."
    else:
        low, high = PER_KG_UNDER_6_MONTHS if baby.age_months < 6 else PER_KG_6_TO_12_MONTHS
        kg = weight / 1000
        need = min(DAILY_CAP_ML, round(low * kg))
        basis = (
            f"About {low} to {high} mL per kg of body weight a day, capped at about {DAILY_CAP_ML} mL: "
            "a planning figure used in practice, not a fixed rule."
        )
        notes.append("Milk your baby takes from the breast counts toward this total.")
        notes.append("Let your baby's weight gain and diapers guide changes to these amounts.")
    if weight is not None and baby.weight_age_days is not None and baby.weight_age_days > STALE_WEIGHT_DAYS:
        notes.append(f"The weight used was taken {baby.weight_age_days} days ago; a new weight will help.")
    current = baby.feeding.supplement_ml_per_24h
    steps: list[StepDown] = []
    withheld = withheld_reason
    if current is None or current <= 0:
        withheld = withheld or "there is no daily supplement to reduce"
    elif step_down_allowed and withheld is None:
        steps = _step_down(current, intake.consult.date)
    elif withheld is None:
        withheld = "not planned yet"
    return FeedingPlan(
        baby=baby.name,
        weight_g=weight,
        current_supplement_ml=current,
        estimated_need_ml=need,
        per_feed_ml=None if need is None else round(need / feeds / 5) * 5,
        feeds_per_24h=feeds,
        basis=basis,
        notes=notes,
        step_down=steps,
        step_down_withheld=None if steps else withheld,
        sources=FEEDING_SOURCES + (STEP_DOWN_SOURCES if steps else []),
    )


def timeline(intake: Intake) -> list[Milestone]:
    """What to expect and roughly when, counted from the consult date (GUCLU25, CUREUS24, ARMY16, BANA03)."""
    on = intake.consult.date
    lactation = intake.lactation
    milestones = [
        Milestone(
            label="Start",
            from_date=on,
            to_date=None,
            text="Start taking milk out often, day and night, and keep your baby close.",
            sources=["LLL-RL", "ABM9"],
        )
    ]
    if lactation.current_output in ("drops", "some"):
        first = "You already have some milk. Keep removing milk often; how fast it grows is different for everyone."
    else:
        first = "First drops of milk often appear between about day 6 and day 14, but it varies a lot."
    milestones.append(
        Milestone(
            label="First milk",
            from_date=on + timedelta(days=6),
            to_date=on + timedelta(days=14),
            text=first,
            sources=["GUCLU25", "CUREUS24"],
        )
    )
    milestones.append(
        Milestone(
            label="Growing supply",
            from_date=on + timedelta(days=5),
            to_date=on + timedelta(days=28),
            text=(
                "In studies, milk was well established anywhere from about 5 days to 4 weeks after starting. "
                "Many parents make part of their baby's milk, and that counts."
            ),
            sources=["ARMY16", "BANA03", "AUER80"],
        )
    )
    return milestones
