"""Safe at the edges: unusual but realistic families, one row each.

Every family is the base intake (tests/conftest.BASE_INTAKE: a well, term, 6-week-old baby, consult on 1 May 2026)
with a few changes given as dotted paths. Each row is checked twice: against every safety property of
tests/rules/test_safety_properties.py (amounts, red flags, medicines, exclusions, schedules, breasts, follow-ups), and
against what this family in particular must or must not get. The expectations are about safety (no estimate, no
step-down, an urgent item, a referral, a name that must appear), never about wording.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from careplan.intake import Intake
from careplan.plan import Plan
from careplan.rules.engine import build_plan
from tests.conftest import BASE_INTAKE, make_intake, schedule_of
from tests.rules.test_safety_properties import (
    EQUIPMENT_ENTRIES,
    INFLAMMATION_EXCLUDES,
    check_plan_is_safe,
    item_text,
    library_of,
)

B = "babies.0."
SKY = "Sky"
RIVER = "River"


def weighed(grams: int, on: str = "2026-04-30", *earlier: tuple[str, int]) -> dict[str, Any]:
    """A current weight with its date, and earlier weights as (date, grams)."""
    return {
        B + "current_weight_g": grams,
        B + "weighed_on": on,
        B + "earlier_weights": [{"date": d, "grams": g} for d, g in earlier],
    }


def unweighed() -> dict[str, Any]:
    return {B + "current_weight_g": None, B + "weighed_on": None, B + "earlier_weights": []}


def baby(**fields: Any) -> dict[str, Any]:
    """The base baby with some fields changed."""
    base: dict[str, Any] = copy.deepcopy(BASE_INTAKE["babies"][0])
    return base | fields


NO_MILK_YET = {
    "lactation": {
        "ever_lactated": "no",
        "breastfed_this_baby": "no",
        "full_supply_before": "no",
        "current_output": "none",
    }
}


def stopped_on(day: str) -> dict[str, Any]:
    """Breastfeeding stopped on this day, after less than a week (for a baby born after the base's last feed)."""
    return {"lactation.last_milk_removal": day, "lactation.duration_weeks": 0}


FOLLOW_UP = {"consult.visit": "follow_up", "consult.first_visit": "2026-04-10"}


@dataclass(frozen=True)
class Expect:
    """What one family must get, beyond the properties every plan keeps."""

    held: set[str] = field(default_factory=set)  # babies with no daily estimate and no step-down
    estimate: dict[str, bool] = field(default_factory=dict)  # baby -> a daily estimate is shown
    step_down: dict[str, bool] = field(default_factory=dict)  # baby -> a step-down is planned
    guards: dict[str, set[str]] = field(default_factory=dict)  # baby -> guards that must hold (others may too)
    present: set[str] = field(default_factory=set)  # plan items
    absent: set[str] = field(default_factory=set)  # not plan items
    excluded: set[str] = field(default_factory=set)  # in the list of what was left out
    only_for: dict[str, set[str]] = field(default_factory=dict)  # item -> exactly the babies it names
    named: list[tuple[str, set[str]]] = field(default_factory=list)  # a name, and the items one of which names it
    urgent_now: bool = False  # an urgent item of urgency "now"
    referral_today: set[str] = field(default_factory=set)  # referrals of urgency "today"
    schedule: str | None = None  # "comfort" or "timed"
    first_step_day: int | None = None  # day number of the first step of Sky's step-down
    timeline_starts: date | None = None


def family(name: str, changes: dict[str, Any], expect: Expect) -> Any:
    return pytest.param(changes, expect, id=name)


FAMILIES = [
    # --- Size, age and what is not known -------------------------------------------------------------------------
    family(
        "900-g-baby-gestation-unknown",
        {
            B + "birth_date": "2026-04-01",
            B + "gestational_age_weeks": None,
            B + "birth_weight_g": 750,
            B + "feeding": {
                "milk": ["donor_milk"],
                "supplement_ml_per_24h": 140,
                "feeds_per_24h": 10,
                "methods": ["tube"],
            },
            **weighed(900, "2026-04-30", ("2026-04-20", 840)),
        },
        Expect(
            held={SKY},
            guards={SKY: {"gestation_unknown", "low_birth_weight", "weight_under_2500_g", "gain_low"}},
            present={"amounts-set-with-doctor"},
        ),
    ),
    family(
        "6-week-old-2000-g-birth-weight-unknown",
        {B + "birth_weight_g": None, B + "gestational_age_weeks": 38, **weighed(2000)},
        Expect(
            held={SKY},
            guards={SKY: {"birth_weight_unknown", "weight_under_2500_g", "gain_unknown"}},
            present={"amounts-set-with-doctor"},
        ),
    ),
    family(
        "3-day-old",
        {
            B + "birth_date": "2026-04-28",
            **stopped_on("2026-04-29"),
            B + "birth_weight_g": 3300,
            B + "wet_diapers_24h": 3,
            B + "dirty_diapers_24h": 2,
            **weighed(3150),
        },
        Expect(
            held={SKY},
            guards={SKY: {"under_14_days", "below_birth_weight", "gain_unknown"}},
            present={"amounts-set-with-doctor"},
        ),
    ),
    family(
        "unknowns-everywhere",
        {
            "consult": {"date": "2026-05-01"},
            "parent": {"name": "Robin Example"},
            "babies": [{"name": SKY, "birth_date": "2026-03-20"}],
            "lactation": {},
            "health": {},
            "situation": {},
            "goals": {},
            "consent": {},
        },
        Expect(
            held={SKY},
            guards={
                SKY: {"gestation_unknown", "birth_weight_unknown", "weight_unknown", "gain_unknown", "no_milk_yet"}
            },
            present={"amounts-set-with-doctor"},
        ),
    ),
    family(
        "14-month-old",
        {
            B + "birth_date": "2025-03-01",
            B + "feeding": {"milk": ["formula", "solids"], "supplement_ml_per_24h": 300, "methods": ["cup"]},
            **weighed(9500, "2026-04-30", ("2026-04-10", 9400)),
        },
        Expect(estimate={SKY: False}, guards={SKY: set()}, absent={"amounts-set-with-doctor"}),
    ),
    family(
        "twins-one-born-small",
        {
            "babies": [
                baby(gestational_age_weeks=37.5, birth_weight_g=3000),
                baby(name=RIVER, gestational_age_weeks=37.5, birth_weight_g=2200, current_weight_g=2450),
            ]
        },
        Expect(
            estimate={SKY: True, RIVER: False},
            step_down={SKY: True, RIVER: False},
            guards={SKY: set(), RIVER: {"low_birth_weight", "weight_under_2500_g", "gain_low"}},
            only_for={"amounts-set-with-doctor": {RIVER}},
        ),
    ),
    family(
        "twins-both-preterm-34-weeks",
        {
            "babies": [
                baby(gestational_age_weeks=34, birth_weight_g=2300),
                baby(name=RIVER, gestational_age_weeks=34, birth_weight_g=2100, current_weight_g=3100),
            ]
        },
        Expect(
            estimate={SKY: False, RIVER: False},
            step_down={SKY: False, RIVER: False},
            guards={SKY: {"preterm", "low_birth_weight"}, RIVER: {"preterm", "low_birth_weight"}},
            only_for={"amounts-set-with-doctor": {SKY, RIVER}},
        ),
    ),
    # --- Milk not there yet --------------------------------------------------------------------------------------
    family(
        "adoptive-parent-no-milk-yet-wants-to-reduce",
        {"parent.relationship": "adoptive_parent", **NO_MILK_YET, "goals.reduce_supplement": "yes"},
        Expect(held={SKY}, guards={SKY: {"no_milk_yet"}}, present={"amounts-set-with-doctor"}),
    ),
    family(
        "60-year-old-adoptive-grandparent",
        {
            "parent": {
                "name": "Ada Example",
                "relationship": "grandparent",
                "age_years": 60,
                "menopause": "postmenopause",
            },
            "lactation": {"ever_lactated": "yes", "breastfed_this_baby": "no", "current_output": "none"},
            B + "birth_date": "2026-02-15",
            **weighed(5200, "2026-04-30", ("2026-04-16", 4800)),
            B + "birth_weight_g": 3100,
        },
        Expect(held={SKY}, guards={SKY: {"no_milk_yet"}}, present={"amounts-set-with-doctor"}),
    ),
    family(
        "latest-check-expressed-nothing-after-earlier-milk",
        {
            **FOLLOW_UP,
            "lactation.current_output": "drops",
            "progress": [
                {"date": "2026-04-17", "expressed_ml_per_24h": 200},
                {"date": "2026-04-24", "expressed_ml_per_24h": 0},
            ],
        },
        Expect(held={SKY}, guards={SKY: {"no_milk_yet"}}, present={"amounts-set-with-doctor"}),
    ),
    # --- Red flags in the baby -----------------------------------------------------------------------------------
    family(
        "6-day-old-jaundice-and-dry-mouth",
        {
            B + "birth_date": "2026-04-25",
            **stopped_on("2026-04-27"),
            B + "birth_weight_g": 3300,
            B + "jaundice": "yes",
            B + "jaundice_since": "2026-04-27",
            B + "dehydration_signs": ["dry_mouth"],
            **weighed(3200),
        },
        Expect(held={SKY}, urgent_now=True, present={"urgent-jaundice-warning-signs", "urgent-dehydration"}),
    ),
    family(
        "jaundice-on-the-day-of-birth",
        {
            B + "birth_date": "2026-04-30",
            **stopped_on("2026-04-30"),
            B + "jaundice": "yes",
            B + "jaundice_since": "2026-04-30",
            B + "wet_diapers_24h": 1,
            B + "dirty_diapers_24h": 1,
            **unweighed(),
        },
        Expect(held={SKY}, urgent_now=True, present={"urgent-jaundice-first-day"}, absent={"refer-jaundice"}),
    ),
    family(
        "jaundice-concern-only-second-day",
        {
            B + "birth_date": "2026-04-29",
            **stopped_on("2026-04-30"),
            B + "concerns": ["jaundice"],
            B + "jaundice_since": "2026-04-30",
            B + "wet_diapers_24h": 2,
            B + "dirty_diapers_24h": 1,
            **unweighed(),
        },
        Expect(held={SKY}, urgent_now=True, present={"urgent-jaundice-first-day"}),
    ),
    family(
        "prolonged-jaundice-at-3-weeks-after-phototherapy",
        {
            B + "birth_date": "2026-04-10",
            **stopped_on("2026-04-20"),
            B + "jaundice": "yes",
            B + "jaundice_since": "2026-04-13",
            B + "jaundice_treatment": "phototherapy",
            **weighed(3700, "2026-04-30", ("2026-04-23", 3550)),
        },
        Expect(held={SKY}, present={"refer-jaundice"}, referral_today={"refer-jaundice"}),
    ),
    family(
        "fever-at-5-weeks",
        {B + "birth_date": "2026-03-27", B + "fever": "yes", B + "temperature_c": 38.4, B + "birth_weight_g": 3300},
        Expect(held={SKY}, urgent_now=True, present={"urgent-fever-young-baby"}, absent={"refer-fever-older-baby"}),
    ),
    family(
        "38.2-degrees-at-10-weeks-fever-not-answered",
        {
            B + "birth_date": "2026-02-19",
            B + "temperature_c": 38.2,
            **weighed(5400, "2026-04-30", ("2026-04-20", 5150)),
        },
        Expect(held={SKY}, urgent_now=True, present={"urgent-fever-young-baby"}),
    ),
    family(
        "fever-at-5-months",
        {
            B + "birth_date": "2025-12-01",
            B + "fever": "yes",
            **weighed(6500, "2026-04-30", ("2026-04-16", 6300)),
        },
        Expect(
            present={"refer-fever-older-baby"},
            absent={"urgent-fever-young-baby"},
            referral_today={"refer-fever-older-baby"},
        ),
    ),
    family(
        "green-vomit",
        {B + "vomiting": "green"},
        Expect(held={SKY}, urgent_now=True, present={"urgent-green-vomit"}),
    ),
    family(
        "formula-intolerance-with-forceful-vomiting",
        {B + "concerns": ["formula_intolerance"], B + "vomiting": "forceful"},
        Expect(held={SKY}, present={"refer-vomiting-or-intolerance"}, referral_today={"refer-vomiting-or-intolerance"}),
    ),
    family(
        "green-vomit-and-suspected-formula-intolerance",
        {B + "concerns": ["formula_intolerance"], B + "vomiting": "green"},
        Expect(held={SKY}, urgent_now=True, present={"urgent-green-vomit", "refer-vomiting-or-intolerance"}),
    ),
    family(
        "unnamed-twins-as-baby-a-and-b-one-green-vomit-one-forceful",
        {"babies": [baby(name="Baby A", vomiting="green"), baby(name="Baby B", vomiting="forceful")]},
        Expect(
            urgent_now=True,
            present={"urgent-green-vomit", "refer-vomiting-or-intolerance"},
            only_for={"urgent-green-vomit": {"Baby A"}, "refer-vomiting-or-intolerance": {"Baby B"}},
        ),
    ),
    family(
        "tongue-tie-not-latching",
        {B + "concerns": ["tongue_tie"], B + "latches": "no"},
        Expect(present={"refer-suck-assessment"}),
    ),
    family(
        "weak-suck-born-at-35-weeks",
        {B + "concerns": ["weak_suck"], B + "gestational_age_weeks": 35},
        Expect(held={SKY}, guards={SKY: {"preterm"}}, present={"refer-suck-assessment", "amounts-set-with-doctor"}),
    ),
    family(
        "black-meconium-on-day-6",
        {
            B + "birth_date": "2026-04-25",
            **stopped_on("2026-04-27"),
            B + "stool_colour": "black_meconium",
            B + "birth_weight_g": 3300,
            **weighed(3250),
        },
        Expect(held={SKY}, present={"refer-black-stools"}),
    ),
    family(
        "black-stools-at-3-months",
        {
            B + "birth_date": "2026-02-01",
            B + "stool_colour": "black_meconium",
            **weighed(5600, "2026-04-30", ("2026-04-20", 5350)),
        },
        Expect(held={SKY}, step_down={SKY: False}, present={"refer-black-stools"}),
    ),
    family(
        "pale-stools-at-4-months",
        {
            B + "birth_date": "2026-01-01",
            B + "stool_colour": "pale_or_white",
            **weighed(6200, "2026-04-30", ("2026-04-20", 6000)),
        },
        Expect(held={SKY}, present={"refer-pale-stools"}, referral_today={"refer-pale-stools"}),
    ),
    family(
        "sunken-fontanelle-at-5-months",
        {
            B + "birth_date": "2025-12-01",
            B + "dehydration_signs": ["sunken_fontanelle"],
            **weighed(6500, "2026-04-30", ("2026-04-16", 6300)),
        },
        Expect(held={SKY}, urgent_now=True, present={"urgent-dehydration"}),
    ),
    family(
        "follow-up-baby-losing-weight",
        {
            **FOLLOW_UP,
            **weighed(4300, "2026-04-30", ("2026-04-10", 4450)),
            "progress": [{"date": "2026-04-10", "baby": 1, "baby_weight_g": 4450, "supplement_ml_per_24h": 600}],
        },
        Expect(
            held={SKY},
            guards={SKY: {"gain_low"}},
            present={"refer-slow-weight-gain", "amounts-set-with-doctor"},
            timeline_starts=date(2026, 4, 10),
        ),
    ),
    # --- The parent's breasts ------------------------------------------------------------------------------------
    family(
        "mastitis-and-fever",
        {"health.breast_problems": ["mastitis"], "health.fever": "yes"},
        Expect(present={"refer-breast-inflammation"}, absent=INFLAMMATION_EXCLUDES),
    ),
    family(
        "breast-abscess-and-damaged-nipples",
        {"health.breast_problems": ["breast_abscess", "nipple_damage"]},
        Expect(present={"refer-breast-inflammation", "refer-nipple-damage"}, absent=INFLAMMATION_EXCLUDES),
    ),
    family(
        "parent-fever-only",
        {"health.fever": "yes", "goals.asked_about": ["power_pumping"]},
        Expect(present={"refer-breast-inflammation"}, absent=INFLAMMATION_EXCLUDES),
    ),
    # --- Medicines -----------------------------------------------------------------------------------------------
    family(
        "lithium-by-name-only",
        {"health.medications": [{"name": "lithium"}]},
        Expect(named=[("lithium", {"check-unrecognised-medicines", "refer-medicine-of-concern"})]),
    ),
    family(
        "lithium-marked-of-concern-and-an-invented-medicine",
        {
            "health.medications": [
                {"name": "lithium 400 mg", "classes": ["of_concern"]},
                {"name": "Zyxor 5 mg"},
                {"name": "amiodarone", "classes": ["of_concern", "qt_prolonging"]},
            ]
        },
        Expect(
            named=[
                ("lithium 400 mg", {"refer-medicine-of-concern"}),
                ("amiodarone", {"refer-medicine-of-concern"}),
                ("Zyxor 5 mg", {"check-unrecognised-medicines"}),
            ]
        ),
    ),
    family(
        "stopped-levothyroxine",
        {
            "health.medications": [
                {"name": "levothyroxine", "status": "stopped", "stopped_on": "2026-02-01", "stop_reason": "felt better"}
            ]
        },
        Expect(present={"refer-thyroid"}, named=[("levothyroxine", {"refer-thyroid"})]),
    ),
    family(
        "citalopram-and-a-request-for-domperidone",
        {
            "health.medications": [{"name": "citalopram 20 mg", "classes": ["qt_prolonging"]}],
            "goals.prescription_discussion": "yes",
        },
        Expect(
            present={"caution-domperidone-heart-liver"},
            named=[("citalopram 20 mg", {"caution-domperidone-heart-liver"})],
        ),
    ),
    family(
        "clarithromycin-by-name-and-a-request-for-domperidone",
        {"health.medications": [{"name": "clarithromycin"}], "goals.prescription_discussion": "yes"},
        Expect(named=[("clarithromycin", {"check-unrecognised-medicines", "caution-domperidone-heart-liver"})]),
    ),
    # --- Herbs ---------------------------------------------------------------------------------------------------
    family(
        "peanut-allergy-already-taking-fenugreek",
        {"health.allergies": ["peanut"], "goals.herbs_taken": ["fenugreek"], "goals.herbs_interest": "yes"},
        Expect(
            absent={"herb-fenugreek"},
            excluded={"herb-fenugreek"},
            present={"stop-herb-not-for-you"},
            named=[("fenugreek", {"stop-herb-not-for-you"})],
        ),
    ),
    family(
        "peanut-allergy-and-a-blend-with-fenugreek",
        {
            "health.allergies": ["peanut"],
            "goals.herbs_taken": ["blend"],
            "goals.blend_herbs": ["fenugreek", "fennel"],
            "goals.herbs_interest": "unsure",
        },
        Expect(
            absent={"herb-fenugreek"},
            excluded={"herb-fenugreek"},
            present={"stop-herb-not-for-you"},
            named=[("fenugreek", {"stop-herb-not-for-you"})],
        ),
    ),
    family(
        "goats-rue-blend-with-metformin",
        {
            "health.medications": [{"name": "metformin"}],
            "goals.herbs_taken": ["blend"],
            "goals.blend_herbs": ["goats_rue", "moringa"],
        },
        Expect(
            absent={"herb-goats-rue"},
            excluded={"herb-goats-rue"},
            present={"stop-herb-not-for-you"},
            named=[("goat's rue", {"stop-herb-not-for-you"})],
        ),
    ),
    family(
        "blend-with-unknown-label",
        {"goals.herbs_taken": ["blend"], "goals.blend_herbs": None},
        Expect(present={"herb-other-products"}),
    ),
    # --- Goals, settings and schedules ---------------------------------------------------------------------------
    family(
        "emergency-shelter-no-pump",
        {"consult.setting": "emergency", "situation.pump": "none", "situation.supplementer": "no"},
        Expect(present={"emergency-setting"}, absent=EQUIPMENT_ENTRIES, schedule="timed"),
    ),
    family(
        "comfort-nursing-9-months",
        {
            "goals.goal": "comfort_nursing",
            B + "birth_date": "2025-08-01",
            **weighed(8500, "2026-04-30", ("2026-04-16", 8350)),
        },
        Expect(schedule="comfort"),
    ),
    family(
        "comfort-nursing-13-months",
        {
            "goals.goal": "comfort_nursing",
            B + "birth_date": "2025-04-01",
            **weighed(9800, "2026-04-30", ("2026-04-10", 9650)),
        },
        Expect(schedule="comfort", estimate={SKY: False}),
    ),
    family(
        "7-month-old-partial-breastfeeding",
        {
            "goals.goal": "partial_breastfeeding",
            B + "birth_date": "2025-10-01",
            **weighed(7800, "2026-04-30", ("2026-04-16", 7650)),
        },
        Expect(schedule="timed", estimate={SKY: True}, step_down={SKY: True}),
    ),
    family(
        "reduce-not-asked",
        {"goals.reduce_supplement": "not_asked"},
        Expect(estimate={SKY: True}, step_down={SKY: False}),
    ),
    family(
        "reduce-not-wanted",
        {"goals.reduce_supplement": "no"},
        Expect(estimate={SKY: True}, step_down={SKY: False}),
    ),
    # --- Follow-ups and dates ------------------------------------------------------------------------------------
    family(
        "follow-up-making-320-ml-a-day",
        {
            **FOLLOW_UP,
            "lactation.current_output": "drops",
            "progress": [
                {"date": "2026-04-17", "expressed_ml_per_24h": 120},
                {"date": "2026-04-24", "expressed_ml_per_24h": 320},
            ],
        },
        Expect(
            estimate={SKY: True},
            step_down={SKY: True},
            present={"expect-supply-growing"},
            absent={"expect-timeline"},
            first_step_day=21,
            timeline_starts=date(2026, 4, 10),
        ),
    ),
    family(
        "far-future-dates",
        {
            "consult.date": "2099-06-01",
            B + "birth_date": "2099-04-01",
            B + "birth_weight_g": 3500,
            **weighed(5000, "2099-05-31", ("2099-05-20", 4700)),
            "lactation.last_milk_removal": "2099-05-10",
        },
        Expect(
            estimate={SKY: True},
            step_down={SKY: True},
            first_step_day=0,
            timeline_starts=date(2099, 6, 1),
        ),
    ),
]


def plan_for(changes: dict[str, Any]) -> tuple[Intake, Plan]:
    intake = make_intake(**changes)
    return intake, build_plan(intake, library_of(intake))


def test_there_are_at_least_25_families() -> None:
    assert len(FAMILIES) >= 25
    assert len({p.id for p in FAMILIES}) == len(FAMILIES)


@pytest.mark.parametrize(("changes", "expect"), FAMILIES)
def test_family_gets_a_safe_plan(changes: dict[str, Any], expect: Expect) -> None:
    intake, plan = plan_for(changes)
    check_plan_is_safe(intake, plan)

    feeding = {f.baby: f for f in plan.feeding}
    guards = {b.name: set(b.amount_guards) for b in intake.babies}
    for name in expect.held:
        assert feeding[name].need_ml_low is None and feeding[name].step_down == [], f"{name}: amounts not held"
        assert feeding[name].amounts_held, f"{name}: amounts_held is empty"
    for name, shown in expect.estimate.items():
        assert (feeding[name].need_ml_low is not None) == shown, f"{name}: estimate {'missing' if shown else 'shown'}"
    for name, planned in expect.step_down.items():
        assert bool(feeding[name].step_down) == planned, f"{name}: step-down {'missing' if planned else 'planned'}"
    for name, must in expect.guards.items():
        if must:
            assert must <= guards[name], f"{name}: guards {guards[name]}, expected at least {must}"
        else:
            assert guards[name] == set(), f"{name}: unexpected guards {guards[name]}"

    ids = plan.item_ids()
    assert expect.present <= ids, f"missing items: {expect.present - ids}"
    assert not expect.absent & ids, f"items that must not be there: {expect.absent & ids}"
    excluded = plan.excluded_ids()
    assert expect.excluded <= excluded, f"not listed as left out: {expect.excluded - excluded}"
    for item_id, names in expect.only_for.items():
        named = {n for i in plan.items() if i.id == item_id for n in i.babies}
        assert named == names, f"{item_id} names {named}, expected {names}"
    for name, where in expect.named:
        assert any(name in item_text(plan, item_id) for item_id in where), f"{name!r} is not named in {where}"
    if expect.urgent_now:
        assert any(i.kind == "urgent" and i.urgency == "now" for i in plan.items()), "no urgent item for now"
    for item_id in expect.referral_today:
        assert any(i.id == item_id and i.kind == "referral" and i.urgency == "today" for i in plan.items()), item_id
    if expect.schedule is not None:
        assert schedule_of(plan).kind == expect.schedule
    if expect.first_step_day is not None:
        assert feeding[SKY].step_down and feeding[SKY].step_down[0].day == expect.first_step_day
    if expect.timeline_starts is not None:
        assert plan.timeline[0].from_date == expect.timeline_starts


@pytest.mark.parametrize("second", ["Sky", " sky ", "SKY"])
def test_two_babies_with_the_same_name_are_refused(second: str) -> None:
    """Plans name each baby; two babies with one name would share their exclusions and held amounts."""
    with pytest.raises(ValidationError) as caught:
        make_intake(babies=[baby(name="Sky"), baby(name=second)])
    errors = caught.value.errors()
    assert [e["loc"] for e in errors] == [("babies", 1, "name")]
    assert "same name" in errors[0]["msg"] and "Sky" not in errors[0]["msg"]
