"""Safe at the edges: properties every plan keeps, for any valid intake.

The checks are plain functions (``check_*``) so that tests/rules/test_safety_edges.py runs the same ones on its table of
unusual families. What they check, in the issue's terms:

1. Amounts: no daily estimate and no step-down for a baby while an amount guard holds (the baby's own, or an urgent
   entry or referral marked ``holds_amounts`` that fired for the baby); the referral ``amounts-set-with-doctor``
   for a guarded baby under 12 months; an estimate is a range of at most 900 mL; a step-down only when asked for,
   with a supplement to reduce, and counted from the first visit.
2. Every red-flag value recorded reaches an urgent item or a referral that reads the field; a fever under 90 days
   is urgent now. The red-flag values come from the models' field metadata, never from a list kept here.
3. Every medicine taken now is recognised or named; medicines of concern, stopped thyroid medicines and
   QT-prolonging medicines (with a prescription discussion) are named where the parent will read them.
5. Nothing excluded is also an item; an urgent item or referral is never "left out"; every exclusion says why.
6-8. Schedules fit the goal, the child's age and the setting; breast inflammation and a recorded milk volume
   change what is offered.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from careplan.intake import Baby, Health, Intake
from careplan.intake.low_supply import FeedingFacts, ParentFacts
from careplan.plan import ConditionTrace, Plan, PlanItem
from careplan.plantypes import available
from careplan.rules.engine import _evaluate, build_plan
from careplan.rules.library import Library, load_library
from tests.conftest import make_intake
from tests.helpers.strategies import intakes

pytestmark = pytest.mark.slow  # slow: builds plans for hundreds of generated intakes

#: Every plan type's library: the properties hold for each.
LIBRARIES = {name: load_library(plan_type=name) for name in available()}
PLAN_TYPES = sorted(LIBRARIES)


def library_of(intake: Intake) -> Library:
    return LIBRARIES[intake.plan_type]


#: Where a model's values are found in an intake (for make_intake) and in a trace.
ROOTS: dict[type[BaseModel], tuple[str, str]] = {
    Baby: ("babies.0.", "baby."),
    Health: ("health.", "health."),
    FeedingFacts: ("low_supply.feeding.", "low_supply.feeding."),
    ParentFacts: ("low_supply.parent.", "low_supply.parent."),
}
#: The models only a low-supply intake fills in.
LOW_SUPPLY_MODELS = (FeedingFacts, ParentFacts)


def family_part(intake: Intake, model: type[BaseModel]) -> BaseModel:
    """The part of the intake a family-level model's values are in."""
    if model is Health:
        return intake.health
    return intake.low_supply.feeding if model is FeedingFacts else intake.low_supply.parent

#: The fields the issue names as carrying red flags; the metadata may add more, never fewer.
RED_FLAG_FIELDS = {
    (Baby, "concerns"),
    (Baby, "dehydration_signs"),
    (Baby, "stool_colour"),
    (Baby, "jaundice"),
    (Baby, "fever"),
    (Baby, "vomiting"),
    (Health, "breast_problems"),
    (Health, "fever"),
}

#: Computed properties that read a red-flag field (trace keys that count as reading it, beyond the field itself).
#: A concern of jaundice and the jaundice answer both feed Baby.has_jaundice and the jaundice day counts.
_JAUNDICE_READS = ("has_jaundice", "jaundice_from_day", "jaundice_days")
DERIVED_READS: dict[tuple[type[BaseModel], str], tuple[str, ...]] = {
    (Baby, "concerns"): _JAUNDICE_READS,
    (Baby, "jaundice"): _JAUNDICE_READS,
    (Baby, "fever"): ("has_fever",),
    (Health, "breast_problems"): ("breast_problem_list",),
    (Baby, "dehydration_signs"): ("dehydration_sign_list",),
}

#: Entries that need equipment, left out in an emergency setting (IFE2).
EQUIPMENT_ENTRIES = {"double-pumping", "warmth-and-massage", "power-pumping", "pump-comfort-fit",
                     "double-pump-both-sides", "pump-flange-fit"}  # the last two: low supply's
#: Entries that an inflamed breast or a parent's fever rules out (ABM36; low supply's L17 pauses more).
INFLAMMATION_EXCLUDES = {"warmth-and-massage", "power-pumping", "hands-on-pumping", "express-after-feeds",
                         "double-pump-both-sides", "caution-few-pumping-sessions"}
DAILY_CAP_ML = 900


# ----------------------------------------------------------------------------------------------------------------
# Field metadata
# ----------------------------------------------------------------------------------------------------------------


def literal_values(annotation: Any) -> list[str]:
    """The values of a Literal field, unwrapping ``list[...]`` and ``| None``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    if origin is list:
        return literal_values(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        assert len(inner) == 1, f"not a simple optional: {annotation}"
        return literal_values(inner[0])
    raise AssertionError(f"not a Literal field: {annotation}")


def red_flag_metadata(model: type[BaseModel], field: str) -> tuple[list[str], list[str]] | None:
    extra = model.model_fields[field].json_schema_extra
    if not isinstance(extra, dict) or "x-red-flags" not in extra:
        return None
    flags, others = extra["x-red-flags"], extra.get("x-not-red-flags", [])
    assert isinstance(flags, list) and isinstance(others, list)
    return [str(v) for v in flags], [str(v) for v in others]


def red_flag_fields() -> list[tuple[type[BaseModel], str]]:
    """Every (model, field) whose metadata names red flags."""
    return [(model, name) for model in ROOTS for name in model.model_fields if red_flag_metadata(model, name)]


def red_flag_values() -> list[tuple[type[BaseModel], str, str]]:
    """Every (model, field, value) the metadata calls a red flag."""
    found = []
    for model, field in red_flag_fields():
        meta = red_flag_metadata(model, field)
        assert meta is not None
        found += [(model, field, value) for value in meta[0]]
    return found


def is_list_field(model: type[BaseModel], field: str) -> bool:
    annotation = model.model_fields[field].annotation
    inner = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    return any(typing.get_origin(a) is list for a in [annotation, *inner])


def recorded(model_obj: BaseModel, field: str) -> list[str]:
    """The values a field holds (a list field's items, or the single value)."""
    value = getattr(model_obj, field)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def is_red_flag_here(baby: Baby | None, field: str, value: str) -> bool:
    """Black meconium is a red flag from 5 days old; every other listed value always is."""
    return not (field == "stool_colour" and value == "black_meconium" and baby is not None and baby.age_days < 5)


# ----------------------------------------------------------------------------------------------------------------
# Helpers on plans
# ----------------------------------------------------------------------------------------------------------------


def items_for(plan: Plan, name: str, ids: set[str] | None = None) -> list[PlanItem]:
    """Items about this baby (naming the baby, or about the whole family)."""
    return [i for i in plan.items() if (not i.babies or name in i.babies) and (ids is None or i.id in ids)]


def holds_amounts(item: PlanItem, library: Library) -> bool:
    return item.kind in ("urgent", "referral") and library.rules[item.id].entry.holds_amounts


def item_text(plan: Plan, item_id: str) -> str:
    """The parent-facing words of an item (all its copies), or '' when it is not in the plan."""
    return " ".join(f"{i.title} {i.text} {i.because or ''}" for i in plan.items() if i.id == item_id)


def trace_reads(trace: ConditionTrace, model: type[BaseModel], field: str, value: str) -> bool:
    """The condition read this field (or a computed property made from it), and, when the condition names some of
    the field's values, it names this one."""
    prefix = ROOTS[model][1]
    names = (field, *DERIVED_READS.get((model, field), ()))
    keys = [k for k in trace.values if k.startswith(prefix) and k[len(prefix) :] in names]
    if not keys:
        return False
    choices = set(literal_values(model.model_fields[field].annotation))
    named = {v for v in re.findall(r"'([^']*)'", trace.expression) if v in choices}
    return not named or value in named


def reaches_urgent_or_referral(plan: Plan, baby: Baby | None, model: type[BaseModel], field: str, value: str) -> bool:
    candidates = items_for(plan, baby.name) if baby is not None else plan.items()
    return any(
        item.kind in ("urgent", "referral") and any(trace_reads(t, model, field, value) for t in item.trace)
        for item in candidates
    )


# ----------------------------------------------------------------------------------------------------------------
# The checks (shared with tests/rules/test_safety_edges.py)
# ----------------------------------------------------------------------------------------------------------------


def feeding_shown(intake: Intake, plan: Plan, baby: Baby) -> bool:
    """A relactation plan has every baby's milk amounts; a low-supply plan only a baby who gets or needs extra milk
    (its supplement-when-needed entry is in the plan for that baby)."""
    if intake.plan_type == "relactation":
        return True
    return bool(items_for(plan, baby.name, {"supplement-when-needed"}))


def check_amounts(intake: Intake, plan: Plan) -> None:
    """1: guards withhold amounts and the step-down; estimates are ranges; step-downs only when safe and asked."""
    fed = [b for b in intake.babies if feeding_shown(intake, plan, b)]
    assert [f.baby for f in plan.feeding] == [b.name for b in fed]
    start = intake.course_start
    for baby, feeding in zip(fed, plan.feeding, strict=True):
        who = f"{baby.name!r} (guards {baby.amount_guards})"
        held_by_item = [i.id for i in items_for(plan, baby.name) if holds_amounts(i, library_of(intake))]
        estimate = (feeding.need_ml_low, feeding.need_ml_high, feeding.per_feed_ml_low, feeding.per_feed_ml_high)
        if baby.amount_guards or held_by_item:
            assert estimate == (None, None, None, None), f"{who}: an estimate while amounts are held {held_by_item}"
            assert feeding.step_down == [], f"{who}: a step-down while amounts are held {held_by_item}"
            assert feeding.amounts_held, f"{who}: amounts held but amounts_held is empty"
        if baby.amount_guards and baby.age_months < 12:
            set_with_doctor = items_for(plan, baby.name, {"amounts-set-with-doctor"})
            assert any(baby.name in i.babies for i in set_with_doctor), f"{who}: no amounts-set-with-doctor"
        if feeding.need_ml_low is not None or feeding.need_ml_high is not None:
            assert None not in estimate, f"{who}: half an estimate {estimate}"
            low, high = feeding.need_ml_low, feeding.need_ml_high
            assert low is not None and high is not None
            assert 0 < low <= high <= DAILY_CAP_ML, f"{who}: estimate {low}-{high} mL"
            assert low < high or low == high == DAILY_CAP_ML, f"{who}: an estimate is a range, not {low}-{high}"
            assert not feeding.amounts_held, f"{who}: an estimate although {feeding.amounts_held} held"
            assert baby.age_months < 12, f"{who}: an estimate after the first birthday"
        if feeding.step_down:
            supplement = baby.feeding.supplement_ml_per_24h or 0
            assert intake.goals.reduce_supplement == "yes", f"{who}: a step-down the family did not ask for"
            assert supplement > 0, f"{who}: a step-down with no supplement"
            assert not baby.amount_guards and not feeding.amounts_held and not held_by_item, who
            assert "supplement-step-down" not in {
                e.id for e in plan.exclusions if not e.babies or baby.name in e.babies
            }
            first = feeding.step_down[0]
            assert first.day == (intake.consult.date - start).days, f"{who}: step days not counted from {start}"
            assert first.starts_on == intake.consult.date
            amounts = [s.daily_ml for s in feeding.step_down]
            assert amounts[0] <= supplement + 0.5 and amounts == sorted(amounts, reverse=True), amounts


def check_red_flags(intake: Intake, plan: Plan) -> None:
    """2: every red-flag value recorded reaches an urgent item or a referral reading it; fever under 90 days is
    urgent now."""
    missed = []
    for model, field, value in red_flag_values():
        if model in LOW_SUPPLY_MODELS and intake.plan_type != "low-supply":
            continue
        if model is not Baby:
            if value in recorded(family_part(intake, model), field) and not reaches_urgent_or_referral(
                plan, None, model, field, value
            ):
                missed.append(f"{ROOTS[model][0]}{field}={value}")
            continue
        for baby in intake.babies:
            here = value in recorded(baby, field) and is_red_flag_here(baby, field, value)
            if here and not reaches_urgent_or_referral(plan, baby, model, field, value):
                missed.append(f"{baby.name!r} ({baby.age_days} days): {field}={value}")
    assert not missed, f"red flags recorded but not used: {missed}"
    for baby in intake.babies:
        if baby.has_fever and baby.age_days < 90:
            now = [i for i in items_for(plan, baby.name) if i.kind == "urgent" and i.urgency == "now"]
            assert any(trace_reads(t, Baby, "fever", "yes") for i in now for t in i.trace), (
                f"{baby.name!r}: fever at {baby.age_days} days is not urgent now"
            )


#: Each plan type's thyroid referral (a varied entry: relactation R20, low supply L14).
THYROID_REFERRAL = {"relactation": "refer-thyroid", "low-supply": "refer-thyroid-check"}


def check_medicines(intake: Intake, plan: Plan) -> None:
    """3: no medicine taken now is passed over; the ones that need a prescriber are named."""
    unknown = item_text(plan, "check-unrecognised-medicines")
    for medicine in intake.health.current_medications:
        assert medicine.recognised or medicine.name in unknown, f"{medicine.name!r} is neither recognised nor named"
    concern = item_text(plan, "refer-medicine-of-concern")
    for name in intake.health.medicines_of_concern:
        assert name in concern, f"{name!r} (of concern) is not named in refer-medicine-of-concern"
    thyroid_id = THYROID_REFERRAL[intake.plan_type]
    thyroid = item_text(plan, thyroid_id)
    for name in intake.health.stopped_thyroid_medicines:
        assert name in thyroid, f"stopped {name!r} is not named in {thyroid_id}"
    if intake.goals.prescription_discussion == "yes":
        heart = item_text(plan, "caution-domperidone-heart-liver")
        for medicine in intake.health.current_medications:
            if "qt_prolonging" in medicine.recognised_classes:
                assert medicine.name in heart, f"{medicine.name!r} (QT) is not named in the domperidone caution"


def check_exclusions(intake: Intake, plan: Plan) -> None:
    """5 and (d), (e): exclusions are strategies, cautions or expectations, each with a reason, never also items."""
    per_baby = {(i.id, name) for i in plan.items() for name in i.babies}
    for_everyone = {i.id for i in plan.items() if not i.babies}
    for exclusion in plan.exclusions:
        kind = library_of(intake).rules[exclusion.id].entry.kind
        assert kind not in ("urgent", "referral"), f"{exclusion.id} ({kind}) is listed as left out"
        assert exclusion.reason.strip(), f"{exclusion.id} is left out with no reason"
        assert exclusion.id not in for_everyone, f"{exclusion.id} is excluded and also recommended"
        if exclusion.babies:
            for name in exclusion.babies:
                assert (exclusion.id, name) not in per_baby, f"{exclusion.id} excluded and recommended for {name!r}"
        else:
            assert exclusion.id not in plan.item_ids(), f"{exclusion.id} is excluded and also recommended"
        # Only what matters to this family is listed: an entry that would have been in this plan, not one whose
        # own conditions did not hold (a herb's caution for a condition the parent does not have is not news).
        rule = library_of(intake).rules[exclusion.id]
        babies = [b for b in intake.babies if b.name in exclusion.babies] or intake.babies
        assert any(_evaluate(rule, intake, baby, library_of(intake).parameters) is not None for baby in babies), (
            f"{exclusion.id} is listed as left out, but it would not have been in this family's plan"
        )


def check_schedule(intake: Intake, plan: Plan) -> None:
    """6: comfort nursing has no timetable; an older child's night session follows the child; an emergency uses
    no equipment."""
    schedule = plan.schedule
    if intake.consult.setting == "emergency":
        assert not plan.item_ids() & EQUIPMENT_ENTRIES, plan.item_ids() & EQUIPMENT_ENTRIES
    if intake.plan_type == "low-supply" and schedule is None:
        assert not {"pump-often-pump-dependent", "express-after-feeds"} & plan.item_ids()
        return  # a low-supply plan times milk removal only for pumping (L25) or expressing after feeds (L24)
    assert schedule is not None, "a relactation plan has a milk-removal schedule"
    if intake.goals.goal == "comfort_nursing":
        assert schedule.kind == "comfort" and schedule.sessions == []
    else:
        assert schedule.kind == "timed" and len(schedule.sessions) >= 8
    night = [s for s in schedule.sessions if s.night]
    if all(b.age_months >= 6 for b in intake.babies):
        for session in night:
            assert "when your child wakes" in session.what, session.what
            assert "pump" not in session.what.lower(), session.what
    if intake.consult.setting == "emergency":
        assert not plan.item_ids() & EQUIPMENT_ENTRIES, plan.item_ids() & EQUIPMENT_ENTRIES
        for session in schedule.sessions:
            assert "pump" not in session.what.lower(), session.what


def check_breast_and_follow_up(intake: Intake, plan: Plan) -> None:
    """7 and 8: breast inflammation or a parent's fever; a recorded milk volume; the timeline's start."""
    health = intake.health
    inflamed = {"mastitis", "breast_abscess", "red_hot_painful_area"} & set(health.breast_problem_list)
    if inflamed or health.fever == "yes":
        assert "refer-breast-inflammation" in plan.item_ids()
        assert not plan.item_ids() & INFLAMMATION_EXCLUDES, plan.item_ids() & INFLAMMATION_EXCLUDES
    if intake.plan_type != "relactation":
        return  # the timeline and its first-milk expectations are relactation's
    assert plan.timeline[0].from_date == intake.course_start
    if (intake.lactation.latest_expressed_ml_per_24h or 0) > 0:
        assert "expect-timeline" not in plan.item_ids()
        assert "expect-supply-growing" in plan.item_ids()
        assert "First milk" not in [m.label for m in plan.timeline]


def check_plan_is_safe(intake: Intake, plan: Plan) -> None:
    """Every check above."""
    check_amounts(intake, plan)
    check_red_flags(intake, plan)
    check_medicines(intake, plan)
    check_exclusions(intake, plan)
    check_schedule(intake, plan)
    check_breast_and_follow_up(intake, plan)


def expected_guards(intake: Intake, baby: Baby) -> set[str]:
    """The amount guards worked out from the issue's definitions, independently of Baby.amount_guards."""
    on = intake.consult.date
    age = (on - baby.birth_date).days
    guards = set()
    if age < 14:
        guards.add("under_14_days")
    if (
        baby.birth_weight_g is not None
        and baby.current_weight_g is not None
        and baby.current_weight_g < baby.birth_weight_g
    ):
        guards.add("below_birth_weight")
    if baby.gestational_age_weeks is None:
        guards.add("gestation_unknown")
    elif baby.gestational_age_weeks < 37:
        guards.add("preterm")
    if baby.birth_weight_g is None:
        guards.add("birth_weight_unknown")
    elif baby.birth_weight_g < 2500:
        guards.add("low_birth_weight")
    if baby.current_weight_g is None:
        guards.add("weight_unknown")
    elif baby.current_weight_g < 2500:
        guards.add("weight_under_2500_g")
    gain: float | None = None
    if baby.current_weight_g is not None and baby.weighed_on is not None:
        weighed = baby.weighed_on
        number = next(i for i, b in enumerate(intake.babies, start=1) if b is baby)
        # Earlier weighings: the baby's earlier weights and the weights recorded at follow-ups (issue 14).
        weighings = [(w.date, w.grams) for w in baby.earlier_weights]
        weighings += [(p.date, p.baby_weight_g) for p in intake.progress
                      if p.baby == number and p.baby_weight_g is not None]
        apart = [w for w in weighings if (weighed - w[0]).days >= 5]
        if apart:
            ref_date, ref_grams = max(apart, key=lambda w: w[0])
            gain = (baby.current_weight_g - ref_grams) / (weighed - ref_date).days
        elif baby.birth_weight_g is not None and (weighed - baby.birth_date).days >= 14:
            gain = (baby.current_weight_g - baby.birth_weight_g) / (weighed - baby.birth_date).days
    if gain is None:
        guards.add("gain_unknown")
    elif round(gain, 1) <= 0 or (age / 7 < 16 and round(gain, 1) < 20):
        guards.add("gain_low")
    # Milk is documented when more than drops come out now, or when the latest follow-up that recorded an expressed
    # volume recorded more than none (a volume that fell to 0 at the last check does not count as milk).
    volumes = [p for p in sorted(intake.progress, key=lambda p: p.date) if p.expressed_ml_per_24h is not None]
    latest = volumes[-1].expressed_ml_per_24h if volumes else None
    # A low-supply intake also documents milk when it came in, or when a day's pumping was measured (schema 1.1).
    block = intake.low_supply
    low_supply_milk = block.milk_came_in.status == "yes" or (block.pumping.ml_24h or 0) > 0
    if intake.lactation.current_output != "some" and not (latest or 0) > 0 and not low_supply_milk:
        guards.add("no_milk_yet")
    return guards


# ----------------------------------------------------------------------------------------------------------------
# The metadata itself
# ----------------------------------------------------------------------------------------------------------------


def test_red_flag_metadata_covers_every_value_of_every_field() -> None:
    fields = red_flag_fields()
    assert set(fields) >= RED_FLAG_FIELDS, f"fields without red-flag metadata: {RED_FLAG_FIELDS - set(fields)}"
    for model, field in fields:
        meta = red_flag_metadata(model, field)
        assert meta is not None
        flags, others = meta
        values = literal_values(model.model_fields[field].annotation)
        where = f"{model.__name__}.{field}"
        assert not set(flags) & set(others), f"{where}: values both red flags and not: {set(flags) & set(others)}"
        assert set(flags) | set(others) == set(values), f"{where}: undecided {set(values) - set(flags) - set(others)}"
        assert len(flags) == len(set(flags)) and len(others) == len(set(others)), where
        assert flags, f"{where}: metadata with no red flag"


RED_FLAG_CASES = [
    pytest.param(plan_type, model, field, value, id=f"{plan_type}-{model.__name__}.{field}={value}")
    for plan_type in PLAN_TYPES
    for model, field, value in red_flag_values()
    if plan_type == "low-supply" or model not in LOW_SUPPLY_MODELS
]


@pytest.mark.parametrize(("plan_type", "model", "field", "value"), RED_FLAG_CASES)
def test_each_red_flag_on_a_well_intake_reaches_an_urgent_item_or_referral(
    plan_type: str, model: type[BaseModel], field: str, value: str
) -> None:
    path = ROOTS[model][0] + field
    intake = make_intake(plan_type=plan_type, **{path: [value] if is_list_field(model, field) else value})
    plan = build_plan(intake, library_of(intake))
    baby = intake.babies[0] if model is Baby else None
    assert baby is None or is_red_flag_here(baby, field, value)
    read = [(i.id, [list(t.values) for t in i.trace]) for i in plan.items() if i.kind in ("urgent", "referral")]
    assert reaches_urgent_or_referral(plan, baby, model, field, value), (
        f"{path}={value}: no urgent item or referral reads it; urgent items and referrals read {read}"
    )
    check_plan_is_safe(intake, plan)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"babies.0.fever": "yes"}, id="fever-answered-yes"),
        pytest.param({"babies.0.temperature_c": 38.0}, id="temperature-38.0"),
        pytest.param({"babies.0.fever": "no", "babies.0.temperature_c": 39.1}, id="answered-no-but-39.1"),
    ],
)
@pytest.mark.parametrize("plan_type", PLAN_TYPES)
def test_fever_under_90_days_is_urgent_now(plan_type: str, changes: dict[str, Any]) -> None:
    intake = make_intake(plan_type=plan_type, **changes)
    assert intake.babies[0].age_days < 90
    plan = build_plan(intake, library_of(intake))
    assert any(i.kind == "urgent" and i.urgency == "now" for i in plan.items())
    check_plan_is_safe(intake, plan)


def test_the_red_flag_list_is_not_empty_and_names_real_fields() -> None:
    values = red_flag_values()
    assert len(values) >= 14
    assert (Baby, "vomiting", "green") in values and (Health, "breast_problems", "mastitis") in values


# ----------------------------------------------------------------------------------------------------------------
# Properties over generated intakes
# ----------------------------------------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


#: Generated intakes of every plan type.
ANY_INTAKE = st.one_of(*(intakes(plan_type) for plan_type in PLAN_TYPES))


@PROPERTY_SETTINGS
@given(intake=ANY_INTAKE)
def test_a_guarded_baby_gets_no_estimate_and_no_step_down(intake: Intake) -> None:
    plan = build_plan(intake, library_of(intake))
    for baby in intake.babies:
        assert set(baby.amount_guards) == expected_guards(intake, baby), baby.name
    check_amounts(intake, plan)


@PROPERTY_SETTINGS
@given(intake=ANY_INTAKE)
def test_every_recorded_red_flag_reaches_an_urgent_item_or_referral(intake: Intake) -> None:
    check_red_flags(intake, build_plan(intake, library_of(intake)))


@PROPERTY_SETTINGS
@given(intake=ANY_INTAKE)
def test_every_medicine_taken_is_recognised_or_named(intake: Intake) -> None:
    check_medicines(intake, build_plan(intake, library_of(intake)))


@PROPERTY_SETTINGS
@given(intake=ANY_INTAKE)
def test_nothing_excluded_is_recommended_and_no_referral_is_left_out(intake: Intake) -> None:
    check_exclusions(intake, build_plan(intake, library_of(intake)))


@PROPERTY_SETTINGS
@given(intake=ANY_INTAKE)
def test_schedules_breasts_and_follow_ups(intake: Intake) -> None:
    plan = build_plan(intake, library_of(intake))
    check_schedule(intake, plan)
    check_breast_and_follow_up(intake, plan)


def test_guard_oracle_agrees_on_the_base_intake() -> None:
    intake = make_intake()
    assert expected_guards(intake, intake.babies[0]) == set() == set(intake.babies[0].amount_guards)
    assert intake.consult.date == date(2026, 5, 1)
