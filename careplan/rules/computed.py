"""The plan's computed parts: the 24-hour milk-removal schedule, the supplement estimate and step-down, and the
expected timeline. Pure functions of the intake; every figure names the source it rests on (IDs from the
strategy library's sources list, which the clinical evidence file defines).
"""

from __future__ import annotations

from datetime import date, timedelta

from careplan.intake import Baby, Intake, Lactation
from careplan.language.phrases import Words, words
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


def milk_removal_schedule(intake: Intake, *, language: str = "en") -> Schedule:
    """At least 8 sessions in 24 hours, one of them at night, no gap over about 5 hours, and more sessions
    when the baby already feeds more often, so the sessions can go with the feeds.

    The schedule fits the family: a comfort-nursing goal gets no timetable (nursing when the child wants is the
    goal, R06/R47); a child of 6 months or more gets the night session when they wake rather than an alarm; an
    emergency setting (IFE2) asks for hand expression or the breast, never for equipment.

    The texts are in ``language`` (careplan/language/phrases/schedule.yaml).

    Long on purpose: its branches follow the evidence's rows for sessions, nights, comfort nursing and
    emergencies one by one.
    """
    say = words(language)
    if intake.goals.goal == "comfort_nursing":
        return Schedule(
            kind="comfort",
            sessions=[],
            longest_gap_hours=0.0,
            note=say("schedule.comfort"),
            sources=["AUER80", "CAZ20", "LLL-RL"],
        )
    feeds = [b.feeding.feeds_per_24h for b in intake.babies if b.feeding.feeds_per_24h]
    count = min(MAX_SESSIONS, max(MIN_SESSIONS, max(feeds, default=MIN_SESSIONS)))
    day_count = count - 1
    step = (DAY_END_MIN - DAY_START_MIN) / (day_count - 1)
    times = [round((DAY_START_MIN + i * step) / 5) * 5 for i in range(day_count)]
    times.append(NIGHT_SESSION_MIN + 24 * 60)
    latches = any(b.latches == "yes" for b in intake.babies)
    emergency = intake.consult.setting == "emergency"
    older = min(b.age_months for b in intake.babies) >= 6
    if latches:
        day_what = say("schedule.day_breast_emergency" if emergency else "schedule.day_breast")
    else:
        day_what = say("schedule.day_express_emergency" if emergency else "schedule.day_express")
    if older:
        night_what = say("schedule.night_older")
    elif emergency:
        night_what = say("schedule.night_emergency")
    else:
        night_what = say("schedule.night")
    sessions = [
        Session(time=_clock(t), night=_is_night(t), what=night_what if _is_night(t) else day_what) for t in times
    ]
    gaps = [(b - a) / 60 for a, b in zip(times, [*times[1:], times[0] + 24 * 60], strict=True)]
    return Schedule(
        sessions=sessions,
        longest_gap_hours=round(max(gaps), 1),
        note=say("schedule.note_night_rough" if older else "schedule.note_night_any", count=count),
        sources=SCHEDULE_SOURCES + (["IFE2"] if emergency else []),
    )


def _step_down(start_ml: float, on: date, first_day: int) -> list[StepDown]:
    steps: list[StepDown] = []
    amount = round(start_ml)
    day = 0
    while amount > 0 and len(steps) < MAX_STEPS:
        steps.append(StepDown(day=first_day + day, starts_on=on + timedelta(days=day), daily_ml=amount))
        amount = max(0, amount - STEP_ML)
        day += STEP_DAYS
    if amount == 0 and len(steps) < MAX_STEPS:
        steps.append(StepDown(day=first_day + day, starts_on=on + timedelta(days=day), daily_ml=0))
    return steps


def _range(low_per_kg: int, high_per_kg: int, kg: float) -> tuple[int, int]:
    """A daily range in mL, each end rounded to 10 mL and capped at the daily cap."""
    low = min(DAILY_CAP_ML, round(low_per_kg * kg / 10) * 10)
    high = min(DAILY_CAP_ML, round(high_per_kg * kg / 10) * 10)
    return low, high


def feeding_plan(
    intake: Intake, baby: Baby, step_down_allowed: bool, red_flags: list[str], *, language: str = "en"
) -> FeedingPlan:
    """The daily supplement estimate (a range) and per-feed amounts for one baby, and the step-down schedule.

    Neither is computed while a guard holds (the baby's own: age, birth and current weight, gain, milk not yet
    documented; or a red flag that holds amounts): then the amounts are set with the baby's doctor. A step-down
    also needs the family to have asked for one, and a supplement to reduce; at a follow-up its days are counted
    from the start of care, not from zero. The texts are in ``language``.

    Long on purpose: each guard and each amount is one branch, in the order the evidence gives them.
    """
    say = words(language)
    notes: list[str] = []
    feeds = baby.feeding.feeds_per_24h or DEFAULT_FEEDS
    held: list[str] = [*baby.amount_guards, *(["red_flag"] if red_flags else [])]
    weight = baby.current_weight_g
    low = high = None
    if baby.age_months >= 12:
        basis = say("schedule.basis_over_one")
    elif held or weight is None:
        basis = say("schedule.basis_doctor", baby=baby.name)
    else:
        per_kg = PER_KG_UNDER_6_MONTHS if baby.age_months < 6 else PER_KG_6_TO_12_MONTHS
        low, high = _range(*per_kg, weight / 1000)
        basis = say("schedule.per_kg", low=per_kg[0], high=per_kg[1], cap=DAILY_CAP_ML)
        notes.append(say("schedule.breast_counts"))
        notes.append(say("schedule.weight_guides"))
        current_now = baby.feeding.supplement_ml_per_24h
        if current_now is not None and current_now > high:
            notes.append(say("schedule.takes_more", baby=baby.name))
    if weight is not None and baby.weight_age_days is not None and baby.weight_age_days > STALE_WEIGHT_DAYS:
        notes.append(say("schedule.old_weight", days=baby.weight_age_days))
    current = baby.feeding.supplement_ml_per_24h
    steps: list[StepDown] = []
    withheld: str | None = None
    if current is None or current <= 0:
        withheld = say("schedule.withheld_nothing")
    elif held:
        withheld = say("schedule.withheld_doctor", baby=baby.name)
    elif intake.goals.reduce_supplement != "yes":
        withheld = say("schedule.withheld_not_asked") if intake.goals.reduce_supplement != "no" else None
    elif step_down_allowed:
        first_day = (intake.consult.date - intake.course_start).days
        steps = _step_down(current, intake.consult.date, first_day)
    else:
        withheld = say("schedule.withheld_not_planned")
    return FeedingPlan(
        baby=baby.name,
        weight_g=weight,
        current_supplement_ml=current,
        need_ml_low=low,
        need_ml_high=high,
        per_feed_ml_low=None if low is None else round(low / feeds / 5) * 5,
        per_feed_ml_high=None if high is None else round(high / feeds / 5) * 5,
        feeds_per_24h=feeds,
        basis=basis,
        notes=notes,
        amounts_held=held,
        step_down=steps,
        step_down_withheld=None if steps else withheld,
        sources=FEEDING_SOURCES + (STEP_DOWN_SOURCES if steps else []),
    )


def _milk_so_far(lactation: Lactation, latest: float, say: Words) -> str:
    """The "your milk so far" milestone: what the follow-ups recorded, never a forecast. A rise is named with its
    numbers; no rise is said plainly, with the consultant as the next step (no cause is guessed)."""
    first = lactation.first_expressed
    rising = lactation.supply_rising
    if first is not None and rising:
        return say("schedule.milk_rising", first=first[1], latest=latest)
    if first is not None and rising is False:
        return say("schedule.milk_not_rising", latest=latest)
    return say("schedule.milk_latest", latest=latest)


def timeline(intake: Intake, *, language: str = "en") -> list[Milestone]:
    """What to expect and roughly when, counted from the start of care (the first visit), so a follow-up
    continues the same timeline (GUCLU25, CUREUS24, ARMY16, BANA03). Once milk is documented, the "first milk"
    expectation gives way to what was recorded. The labels and texts are in ``language``.

    Long on purpose: each milestone is one block, in the order a parent meets them.
    """
    say = words(language)
    start = intake.course_start
    on = intake.consult.date
    lactation = intake.lactation
    follow_up = start < on
    milestones = [
        Milestone(
            label=say("schedule.start"),
            from_date=start,
            to_date=None,
            text=say("schedule.start_follow_up" if follow_up else "schedule.start_first_visit"),
            sources=["LLL-RL", "ABM9"],
        )
    ]
    latest = lactation.latest_expressed_ml_per_24h
    if latest is not None and latest > 0:
        milestones.append(
            Milestone(
                label=say("schedule.milk_so_far"),
                from_date=None,
                to_date=on,
                text=_milk_so_far(lactation, latest, say),
                sources=["LLL-RL"],
            )
        )
    else:
        some = lactation.current_output in ("drops", "some")
        first = say("schedule.first_milk_some" if some else "schedule.first_milk_expected")
        milestones.append(
            Milestone(
                label=say("schedule.first_milk"),
                from_date=start + timedelta(days=6),
                to_date=start + timedelta(days=14),
                text=first,
                sources=["GUCLU25", "CUREUS24"],
            )
        )
    milestones.append(
        Milestone(
            label=say("schedule.growing_supply"),
            from_date=start + timedelta(days=5),
            to_date=start + timedelta(days=28),
            text=say("schedule.growing_supply_text"),
            sources=["ARMY16", "BANA03", "AUER80"],
        )
    )
    return milestones
