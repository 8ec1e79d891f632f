"""The low-milk-supply rule table (low-supply evidence §6, with §6.1 and §7), one row at a time.

Every entry tagged with an L row has at least one intake in which it must fire and, unless it always applies, one
near miss in which it must not (the boundary of the row: 10% loss, 6 wet diapers, 5 pumping sessions, 500 mL, 72
hours, ...). Exclusions are checked both ways: the excluded entry is absent from the plan's items and present in
its exclusions. Each intake is a small, valid low-supply intake (a term, 6-week-old baby who breastfeeds and gains
well, no red flag) with a few changes given as dotted paths.

Then: precedence (a red flag about the baby blocks supplement reduction and the reassurance of L36), the library
parameters at their defaults, the birth-weight conflict (L03 vs L04), no dose for a prescription galactogogue, and
the README's coverage table. Where the library deliberately differs from a row (L38's window), the case tests what
the library does, and the README lists the difference for a clinician's review.
"""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest

from careplan.intake import Intake
from careplan.intake.low_supply import ConcernReason
from careplan.plan import Plan
from careplan.rules.engine import build_plan
from careplan.rules.library import load_library
from careplan.rules.parameters import DEFAULTS, Parameters
from tests.conftest import ROOT
from tests.helpers.coverage import check_every_row_documented, check_exclusion, check_row, readme_rows
from tests.helpers.coverage import fired as fired_in

LIBRARY = load_library(plan_type="low-supply")
README = ROOT / "careplan" / "plantypes" / "low-supply" / "README.md"

#: The rows of the low-supply table (§6).
L_ROWS = [f"L{n:02d}" for n in range(1, 49)]
#: The rows of the relactation table (evidence §9; R36-R39 were never defined), which shared entries also encode.
R_ROWS = [f"R{n:02d}" for n in [*range(1, 36), *range(40, 48)]]

CONSULT = date(2026, 5, 1)

#: A term, 6-week-old baby who breastfeeds, latches and gains 30 g a day; 7 wet and 3 dirty diapers; milk in at 60 h;
#: a parent with a known, clear history; no supplement, no pump sessions, no herbs, no medicines.
BASE: dict[str, Any] = {
    "schema_version": "1.1",
    "plan_type": "low-supply",
    "consult": {"date": CONSULT.isoformat(), "setting": "clinic", "jurisdiction": "US"},
    "parent": {"name": "Robin Example", "relationship": "birth_parent"},
    "babies": [
        {
            "name": "Sky",
            "birth_date": "2026-03-20",
            "gestational_age_weeks": 39,
            "birth_weight_g": 3400,
            "current_weight_g": 4300,
            "weighed_on": "2026-04-30",
            "earlier_weights": [{"date": "2026-04-20", "grams": 4000}],
            "feeding": {"milk": ["direct_breastfeeding"], "feeds_per_24h": 10, "methods": []},
            "latches": "yes",
            "concerns": [],
            "wet_diapers_24h": 7,
            "dirty_diapers_24h": 3,
            "dehydration_signs": [],
            "stool_colour": "yellow",
            "jaundice": "no",
            "fever": "no",
            "vomiting": "no",
            "sleeps": "separate_surface_in_parents_room",
        }
    ],
    "lactation": {
        "ever_lactated": "yes",
        "breastfed_this_baby": "yes",
        "earlier_children": 1,
        "earlier_children_breastfed": 1,
        "breast_changes_in_pregnancy": "yes",
    },
    "health": {
        "conditions": [],
        "bmi": 23.0,
        "breast_surgeries": [],
        "igt_signs": [],
        "medications": [],
        "allergies": [],
        "smokes": "no",
        "household_smoke": "no",
        "alcohol": "none",
        "sedating_substances": "no",
        "placenta_capsules": "no",
        "breast_problems": [],
        "fever": "no",
    },
    "situation": {"pump": "single_electric", "supplementer": "no", "bedsharing": "never", "bed_hazards": []},
    "goals": {
        "goal": "exclusive_breastfeeding",
        "herbs_interest": "no",
        "herbs_taken": [],
        "prescription_discussion": "no",
        "reduce_supplement": "not_asked",
        "asked_about": [],
    },
    "consent": {"email_plan": True},
    "low_supply": {
        "birth": {
            "mode": "vaginal",
            "second_stage_over_1h": "no",
            "first_feed_hours": 0.5,
            "separated": "no",
            "formula_in_hospital": "no",
        },
        "milk_came_in": {"status": "yes", "hours_after_birth": 60, "engorgement": "yes"},
        "feeding": {
            "at_breast": "yes",
            "breastfeeds_24h": 10,
            "night_feeds": 2,
            "longest_gap_hours": 3.5,
            "hard_to_wake": "no",
            "nipple_shield": "no",
            "pacifier": "no",
            "compressions": "no",
            "switch_sides": "yes",
        },
        "pumping": {
            "sessions_24h": 0,
            "after_feeds_only": "no",
            "double": "no",
            "hands_on": "no",
            "flange_pain": "no",
            "poor_flow": "no",
        },
        "parent": {
            "latch_pain": "none",
            "nipple_damage": "none",
            "nipple_shape": "typical",
            "bleeding_concern": "no",
            "foul_discharge": "no",
            "sepsis_signs": "no",
            "breast_lump_soft": "no",
            "epds": 5,
            "depression_symptoms": "no",
            "self_harm_thoughts": "no",
            "thyroid_tested": "yes",
            "thyroid_symptoms": "no",
            "reasons_for_concern": ["fussing", "soft_breasts"],
        },
    },
}


def make(changes: dict[str, Any]) -> Intake:
    """The base intake with changes given as dotted paths: make({"babies.0.latches": "no"})."""
    data = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        target: Any = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
        last = parts[-1]
        if isinstance(target, list):
            target[int(last)] = copy.deepcopy(value)
        else:
            target[last] = copy.deepcopy(value)
    return Intake.model_validate(data)


def plan_for(changes: dict[str, Any]) -> Plan:
    return build_plan(make(changes), LIBRARY)


def fired(plan: Plan, entry_id: str) -> bool:
    return fired_in(LIBRARY, plan, entry_id)


def table(cases: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Labelled changes, for a comprehension of cases."""
    return list(cases.items())


def case(row: str, entry: str, changes: dict[str, Any] | None = None, *, name: str, xfail: str = "") -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(entry, changes or {}, id=f"{row}-{name}", marks=marks)


# Reusable changes ------------------------------------------------------------------------------------------------
B = "babies.0."
LS = "low_supply."


def day(days_before: int) -> str:
    """The date `days_before` days before the consult."""
    return (CONSULT - timedelta(days=days_before)).isoformat()


def aged(days: int, weight_g: int = 3300) -> dict[str, Any]:
    """The baby `days` old on the consult date, weighed today (birth weight 3400 g), no earlier weights."""
    return {
        B + "birth_date": day(days),
        B + "weighed_on": day(0),
        B + "current_weight_g": weight_g,
        B + "earlier_weights": [],
    }


def med(*classes: str, name: str = "a medicine") -> dict[str, Any]:
    return {"health.medications": [{"name": name, "classes": list(classes)}]}


#: The baby gets 200 mL of formula a day and the family wants to give less (L32, L33).
SUPPLEMENT = {
    B + "feeding": {
        "milk": ["direct_breastfeeding", "formula"],
        "supplement_ml_per_24h": 200,
        "feeds_per_24h": 10,
        "methods": ["cup"],
    },
    "goals.reduce_supplement": "yes",
}
#: The parent pumps for every feed (L25-L27): 8 double, hands-on sessions, 700 mL a day.
PUMP_DEPENDENT = {
    LS + "feeding.at_breast": "no",
    B + "latches": "no",
    B + "feeding": {"milk": ["expressed_breast_milk"], "feeds_per_24h": 8, "methods": ["bottle"]},
    "situation.pump": "double_electric",
    LS + "pumping": {
        "sessions_24h": 8,
        "ml_24h": 700,
        "after_feeds_only": "no",
        "double": "yes",
        "hands_on": "yes",
        "flange_pain": "no",
        "poor_flow": "no",
    },
}
#: A parent who breastfeeds and pumps a little after feeds: pump thresholds never apply (L27, L37).
PUMPS_AFTER_FEEDS = {
    LS + "pumping.sessions_24h": 2,
    LS + "pumping.ml_24h": 20,
    LS + "pumping.after_feeds_only": "yes",
}
#: The baby does not latch yet and gets expressed milk (L24: the parent offers the breast and expresses).
NO_LATCH = {B + "latches": "no", B + "feeding.milk": ["expressed_breast_milk"]}
SLOW_GAIN = {B + "earlier_weights": [{"date": "2026-04-20", "grams": 4110}]}  # 19 g a day
GAIN_20 = {B + "earlier_weights": [{"date": "2026-04-20", "grams": 4100}]}  # exactly 20 g a day
OLDER_THAN_16_WEEKS = {B + "birth_date": "2026-01-01"}  # 17 weeks on the consult date
NOT_IN_YET = {LS + "milk_came_in.status": "not_yet", LS + "milk_came_in.hours_after_birth": None}
MILK_IN_AT = {hours: {LS + "milk_came_in.hours_after_birth": hours} for hours in (72, 73)}
DAY_3_FEW_STOOLS = aged(3, 3200) | {B + "dirty_diapers_24h": 3}
FOLLOW_UP = {"consult.visit": "follow_up", "progress": [{"date": "2026-04-24"}]}
RX = {"goals.prescription_discussion": "yes"}
METOCLOPRAMIDE = med("metoclopramide", name="metoclopramide")
JAUNDICE = {B + "jaundice": "yes"}


# ------------------------------------------------------------------------------------------------------------------
# Must fire
# ------------------------------------------------------------------------------------------------------------------

FIRES = [
    # --- Infant safety (L01-L10) ---
    case("L01", "urgent-dehydration", {B + "dehydration_signs": ["no_urine_12h"]}, name="no-urine-12h"),
    case("L01", "urgent-dehydration", {B + "dehydration_signs": ["lethargy"]}, name="lethargy"),
    case("L01", "urgent-dehydration", {B + "dehydration_signs": ["sunken_fontanelle"]}, name="sunken-fontanelle"),
    case("L01", "urgent-hard-to-wake", {LS + "feeding.hard_to_wake": "yes"}, name="hard-to-wake"),
    case("L02", "urgent-weight-loss-over-10", aged(10, 3055), name="lost-10.1-percent-day-10"),
    case("L02", "urgent-weight-loss-over-10", aged(42, 3000), name="lost-11.8-percent-week-6"),
    case("L03", "refer-birth-weight-day-14", aged(14, 3350), name="below-birth-weight-day-14"),
    case("L03", "refer-birth-weight-day-14", aged(20, 3350), name="below-birth-weight-day-20"),
    case("L04", "refer-birth-weight-day-21", aged(21, 3350), name="below-birth-weight-day-21"),
    case("L04", "refer-birth-weight-day-21", aged(42, 3350), name="below-birth-weight-week-6"),
    case("L05", "refer-few-wet-diapers", aged(5) | {B + "wet_diapers_24h": 5}, name="five-wet-diapers-day-5"),
    case("L05", "refer-few-wet-diapers", aged(6) | {B + "wet_diapers_24h": 5}, name="five-wet-diapers-day-6"),
    case("L05", "refer-few-wet-diapers", {B + "wet_diapers_24h": 4}, name="four-wet-diapers-week-6"),
    case("L05", "refer-few-wet-diapers", {B + "wet_diapers_24h": None}, name="wet-diapers-not-counted"),
    case("L05", "urgent-dehydration", aged(5) | {B + "wet_diapers_24h": 3}, name="three-wet-diapers-day-5"),
    case("L05", "urgent-dehydration", {B + "wet_diapers_24h": 0}, name="no-wet-diaper-week-6"),
    case("L06", "refer-day-3-few-stools-late-milk", DAY_3_FEW_STOOLS | MILK_IN_AT[73], name="three-stools-milk-at-73h"),
    case("L06", "refer-day-3-few-stools-late-milk", DAY_3_FEW_STOOLS | NOT_IN_YET, name="three-stools-milk-not-in"),
    case(
        "L06",
        "refer-day-3-few-stools-late-milk",
        DAY_3_FEW_STOOLS | NOT_IN_YET | {B + "dirty_diapers_24h": 1},
        name="one-stool-milk-not-in",
    ),
    case("L07", "refer-slow-weight-gain", SLOW_GAIN, name="19-g-a-day"),
    case("L07", "refer-slow-weight-gain", aged(20, 3500), name="5-g-a-day-since-birth-day-20"),
    case(
        "L08",
        "urgent-jaundice-first-day",
        aged(3, 3200) | JAUNDICE | {B + "jaundice_since": day(3)},
        name="yellow-on-the-day-of-birth",
    ),
    case(
        "L08",
        "urgent-jaundice-first-day",
        aged(3, 3200) | JAUNDICE | {B + "jaundice_since": day(2)},
        name="yellow-the-next-day",
    ),
    case("L08", "urgent-jaundice-warning-signs", JAUNDICE | {B + "dehydration_signs": ["lethargy"]}, name="sleepy"),
    case("L08", "urgent-jaundice-warning-signs", JAUNDICE | {B + "fever": "yes"}, name="fever"),
    case("L08", "refer-jaundice", JAUNDICE, name="jaundice"),
    case("L08", "refer-jaundice", {B + "concerns": ["jaundice"]}, name="jaundice-as-concern"),
    case("L08", "refer-jaundice", JAUNDICE | {LS + "feeding.hard_to_wake": "yes"}, name="with-hard-to-wake"),
    case("L08", "refer-jaundice", aged(4, 3100) | JAUNDICE, name="with-8.8-percent-loss"),
    case("L09", "urgent-fever-young-baby", {B + "temperature_c": 38.0}, name="38.0-degrees-week-6"),
    case("L09", "urgent-fever-young-baby", aged(60, 5000) | {B + "fever": "yes"}, name="fever-day-60"),
    case("L09", "urgent-fever-young-baby", aged(10) | {B + "temperature_c": 38.4}, name="38.4-degrees-day-10"),
    case("L10", "refer-preterm-lbw", {B + "gestational_age_weeks": 36.9}, name="36.9-weeks"),
    case("L10", "refer-preterm-lbw", {B + "birth_weight_g": 2499}, name="2499-g"),
    # --- Parent safety (L11-L22) ---
    case("L11", "refer-milk-not-in", aged(4, 3200) | NOT_IN_YET, name="not-in-day-4"),
    case("L11", "refer-milk-not-in", {LS + "milk_came_in.status": "never"}, name="never-came-in"),
    case("L11", "refer-milk-not-in", {"health.conditions": ["retained_placenta_suspected"]}, name="retained-placenta"),
    case("L12", "urgent-bleeding-or-infection-after-birth", {LS + "parent.bleeding_concern": "yes"}, name="bleeding"),
    case(
        "L12",
        "urgent-bleeding-or-infection-after-birth",
        {"health.fever": "yes", LS + "parent.foul_discharge": "yes"},
        name="fever-and-foul-discharge",
    ),
    case("L12", "refer-bad-smelling-discharge", {LS + "parent.foul_discharge": "yes"}, name="discharge-no-fever"),
    case(
        "L13",
        "refer-possible-sheehan",
        {"health.conditions": ["severe_postpartum_haemorrhage", "milk_never_came_in"]},
        name="pph-milk-never-in",
    ),
    case(
        "L13",
        "refer-possible-sheehan",
        {"health.conditions": ["severe_postpartum_haemorrhage", "no_periods_and_fatigue"]},
        name="pph-no-periods",
    ),
    case("L14", "refer-thyroid-check", {"health.conditions": ["hypothyroidism"]}, name="hypothyroid"),
    case("L14", "refer-thyroid-check", {"health.conditions": ["hyperthyroidism"]}, name="hyperthyroid"),
    case(
        "L14",
        "refer-thyroid-check",
        {LS + "parent.thyroid_symptoms": "yes", LS + "parent.thyroid_tested": "no"},
        name="tired-or-cold-never-tested",
    ),
    case(
        "L14",
        "refer-thyroid-check",
        {LS + "parent.thyroid_symptoms": "yes", LS + "parent.thyroid_tested": "unknown"},
        name="tired-or-cold-test-unknown",
    ),
    *[
        case("L15", entry, changes, name=f"{label}-{entry.split('-')[0]}")
        for entry in ("refer-supply-health-check", "expect-health-may-limit-supply")
        for label, changes in table({
            "pcos": {"health.conditions": ["pcos"]},
            "type-1-diabetes": {"health.conditions": ["diabetes_type_1"]},
            "gestational-diabetes": {"health.conditions": ["gestational_diabetes"]},
            "insulin-resistance": {"health.conditions": ["insulin_resistance"]},
            "infertility": {"health.conditions": ["infertility"]},
            "obesity": {"health.conditions": ["obesity"]},
            "bmi-30": {"health.bmi": 30.0},
            "igt-signs": {"health.igt_signs": ["tubular_or_cone_shaped"]},
            "no-breast-change-in-pregnancy": {"lactation.breast_changes_in_pregnancy": "no"},
        })
    ],
    case("L16", "expect-breast-surgery", {"health.breast_surgeries": [{"kind": "augmentation"}]}, name="implants"),
    case("L16", "expect-breast-surgery", {"health.breast_surgeries": [{"kind": "lumpectomy"}]}, name="lumpectomy"),
    case("L16", "expect-breast-surgery", {"health.breast_surgeries": [{"kind": "biopsy"}]}, name="biopsy"),
    case("L16", "expect-breast-surgery", {"health.breast_surgeries": [{"kind": "nipple"}]}, name="nipple"),
    case(
        "L16",
        "expect-breast-surgery",
        {"health.breast_surgeries": [{"kind": "reduction", "tissue_preserved": "full", "incision": "periareolar"}]},
        name="reduction-with-periareolar-cut",
    ),
    case("L17", "refer-breast-inflammation", {"health.breast_problems": ["mastitis"]}, name="mastitis"),
    case("L17", "refer-breast-inflammation", {"health.breast_problems": ["red_hot_painful_area"]}, name="red-area"),
    case("L17", "refer-breast-inflammation", {"health.breast_problems": ["breast_abscess"]}, name="abscess"),
    case(
        "L17",
        "pause-extra-removal-breast-inflamed",
        PUMP_DEPENDENT | {"health.breast_problems": ["mastitis"]},
        name="mastitis-pauses-pumping-extras",
    ),
    case(
        "L17",
        "pause-extra-removal-breast-inflamed",
        NO_LATCH | {"health.breast_problems": ["red_hot_painful_area"]},
        name="red-area-pauses-expressing-after-feeds",
    ),
    case(
        "L18",
        "urgent-breast-or-sepsis-signs",
        {"health.breast_problems": ["mastitis"], LS + "parent.sepsis_signs": "yes"},
        name="mastitis-with-sepsis-signs",
    ),
    case(
        "L18",
        "urgent-breast-or-sepsis-signs",
        {"health.breast_problems": ["red_hot_painful_area"], LS + "parent.breast_lump_soft": "yes"},
        name="red-area-with-fluctuant-lump",
    ),
    case(
        "L18",
        "urgent-breast-or-sepsis-signs",
        {"health.conditions": ["diabetes_type_1"], "health.breast_problems": ["mastitis"]},
        name="mastitis-with-diabetes",
    ),
    *[
        case("L19", entry, changes, name=f"{label}-{entry.split('-')[0]}")
        for entry in ("refer-mood-check", "expect-wellbeing-first")
        for label, changes in table({
            "epds-10": {LS + "parent.epds": 10},
            "epds-30": {LS + "parent.epds": 30},
            "low-mood": {LS + "parent.depression_symptoms": "yes"},
            "depression": {"health.conditions": ["depression"]},
        })
    ],
    case("L20", "urgent-self-harm-thoughts", {LS + "parent.self_harm_thoughts": "yes"}, name="self-harm-thoughts"),
    case("L21", "latch-pain-check", {LS + "parent.latch_pain": "severe"}, name="severe-pain"),
    case("L21", "latch-pain-check", {LS + "parent.nipple_damage": "cracked"}, name="cracked"),
    case("L21", "latch-pain-check", {LS + "parent.nipple_damage": "bleeding"}, name="bleeding-nipples"),
    case(
        "L21",
        "refer-feeding-pain-continues",
        FOLLOW_UP | {LS + "parent.latch_pain": "severe"},
        name="still-severe-at-follow-up",
    ),
    case(
        "L21",
        "refer-feeding-pain-continues",
        FOLLOW_UP | {LS + "parent.nipple_damage": "bleeding"},
        name="still-bleeding-at-follow-up",
    ),
    case("L22", "refer-suck-assessment", {B + "concerns": ["tongue_tie"]}, name="tongue-tie"),
    case("L22", "refer-suck-assessment", {B + "concerns": ["weak_suck"]}, name="weak-suck"),
    # --- Core strategies (L23-L35) ---
    case("L23", "breastfeed-often-on-cue", name="breastfeeds"),
    case("L23", "breastfeed-often-on-cue", {LS + "feeding.at_breast": "some"}, name="some-feeds-at-breast"),
    case("L23", "breastfeed-often-on-cue", {LS + "feeding.at_breast": "unknown"}, name="not-known"),
    case("L24", "express-after-feeds", NO_LATCH, name="does-not-latch"),
    case("L24", "express-after-feeds", {B + "latches": "unknown"}, name="latch-unknown"),
    case("L24", "express-after-feeds", {B + "concerns": ["weak_suck"]}, name="weak-suck"),
    case("L24", "express-after-feeds", aged(10, 3055), name="lost-over-10-percent"),
    case("L24", "express-after-feeds", aged(3, 3150), name="lost-over-7-percent-day-3"),
    case("L24", "express-after-feeds", aged(16, 3350), name="below-birth-weight-day-16"),
    case("L24", "express-after-feeds", aged(6) | {B + "wet_diapers_24h": 5}, name="five-wet-diapers-day-6"),
    case("L24", "express-after-feeds", DAY_3_FEW_STOOLS | MILK_IN_AT[73], name="day-3-few-stools-late-milk"),
    case("L24", "express-after-feeds", SLOW_GAIN, name="19-g-a-day"),
    case(
        "L24",
        "express-after-feeds",
        NO_LATCH | {LS + "feeding.at_breast": "some"},
        name="some-feeds-at-breast-no-latch",
    ),
    *[
        case("L25", entry, PUMP_DEPENDENT, name=f"pump-dependent-{entry.split('-')[0]}")
        for entry in ("pump-often-pump-dependent", "hands-on-pumping", "double-pump-both-sides")
    ],
    case("L25", "double-pump-both-sides", PUMP_DEPENDENT | {"situation.pump": "manual"}, name="single-pump-asks"),
    case("L26", "caution-few-pumping-sessions", PUMP_DEPENDENT | {LS + "pumping.sessions_24h": 4}, name="4-sessions"),
    *[
        case(
            "L27",
            entry,
            PUMP_DEPENDENT | aged(14, 3600) | {LS + "pumping.ml_24h": 499},
            name=f"499-ml-day-14-{entry.split('-')[0]}",
        )
        for entry in ("refer-pumped-volume-low", "expect-pumped-volume-low")
    ],
    *[
        case("L27", entry, PUMP_DEPENDENT | {LS + "pumping.ml_24h": 200}, name=f"200-ml-week-6-{entry.split('-')[0]}")
        for entry in ("refer-pumped-volume-low", "expect-pumped-volume-low")
    ],
    case("L28", "pump-flange-fit", {LS + "pumping.flange_pain": "yes"}, name="flange-hurts"),
    case("L28", "pump-flange-fit", {LS + "pumping.poor_flow": "yes"}, name="poor-flow"),
    case("L29", "caution-nipple-shield", {LS + "feeding.nipple_shield": "yes"}, name="uses-a-shield"),
    case("L30", "power-pumping", {"goals.asked_about": ["power_pumping"]}, name="asked"),
    case("L31", "breast-compressions-switch-sides", name="breastfeeds"),
    case("L31", "breast-compressions-switch-sides", {LS + "feeding.at_breast": "some"}, name="some-feeds-at-breast"),
    case("L32", "supplement-when-needed", SUPPLEMENT, name="gets-formula"),
    case(
        "L32",
        "supplement-when-needed",
        {B + "feeding.milk": ["direct_breastfeeding", "donor_milk"]},
        name="gets-donor-milk",
    ),
    case("L32", "supplement-when-needed", aged(6) | {B + "wet_diapers_24h": 5}, name="indicated-few-wet-diapers"),
    case("L32", "supplement-when-needed", SLOW_GAIN, name="indicated-slow-gain"),
    case("L32", "supplement-when-needed", aged(10, 3055), name="indicated-lost-over-10-percent"),
    case("L32", "supplement-when-needed", aged(16, 3350), name="indicated-below-birth-weight-day-16"),
    case("L32", "supplementer-at-breast", SUPPLEMENT, name="latches-and-gets-formula"),
    case("L32", "supplementer-at-breast", SLOW_GAIN, name="latches-and-indicated"),
    case("L32", "supplement-amount", SUPPLEMENT, name="no-amount-guard"),
    case("L32", "amounts-set-with-doctor", SUPPLEMENT | aged(10), name="under-14-days"),
    case("L32", "amounts-set-with-doctor", SLOW_GAIN, name="gaining-slowly"),
    case("L33", "supplement-step-down", SUPPLEMENT, name="wants-to-reduce-no-red-flag"),
    case("L34", "caution-smoking-and-milk", {"health.smokes": "yes"}, name="smokes"),
    case("L34", "caution-smoking-and-milk", {"health.smokes": "heavy"}, name="heavy"),
    case("L35", "caution-alcohol-and-milk", {"health.alcohol": "regular"}, name="regular"),
    case("L35", "caution-alcohol-and-milk", {"health.alcohol": "heavy"}, name="heavy"),
    # --- Expectations and perception (L36-L44) ---
    case("L36", "expect-signs-baby-gets-enough", name="gaining-well"),
    case("L36", "expect-signs-baby-gets-enough", SUPPLEMENT, name="gaining-well-with-formula"),
    case("L36", "expect-signs-baby-gets-enough", GAIN_20, name="exactly-20-g-a-day"),
    case("L36", "expect-signs-baby-gets-enough", {B + "wet_diapers_24h": 6}, name="six-wet-diapers"),
    case("L36", "expect-signs-baby-gets-enough", PUMP_DEPENDENT, name="pump-dependent-gaining-well"),
    case(
        "L37",
        "expect-pumping-after-feeds-is-not-intake",
        PUMPS_AFTER_FEEDS | {LS + "parent.reasons_for_concern": ["low_pump_output"]},
        name="breastfeeds-worried-by-pump-output",
    ),
    case(
        "L37",
        "expect-pumping-after-feeds-is-not-intake",
        {LS + "feeding.at_breast": "some", LS + "parent.reasons_for_concern": ["low_pump_output"]},
        name="some-feeds-at-breast",
    ),
    case("L38", "expect-milk-came-in-late", aged(10) | MILK_IN_AT[73], name="milk-in-at-73h"),
    case("L38", "expect-milk-came-in-late", aged(3, 3200) | NOT_IN_YET, name="not-in-yet-day-3"),
    case("L38", "expect-milk-came-in-late", aged(28, 3900) | MILK_IN_AT[73], name="milk-in-at-73h-day-28"),
    *[
        case("L39", "expect-late-milk-risk-factors", aged(20, 3500) | changes, name=label)
        for label, changes in table({
            "planned-caesarean": {LS + "birth.mode": "planned_caesarean"},
            "emergency-caesarean": {LS + "birth.mode": "emergency_caesarean"},
            "first-baby": {"lactation.earlier_children": 0, "lactation.earlier_children_breastfed": 0},
            "pushing-over-1h": {LS + "birth.second_stage_over_1h": "yes"},
            "bmi-27.1": {"health.bmi": 27.1},
            "obesity": {"health.conditions": ["obesity"]},
            "birth-weight-3601-g": {B + "birth_weight_g": 3601},
            "first-feed-at-2h": {LS + "birth.first_feed_hours": 2},
            "formula-in-hospital": {LS + "birth.formula_in_hospital": "yes"},
            "flat-nipples": {LS + "parent.nipple_shape": "flat"},
        })
    ],
    case("L39", "expect-late-milk-risk-factors", aged(20, 3500) | {"health.bmi": 27.0}, name="bmi-27"),
    case("L39", "expect-late-milk-risk-factors", aged(28, 3900) | {LS + "birth.mode": "planned_caesarean"},
         name="caesarean-day-28"),
    *[
        case("L40", "expect-full-supply-may-not-be-possible", changes, name=label)
        for label, changes in table({
            "pph-milk-never-in": {"health.conditions": ["severe_postpartum_haemorrhage", "milk_never_came_in"]},
            "pph-no-periods": {"health.conditions": ["severe_postpartum_haemorrhage", "no_periods_and_fatigue"]},
            "igt-signs": {"health.igt_signs": ["widely_spaced"]},
            "no-breast-change-in-pregnancy": {"lactation.breast_changes_in_pregnancy": "no"},
            "reduction-no-tissue-kept": {
                "health.breast_surgeries": [{"kind": "reduction", "tissue_preserved": "none"}]
            },
            "reduction-part-kept": {
                "health.breast_surgeries": [{"kind": "reduction", "tissue_preserved": "partial"}]
            },
        })
    ],
    case("L41", "expect-any-breastfeeding-counts", name="always"),
    case("L41", "expect-any-breastfeeding-counts", PUMP_DEPENDENT, name="pump-dependent"),
    case("L42", "reassess-the-plan", name="always"),
    case("L42", "reassess-the-plan", {B + "dehydration_signs": ["lethargy"]}, name="with-an-urgent-item"),
    case("L43", "fluids-and-foods-for-milk", {"goals.asked_about": ["fluids"]}, name="fluids"),
    case("L43", "fluids-and-foods-for-milk", {"goals.asked_about": ["foods"]}, name="foods"),
    case("L44", "exercise-and-milk", {"goals.asked_about": ["exercise"]}, name="exercise"),
    # --- Galactogogues (L45-L48) ---
    case("L45", "expect-milk-medicine", RX, name="prescription-discussion"),
    case("L45", "expect-milk-medicine", {"goals.asked_about": ["prescription_medicine"]}, name="asked"),
    case("L46", "caution-metoclopramide-movement-risk", METOCLOPRAMIDE, name="takes-metoclopramide"),
    case("L46", "caution-metoclopramide-movement-risk", RX, name="prescription-discussion"),
    case("L46", "refer-prescription-galactogogue", METOCLOPRAMIDE, name="takes-metoclopramide-refer-prescriber"),
    case("L47", "refer-metformin-question", {"goals.asked_about": ["metformin"]}, name="asked"),
    case("L48", "moringa-claims-note", {"goals.asked_about": ["moringa"]}, name="asked"),
    case("L48", "moringa-claims-note", {"goals.herbs_taken": ["moringa"]}, name="takes-moringa"),
]


@pytest.mark.parametrize(("entry_id", "changes"), FIRES)
def test_entry_fires(entry_id: str, changes: dict[str, Any]) -> None:
    plan = plan_for(changes)
    assert fired(plan, entry_id), f"{entry_id} should be in the plan"


# ------------------------------------------------------------------------------------------------------------------
# Must not fire: the near misses
# ------------------------------------------------------------------------------------------------------------------

NOT_FIRES = [
    # --- Infant safety (L01-L10) ---
    case("L01", "urgent-dehydration", name="no-signs"),
    case("L01", "urgent-dehydration", {B + "dehydration_signs": None}, name="signs-not-assessed"),
    case("L01", "urgent-hard-to-wake", {LS + "feeding.hard_to_wake": "unknown"}, name="hard-to-wake-unknown"),
    case("L01", "urgent-hard-to-wake", name="wakes-for-feeds"),
    case("L02", "urgent-weight-loss-over-10", aged(10, 3060), name="lost-exactly-10-percent"),
    case("L02", "urgent-weight-loss-over-10", name="gaining"),
    case("L02", "urgent-weight-loss-over-10", {B + "current_weight_g": None, B + "weighed_on": None}, name="no-weight"),
    case("L03", "refer-birth-weight-day-14", aged(13, 3350), name="below-birth-weight-day-13"),
    case("L03", "refer-birth-weight-day-14", aged(14, 3400), name="at-birth-weight-day-14"),
    case("L03", "refer-birth-weight-day-14", aged(21, 3350), name="day-21-is-L04"),
    case("L03", "refer-birth-weight-day-14", aged(16, 3000), name="over-10-percent-is-L02"),
    case("L04", "refer-birth-weight-day-21", aged(20, 3350), name="below-birth-weight-day-20"),
    case("L04", "refer-birth-weight-day-21", aged(21, 3400), name="at-birth-weight-day-21"),
    case("L04", "refer-birth-weight-day-21", aged(42, 3000), name="over-10-percent-is-L02"),
    case("L05", "refer-few-wet-diapers", aged(5) | {B + "wet_diapers_24h": 6}, name="six-wet-diapers-day-5"),
    case("L05", "refer-few-wet-diapers", aged(4) | {B + "wet_diapers_24h": 5}, name="five-wet-diapers-day-4"),
    case("L05", "refer-few-wet-diapers", aged(5) | {B + "wet_diapers_24h": 3}, name="three-is-urgent-instead"),
    case("L05", "urgent-dehydration", aged(5) | {B + "wet_diapers_24h": 4}, name="four-wet-diapers-day-5"),
    case("L05", "urgent-dehydration", aged(4) | {B + "wet_diapers_24h": 3}, name="three-wet-diapers-day-4"),
    case("L05", "urgent-dehydration", {B + "wet_diapers_24h": None}, name="uncounted-is-same-day"),
    case("L06", "refer-day-3-few-stools-late-milk", DAY_3_FEW_STOOLS | MILK_IN_AT[72], name="milk-in-at-72h"),
    case(
        "L06",
        "refer-day-3-few-stools-late-milk",
        DAY_3_FEW_STOOLS | MILK_IN_AT[73] | {B + "dirty_diapers_24h": 4},
        name="four-stools",
    ),
    case(
        "L06",
        "refer-day-3-few-stools-late-milk",
        aged(4, 3200) | {B + "dirty_diapers_24h": 3} | NOT_IN_YET,
        name="day-4",
    ),
    case(
        "L06",
        "refer-day-3-few-stools-late-milk",
        aged(2, 3250) | {B + "dirty_diapers_24h": 1} | NOT_IN_YET,
        name="day-2",
    ),
    case(
        "L06",
        "refer-day-3-few-stools-late-milk",
        DAY_3_FEW_STOOLS | {LS + "milk_came_in.status": "unknown", LS + "milk_came_in.hours_after_birth": None},
        name="milk-status-unknown",
    ),
    case("L07", "refer-slow-weight-gain", GAIN_20, name="20-g-a-day"),
    case("L07", "refer-slow-weight-gain", SLOW_GAIN | OLDER_THAN_16_WEEKS, name="over-16-weeks"),
    case("L07", "refer-slow-weight-gain", {B + "current_weight_g": None, B + "weighed_on": None}, name="gain-unknown"),
    case(
        "L08",
        "urgent-jaundice-first-day",
        aged(3, 3200) | JAUNDICE | {B + "jaundice_since": day(1)},
        name="yellow-from-day-2",
    ),
    case("L08", "urgent-jaundice-first-day", JAUNDICE, name="date-not-known"),
    case("L08", "urgent-jaundice-warning-signs", JAUNDICE, name="no-warning-signs"),
    case("L08", "urgent-jaundice-warning-signs", {B + "dehydration_signs": ["lethargy"]}, name="sleepy-no-jaundice"),
    case("L08", "refer-jaundice", name="no-jaundice"),
    case(
        "L08",
        "refer-jaundice",
        JAUNDICE | {B + "dehydration_signs": ["lethargy"]},
        name="urgent-instead",
    ),
    case("L09", "urgent-fever-young-baby", {B + "temperature_c": 37.9}, name="37.9-degrees"),
    case("L09", "urgent-fever-young-baby", name="no-fever"),
    case("L09", "urgent-fever-young-baby", aged(90, 5800) | {B + "fever": "yes"}, name="fever-at-90-days-same-day"),
    case("L10", "refer-preterm-lbw", {B + "gestational_age_weeks": 37}, name="37-weeks"),
    case("L10", "refer-preterm-lbw", {B + "birth_weight_g": 2500}, name="2500-g"),
    case("L10", "refer-preterm-lbw", {B + "gestational_age_weeks": None}, name="gestation-unknown"),
    # --- Parent safety (L11-L22) ---
    case("L11", "refer-milk-not-in", aged(3, 3200) | NOT_IN_YET, name="not-in-day-3"),
    case("L11", "refer-milk-not-in", name="milk-in"),
    case("L11", "refer-milk-not-in", {LS + "milk_came_in.status": "unknown"}, name="milk-status-unknown"),
    case("L12", "urgent-bleeding-or-infection-after-birth", name="no-bleeding"),
    case(
        "L12",
        "urgent-bleeding-or-infection-after-birth",
        {LS + "parent.foul_discharge": "yes"},
        name="discharge-without-fever",
    ),
    case("L12", "urgent-bleeding-or-infection-after-birth", {"health.fever": "yes"}, name="fever-without-discharge"),
    case(
        "L12",
        "urgent-bleeding-or-infection-after-birth",
        {LS + "parent.bleeding_concern": "unknown"},
        name="bleeding-unknown",
    ),
    case("L12", "refer-bad-smelling-discharge", name="no-discharge"),
    case(
        "L12",
        "refer-bad-smelling-discharge",
        {"health.fever": "yes", LS + "parent.foul_discharge": "yes"},
        name="with-fever-is-urgent",
    ),
    case("L13", "refer-possible-sheehan", name="no-history"),
    case("L13", "refer-possible-sheehan", {"health.conditions": ["pcos"]}, name="pcos"),
    case("L14", "refer-thyroid-check", name="no-thyroid-history"),
    case(
        "L14",
        "refer-thyroid-check",
        {LS + "parent.thyroid_symptoms": "yes", LS + "parent.thyroid_tested": "yes"},
        name="tired-but-tested",
    ),
    *[
        case("L15", entry, changes, name=f"{label}-{entry.split('-')[0]}")
        for entry in ("refer-supply-health-check", "expect-health-may-limit-supply")
        for label, changes in table({
            "no-history": {},
            "bmi-29.9": {"health.bmi": 29.9},
            "hypertension": {"health.conditions": ["hypertension"]},
            "breasts-not-assessed": {"health.igt_signs": None},
        })
    ],
    case(
        "L16",
        "expect-breast-surgery",
        {"health.breast_surgeries": [{"kind": "reduction", "tissue_preserved": "full", "incision": "inframammary"}]},
        name="reduction-inframammary",
    ),
    case("L16", "expect-breast-surgery", name="no-surgery"),
    case("L16", "expect-breast-surgery", {"health.breast_surgeries": None}, name="surgery-history-unknown"),
    case("L17", "refer-breast-inflammation", name="no-breast-problem"),
    case("L17", "refer-breast-inflammation", {"health.breast_problems": ["nipple_damage"]}, name="nipple-damage"),
    case("L17", "pause-extra-removal-breast-inflamed", PUMP_DEPENDENT, name="pump-dependent-no-breast-problem"),
    case(
        "L17",
        "pause-extra-removal-breast-inflamed",
        PUMP_DEPENDENT | {"health.breast_problems": ["nipple_damage"]},
        name="pump-dependent-nipple-damage",
    ),
    case("L18", "urgent-breast-or-sepsis-signs", {"health.breast_problems": ["mastitis"]}, name="mastitis-alone"),
    case(
        "L18",
        "urgent-breast-or-sepsis-signs",
        {"health.conditions": ["diabetes_type_2"]},
        name="diabetes-without-breast-problem",
    ),
    case(
        "L18",
        "urgent-breast-or-sepsis-signs",
        {"health.conditions": ["diabetes_type_2"], "health.breast_problems": ["nipple_damage"]},
        name="diabetes-with-nipple-damage-only",
    ),
    case("L18", "urgent-breast-or-sepsis-signs", {LS + "parent.sepsis_signs": "unknown"}, name="sepsis-unknown"),
    *[
        case("L19", entry, changes, name=f"{label}-{entry.split('-')[0]}")
        for entry in ("refer-mood-check", "expect-wellbeing-first")
        for label, changes in table({
            "epds-9": {LS + "parent.epds": 9},
            "epds-not-recorded": {LS + "parent.epds": None},
            "mood-unknown": {LS + "parent.epds": None, LS + "parent.depression_symptoms": "unknown"},
        })
    ],
    case("L20", "urgent-self-harm-thoughts", name="no"),
    case("L20", "urgent-self-harm-thoughts", {LS + "parent.self_harm_thoughts": "unknown"}, name="unknown"),
    case("L21", "latch-pain-check", {LS + "parent.latch_pain": "moderate"}, name="moderate-pain"),
    case("L21", "latch-pain-check", {LS + "parent.nipple_damage": "blister"}, name="blister"),
    case("L21", "refer-feeding-pain-continues", {LS + "parent.latch_pain": "severe"}, name="first-visit"),
    case("L21", "refer-feeding-pain-continues", FOLLOW_UP, name="no-pain-at-follow-up"),
    case("L22", "refer-suck-assessment", {B + "concerns": ["reflux"]}, name="reflux-only"),
    case("L22", "refer-suck-assessment", name="no-concern"),
    # --- Core strategies (L23-L35) ---
    case("L23", "breastfeed-often-on-cue", PUMP_DEPENDENT, name="pump-dependent"),
    case("L24", "express-after-feeds", name="feeding-well"),
    case("L24", "express-after-feeds", PUMP_DEPENDENT, name="pump-dependent"),
    case("L24", "express-after-feeds", aged(5) | {B + "wet_diapers_24h": 6}, name="six-wet-diapers-day-5"),
    case(
        "L24",
        "express-after-feeds",
        NO_LATCH | {LS + "feeding.at_breast": "unknown"},
        name="at-breast-unknown",
    ),
    *[
        case("L25", entry, name=f"breastfeeds-{entry.split('-')[0]}")
        for entry in ("pump-often-pump-dependent", "hands-on-pumping", "double-pump-both-sides")
    ],
    *[
        case("L25", entry, PUMPS_AFTER_FEEDS, name=f"pumps-after-breastfeeds-{entry.split('-')[0]}")
        for entry in ("pump-often-pump-dependent", "hands-on-pumping", "double-pump-both-sides")
    ],
    case("L25", "double-pump-both-sides", PUMP_DEPENDENT | {"situation.pump": "none"}, name="no-pump"),
    case("L26", "caution-few-pumping-sessions", PUMP_DEPENDENT | {LS + "pumping.sessions_24h": 5}, name="5-sessions"),
    case("L26", "caution-few-pumping-sessions", PUMP_DEPENDENT | {LS + "pumping.sessions_24h": None},
         name="sessions-unknown"),
    case("L26", "caution-few-pumping-sessions", PUMPS_AFTER_FEEDS, name="breastfeeds-and-pumps-twice"),
    *[
        case("L27", entry, changes, name=f"{label}-{entry.split('-')[0]}")
        for entry in ("refer-pumped-volume-low", "expect-pumped-volume-low")
        for label, changes in table({
            "500-ml-day-14": PUMP_DEPENDENT | aged(14, 3600) | {LS + "pumping.ml_24h": 500},
            "499-ml-day-13": PUMP_DEPENDENT | aged(13, 3600) | {LS + "pumping.ml_24h": 499},
            "volume-unknown": PUMP_DEPENDENT | {LS + "pumping.ml_24h": None},
            "pumps-after-breastfeeds": PUMPS_AFTER_FEEDS,
            "some-breastfeeds-pumps-after": PUMPS_AFTER_FEEDS | {LS + "feeding.at_breast": "some"},
            "pumps-after-feeds-and-called-pump-dependent": PUMP_DEPENDENT
            | {LS + "pumping.ml_24h": 200, LS + "pumping.after_feeds_only": "yes"},
        })
    ],
    case("L28", "pump-flange-fit", name="comfortable"),
    case("L28", "pump-flange-fit", {LS + "pumping.flange_pain": "unknown"}, name="pain-unknown"),
    case("L29", "caution-nipple-shield", name="no-shield"),
    case("L29", "caution-nipple-shield", {LS + "feeding.nipple_shield": "unknown"}, name="shield-unknown"),
    case("L30", "power-pumping", name="not-asked"),
    case("L31", "breast-compressions-switch-sides", PUMP_DEPENDENT, name="pump-dependent"),
    case("L31", "breast-compressions-switch-sides", {LS + "feeding.at_breast": "unknown"}, name="at-breast-unknown"),
    case("L32", "supplement-when-needed", name="thriving-no-supplement"),
    case(
        "L32",
        "supplement-when-needed",
        {LS + "parent.reasons_for_concern": ["fussing", "frequent_or_cluster_feeds", "soft_breasts", "short_feeds"]},
        name="perception-alone",
    ),
    case("L32", "supplementer-at-breast", SUPPLEMENT | NO_LATCH, name="does-not-latch"),
    case("L32", "supplementer-at-breast", name="no-supplement-nothing-to-give"),
    case("L32", "supplement-amount", name="no-supplement-no-amounts"),
    case("L32", "supplement-amount", SUPPLEMENT | aged(10), name="under-14-days"),
    case("L32", "amounts-set-with-doctor", SUPPLEMENT, name="no-amount-guard"),
    case("L32", "amounts-set-with-doctor", aged(10), name="under-14-days-no-supplement"),
    case("L33", "supplement-step-down", SUPPLEMENT | {"goals.reduce_supplement": "not_yet"}, name="not-yet"),
    case("L33", "supplement-step-down", name="no-supplement"),
    case("L33", "supplement-step-down", SUPPLEMENT | {B + "wet_diapers_24h": 5}, name="five-wet-diapers"),
    case("L34", "caution-smoking-and-milk", name="does-not-smoke"),
    case("L34", "caution-smoking-and-milk", {"health.smokes": "unknown"}, name="unknown"),
    case("L35", "caution-alcohol-and-milk", {"health.alcohol": "occasional"}, name="occasional"),
    case("L35", "caution-alcohol-and-milk", name="none"),
    # --- Expectations and perception (L36-L44) ---
    *[
        case("L36", "expect-signs-baby-gets-enough", changes, name=label)
        for label, changes in table({
            "19-g-a-day": SLOW_GAIN,
            "five-wet-diapers": {B + "wet_diapers_24h": 5},
            "wet-diapers-not-counted": {B + "wet_diapers_24h": None},
            "no-weight": {B + "current_weight_g": None, B + "weighed_on": None},
            "weighed-16-days-ago": {
                B + "weighed_on": day(16),
                B + "earlier_weights": [{"date": day(26), "grams": 3900}],
            },
            "day-4": aged(4, 3350),
            "below-birth-weight": aged(16, 3350),
            "jaundice": JAUNDICE,
            "fever": {B + "fever": "yes"},
            "forceful-vomiting": {B + "vomiting": "forceful"},
            "pale-stools": {B + "stool_colour": "pale_or_white"},
            "dry-mouth": {B + "dehydration_signs": ["dry_mouth"]},
            "hard-to-wake": {LS + "feeding.hard_to_wake": "yes"},
            "preterm": {B + "gestational_age_weeks": 36},
            "gestation-unknown": {B + "gestational_age_weeks": None},
            "milk-not-in-yet": NOT_IN_YET,
        })
    ],
    case("L37", "expect-pumping-after-feeds-is-not-intake", PUMPS_AFTER_FEEDS, name="not-worried-by-pump-output"),
    case(
        "L37",
        "expect-pumping-after-feeds-is-not-intake",
        PUMP_DEPENDENT | {LS + "parent.reasons_for_concern": ["low_pump_output"]},
        name="pump-dependent",
    ),
    case("L38", "expect-milk-came-in-late", aged(10) | MILK_IN_AT[72], name="milk-in-at-72h"),
    case("L38", "expect-milk-came-in-late", aged(2, 3250) | NOT_IN_YET, name="not-in-yet-day-2"),
    # The library's window (risk_window_days, 28 by default; listed for a clinician's review in the README): late
    # milk is no longer news at 6 weeks.
    case("L38", "expect-milk-came-in-late", MILK_IN_AT[73], name="milk-in-at-73h-week-6-outside-the-window"),
    case("L38", "expect-milk-came-in-late", aged(10) | {LS + "milk_came_in.status": "never"}, name="never-is-L11"),
    case("L39", "expect-late-milk-risk-factors", aged(20, 3500), name="no-risk-factor"),
    *[
        case("L39", "expect-late-milk-risk-factors", aged(20, 3500) | changes, name=label)
        for label, changes in table({
            "bmi-26.9": {"health.bmi": 26.9},
            "birth-weight-3600-g": {B + "birth_weight_g": 3600},
            "first-feed-at-1.9h": {LS + "birth.first_feed_hours": 1.9},
            "children-unknown": {"lactation.earlier_children": None, "lactation.earlier_children_breastfed": None},
            "birth-mode-unknown": {LS + "birth.mode": "unknown"},
        })
    ],
    case(
        "L39",
        "expect-late-milk-risk-factors",
        aged(29, 3900) | {LS + "birth.mode": "planned_caesarean"},
        name="caesarean-day-29",
    ),
    case("L40", "expect-full-supply-may-not-be-possible", name="no-marker"),
    case("L40", "expect-full-supply-may-not-be-possible", {"health.conditions": ["pcos"]}, name="pcos-alone"),
    case(
        "L40",
        "expect-full-supply-may-not-be-possible",
        {"health.breast_surgeries": [{"kind": "reduction", "tissue_preserved": "full"}]},
        name="reduction-all-tissue-kept",
    ),
    case("L43", "fluids-and-foods-for-milk", name="not-asked"),
    case("L43", "fluids-and-foods-for-milk", {"goals.asked_about": ["exercise"]}, name="asked-about-exercise"),
    case("L44", "exercise-and-milk", name="not-asked"),
    case("L44", "exercise-and-milk", {"goals.asked_about": ["fluids"]}, name="asked-about-fluids"),
    # --- Galactogogues (L45-L48) ---
    case("L45", "expect-milk-medicine", name="no-discussion"),
    case("L45", "expect-milk-medicine", {"goals.prescription_discussion": "unknown"}, name="discussion-unknown"),
    case("L46", "caution-metoclopramide-movement-risk", name="no-discussion"),
    case("L46", "caution-metoclopramide-movement-risk", med("domperidone", name="domperidone"), name="domperidone"),
    case("L47", "refer-metformin-question", name="not-asked"),
    case(
        "L47",
        "refer-metformin-question",
        med("antidiabetic", name="metformin"),
        name="takes-it-for-diabetes-not-asked",
    ),
    case("L48", "moringa-claims-note", name="not-asked"),
    case("L48", "moringa-claims-note", {"goals.herbs_interest": "yes"}, name="open-to-herbs"),
]


@pytest.mark.parametrize(("entry_id", "changes"), NOT_FIRES)
def test_entry_does_not_fire(entry_id: str, changes: dict[str, Any]) -> None:
    plan = plan_for(changes)
    assert not fired(plan, entry_id), f"{entry_id} should not be in the plan"


def _encoding(row: str) -> set[str]:
    return {rid for rid, rule in LIBRARY.rules.items() if row in rule.entry.rules}


def test_base_intake_is_well_and_quiet() -> None:
    """The base has no red flag: nothing urgent, no referral, nothing left out, and the reassurance of L36."""
    plan = plan_for({})
    assert [i.id for i in plan.items() if i.kind in ("urgent", "referral")] == []
    assert plan.exclusions == []
    assert "expect-signs-baby-gets-enough" in plan.item_ids()


@pytest.mark.parametrize("row", L_ROWS)
def test_every_entry_of_a_row_has_a_firing_and_a_non_firing_case(row: str) -> None:
    firing = {p.values[0] for p in FIRES if p.id.startswith(f"{row}-") and not p.marks}
    not_firing = {p.values[0] for p in NOT_FIRES if p.id.startswith(f"{row}-") and not p.marks}
    encoding = _encoding(row)
    always = {rid for rid in encoding if not LIBRARY.rules[rid].all and not LIBRARY.rules[rid].any}
    assert encoding, f"{row} is not encoded by any entry"
    assert encoding - firing == set(), f"{row}: entries with no case in which they fire"
    assert encoding - always - not_firing == set(), f"{row}: entries with no case in which they do not fire"


def test_only_l41_and_l42_always_apply() -> None:
    always = {rid for rid, rule in LIBRARY.rules.items() if not rule.all and not rule.any}
    tagged = {rid for rid in always if set(LIBRARY.rules[rid].entry.rules) & set(L_ROWS)}
    assert tagged == {"expect-any-breastfeeding-counts", "reassess-the-plan"}


# ------------------------------------------------------------------------------------------------------------------
# Exclusions: the excluded entry is left out of the items and listed as left out, with the excluding entry
# ------------------------------------------------------------------------------------------------------------------

STEP_DOWN = "supplement-step-down"
PUMPING_EXTRAS = ["hands-on-pumping", "double-pump-both-sides", "warmth-and-massage", "caution-few-pumping-sessions"]


def excl(row: str, changes: dict[str, Any], excluded: list[str], by: str, *, name: str, xfail: str = "") -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(changes, excluded, by, id=f"{row}-{name}", marks=marks)


EXCLUSIONS = [
    excl("L01", SUPPLEMENT | {B + "dehydration_signs": ["lethargy"]}, [STEP_DOWN], "urgent-dehydration",
         name="lethargy-stops-step-down"),
    excl("L01", SUPPLEMENT | {LS + "feeding.hard_to_wake": "yes"}, [STEP_DOWN], "urgent-hard-to-wake",
         name="hard-to-wake-stops-step-down"),
    excl("L02", SUPPLEMENT | aged(42, 3000), [STEP_DOWN, "refer-birth-weight-day-21"], "urgent-weight-loss-over-10",
         name="over-10-percent-supersedes-L04"),
    excl("L02", SUPPLEMENT | aged(16, 3000), [STEP_DOWN, "refer-birth-weight-day-14"], "urgent-weight-loss-over-10",
         name="over-10-percent-supersedes-L03"),
    excl("L03", SUPPLEMENT | aged(16, 3350), [STEP_DOWN], "refer-birth-weight-day-14", name="day-16-stops-step-down"),
    excl("L04", SUPPLEMENT | aged(25, 3350), [STEP_DOWN], "refer-birth-weight-day-21", name="day-25-stops-step-down"),
    excl("L05", SUPPLEMENT | {B + "wet_diapers_24h": 5}, [STEP_DOWN], "refer-few-wet-diapers",
         name="five-wet-diapers-stop-step-down"),
    excl("L05", SUPPLEMENT | {B + "wet_diapers_24h": 3}, [STEP_DOWN, "refer-few-wet-diapers"], "urgent-dehydration",
         name="three-wet-diapers-urgent-supersedes-same-day"),
    excl("L06", SUPPLEMENT | DAY_3_FEW_STOOLS | NOT_IN_YET, [STEP_DOWN], "refer-day-3-few-stools-late-milk",
         name="day-3-stops-step-down"),
    excl("L07", SUPPLEMENT | SLOW_GAIN, [STEP_DOWN], "refer-slow-weight-gain", name="slow-gain-stops-step-down"),
    excl("L08", JAUNDICE | {B + "dehydration_signs": ["lethargy"]}, ["refer-jaundice"], "urgent-jaundice-warning-signs",
         name="urgent-jaundice-supersedes-same-day"),
    excl("L08", aged(3, 3200) | JAUNDICE | {B + "jaundice_since": day(3)}, ["refer-jaundice"],
         "urgent-jaundice-first-day", name="first-day-supersedes-same-day"),
    excl("L10", SUPPLEMENT | {B + "gestational_age_weeks": 35}, [STEP_DOWN], "refer-preterm-lbw",
         name="preterm-stops-step-down"),
    excl("L12", SUPPLEMENT | {LS + "parent.bleeding_concern": "yes"}, [STEP_DOWN],
         "urgent-bleeding-or-infection-after-birth", name="bleeding-stops-step-down"),
    excl("L18", SUPPLEMENT | {LS + "parent.sepsis_signs": "yes"}, [STEP_DOWN], "urgent-breast-or-sepsis-signs",
         name="sepsis-stops-step-down"),
    excl("L20", SUPPLEMENT | {LS + "parent.self_harm_thoughts": "yes"}, [STEP_DOWN], "urgent-self-harm-thoughts",
         name="self-harm-stops-step-down"),
    excl(
        "L17",
        PUMP_DEPENDENT | {LS + "pumping.sessions_24h": 4, "health.breast_problems": ["mastitis"]},
        PUMPING_EXTRAS,
        "pause-extra-removal-breast-inflamed",
        name="mastitis-pauses-pumping-extras",
    ),
    excl(
        "L17",
        PUMP_DEPENDENT | {"goals.asked_about": ["power_pumping"], "health.breast_problems": ["breast_abscess"]},
        ["power-pumping"],
        "pause-extra-removal-breast-inflamed",
        name="abscess-pauses-power-pumping",
    ),
    excl(
        "L17",
        NO_LATCH | {"health.breast_problems": ["red_hot_painful_area"]},
        ["express-after-feeds"],
        "pause-extra-removal-breast-inflamed",
        name="red-area-pauses-expressing-after-feeds",
    ),
]


@pytest.mark.parametrize(("changes", "excluded", "by"), EXCLUSIONS)
def test_exclusion(changes: dict[str, Any], excluded: list[str], by: str) -> None:
    check_exclusion(LIBRARY, plan_for(changes), excluded, by, STEP_DOWN)


def test_l17_pauses_every_supply_building_entry_it_names() -> None:
    """L17: pause L24 (expressing after feeds), L26 (more sessions) and L30 (power pumping), with hands-on and double
    pumping and warmth (ABM #36: no extra pumping to empty, no deep massage)."""
    excludes = set(LIBRARY.rules["pause-extra-removal-breast-inflamed"].entry.excludes)
    assert {"express-after-feeds", "caution-few-pumping-sessions", "power-pumping"} <= excludes
    assert {"hands-on-pumping", "double-pump-both-sides", "warmth-and-massage"} <= excludes


def test_nothing_excluded_is_also_recommended() -> None:
    everything = PUMP_DEPENDENT | SUPPLEMENT | {
        LS + "pumping.sessions_24h": 3,
        "goals.asked_about": ["power_pumping"],
        "health.breast_problems": ["mastitis"],
        B + "wet_diapers_24h": 3,
        B + "dehydration_signs": ["lethargy"],
    }
    plan = plan_for(everything)
    assert plan.item_ids() & plan.excluded_ids() == set()


# ------------------------------------------------------------------------------------------------------------------
# Precedence: a red flag blocks supplement reduction (L33) and the reassurance (L36)
# ------------------------------------------------------------------------------------------------------------------


#: Baby red flags of L01-L10, each for a baby who otherwise could step down (6 weeks, gaining, with a supplement).
BABY_RED_FLAGS: dict[str, dict[str, Any]] = {
    "L01-lethargy": {B + "dehydration_signs": ["lethargy"]},
    "L01-no-urine-12h": {B + "dehydration_signs": ["no_urine_12h"]},
    "L01-hard-to-wake": {LS + "feeding.hard_to_wake": "yes"},
    "L02-lost-11.8-percent": aged(42, 3000),
    "L02-lost-10.1-percent-day-10": aged(10, 3055),
    "L03-below-birth-weight-day-16": aged(16, 3350),
    "L04-below-birth-weight-day-25": aged(25, 3350),
    "L05-five-wet-diapers": {B + "wet_diapers_24h": 5},
    "L05-three-wet-diapers": {B + "wet_diapers_24h": 3},
    "L06-day-3-few-stools-late-milk": DAY_3_FEW_STOOLS | MILK_IN_AT[73],
    "L07-19-g-a-day": SLOW_GAIN,
    "L08-jaundice": JAUNDICE,
    "L08-jaundice-sleepy": JAUNDICE | {B + "dehydration_signs": ["lethargy"]},
    "L08-jaundice-first-day": aged(3, 3200) | JAUNDICE | {B + "jaundice_since": day(3)},
    "L09-fever": {B + "fever": "yes"},
    "L09-38.0-degrees": {B + "temperature_c": 38.0},
    "L10-preterm": {B + "gestational_age_weeks": 35},
    "L10-low-birth-weight": {B + "birth_weight_g": 2400},
}


def flag_params(flags: dict[str, dict[str, Any]], xfail: dict[str, str] | None = None) -> list[Any]:
    xfail = xfail or {}
    return [
        pytest.param(
            changes,
            id=label,
            marks=[pytest.mark.xfail(strict=True, reason=xfail[label])] if label in xfail else [],
        )
        for label, changes in flags.items()
    ]


#: The parent's URGENT items (L12, L18, L20): an emergency comes first.
PARENT_URGENT = [
    pytest.param({LS + "parent.bleeding_concern": "yes"}, id="L12-bleeding"),
    pytest.param({"health.fever": "yes", LS + "parent.foul_discharge": "yes"}, id="L12-fever-and-discharge"),
    pytest.param({LS + "parent.sepsis_signs": "yes"}, id="L18-sepsis-signs"),
    pytest.param({LS + "parent.breast_lump_soft": "yes"}, id="L18-fluctuant-lump"),
    pytest.param({LS + "parent.self_harm_thoughts": "yes"}, id="L20-self-harm-thoughts"),
]
BABY_ROWS = {f"L{n:02d}" for n in range(1, 11)}


def _baby_red_flags(plan: Plan) -> list[str]:
    """Urgent items and referrals about the baby: the baby's doctor is the one the letter goes to (L32's request for
    amounts is about the supplement, not a red flag)."""
    return [
        i.id
        for i in plan.items()
        if i.kind in ("urgent", "referral")
        and i.letter is not None
        and i.letter.to == "baby_clinician"
        and i.id != "amounts-set-with-doctor"
    ]


def test_the_step_down_needs_no_red_flag() -> None:
    plan = plan_for(SUPPLEMENT)
    assert STEP_DOWN in plan.item_ids()
    assert all(f.step_down for f in plan.feeding)


@pytest.mark.parametrize(
    "changes",
    [
        *flag_params(BABY_RED_FLAGS),
        *PARENT_URGENT,
    ],
)
def test_a_red_flag_blocks_supplement_reduction(changes: dict[str, Any]) -> None:
    plan = plan_for(SUPPLEMENT | changes)
    flags = [i.id for i in plan.items() if i.kind in ("urgent", "referral") and set(i.rules) & set(L_ROWS[:22])]
    assert flags, "the case should raise an urgent item or a referral of L01-L22"
    assert STEP_DOWN not in plan.item_ids(), f"the step-down stays beside {flags}"
    assert all(not f.step_down for f in plan.feeding), f"a step-down schedule beside {flags}"




@pytest.mark.parametrize(
    "changes",
    [
        *flag_params(BABY_RED_FLAGS),
        pytest.param({B + "concerns": ["tongue_tie"]}, id="L22-tongue-tie"),
        pytest.param({B + "concerns": ["weak_suck"]}, id="L22-weak-suck"),
        pytest.param(aged(100, 5800) | {B + "fever": "yes"}, id="fever-at-100-days"),
        pytest.param({B + "stool_colour": "pale_or_white"}, id="pale-stools"),
        pytest.param(aged(6) | {B + "stool_colour": "black_meconium"}, id="black-stools-day-6"),
        pytest.param({B + "vomiting": "green"}, id="green-vomit"),
        pytest.param({B + "vomiting": "forceful"}, id="forceful-vomiting"),
        pytest.param({B + "concerns": ["formula_intolerance"]}, id="formula-intolerance"),
    ],
)
def test_a_baby_red_flag_suppresses_the_reassurance(changes: dict[str, Any]) -> None:
    for extra in ({}, SUPPLEMENT):
        plan = plan_for(extra | changes)
        flags = _baby_red_flags(plan)
        assert flags, "the case should raise an urgent item or a referral about the baby"
        assert "expect-signs-baby-gets-enough" not in plan.item_ids(), f"L36 beside {flags}"


_SWEEP = [
    p.values[1]
    for p in [*FIRES, *NOT_FIRES]
    if not p.marks
]


def test_the_reassurance_never_stands_beside_a_baby_red_flag_in_any_case_of_this_file() -> None:
    checked = 0
    for changes in _SWEEP:
        assert isinstance(changes, dict)
        for extra in ({}, SUPPLEMENT):
            plan = plan_for(extra | changes)
            flags = [f for f in _baby_red_flags(plan) if f != "refer-suck-assessment"]
            if flags:
                checked += 1
                assert "expect-signs-baby-gets-enough" not in plan.item_ids(), (changes, flags)
    assert checked > 50


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({B + "dehydration_signs": ["lethargy"]}, id="L01-lethargy"),
        pytest.param({LS + "feeding.hard_to_wake": "yes"}, id="L01-hard-to-wake"),
        pytest.param({B + "wet_diapers_24h": 3}, id="L05-three-wet-diapers"),
        pytest.param({B + "dehydration_signs": ["no_urine_12h"]}, id="L05-no-urine-12h"),
        pytest.param(JAUNDICE | {B + "dehydration_signs": ["lethargy"]}, id="L08-jaundice-sleepy"),
        pytest.param({B + "fever": "yes"}, id="L09-fever"),
    ],
)
def test_the_day_14_referral_is_escalated_by_an_urgent_sign(changes: dict[str, Any]) -> None:
    """L03: escalate to URGENT if L01, L05-urgent, L08 or L09 also fire; the urgent item comes first."""
    plan = plan_for(aged(16, 3350) | changes)
    assert plan.urgent(), "an urgent item should be in the plan"
    assert plan.items()[0].kind == "urgent"


def test_no_supplement_for_perception_alone() -> None:
    """L36: fussing, frequent feeds, soft breasts and low pump output are not a reason to start a supplement."""
    every_worry = [r for r in get_args(ConcernReason) if r not in ("weight_check", "other")]  # perceived signs
    plan = plan_for(PUMPS_AFTER_FEEDS | {LS + "parent.reasons_for_concern": every_worry})
    assert "expect-signs-baby-gets-enough" in plan.item_ids()
    assert plan.item_ids() & _encoding("L32") == set()
    assert plan.feeding == []


# ------------------------------------------------------------------------------------------------------------------
# Parameters at their defaults (recheck_days 5, epds_cutoff 10, no_milk_refer_day 4, risk_window_days 28)
# ------------------------------------------------------------------------------------------------------------------


def test_the_library_uses_the_default_parameters() -> None:
    assert LIBRARY.parameters == DEFAULTS
    assert Parameters(recheck_days=5, epds_cutoff=10, no_milk_refer_day=4, risk_window_days=28) == DEFAULTS


def test_recheck_days_sets_the_reassessment_and_the_late_milk_weight_check() -> None:
    plan = plan_for(aged(10) | MILK_IN_AT[73])
    texts = {i.id: i.text for i in plan.items()}
    assert "in about 5 days" in texts["reassess-the-plan"]
    assert "within 5 days" in texts["expect-milk-came-in-late"]


@pytest.mark.parametrize(("epds", "referred"), [(0, False), (9, False), (10, True), (11, True), (30, True)])
def test_epds_cutoff(epds: int, referred: bool) -> None:
    ids = plan_for({LS + "parent.epds": epds}).item_ids()
    assert ("refer-mood-check" in ids) is referred
    assert ("expect-wellbeing-first" in ids) is referred


def test_epds_under_the_cutoff_with_low_mood_still_refers() -> None:
    ids = plan_for({LS + "parent.epds": 9, LS + "parent.depression_symptoms": "yes"}).item_ids()
    assert "refer-mood-check" in ids


@pytest.mark.parametrize(("age", "referred"), [(2, False), (3, False), (4, True), (5, True), (10, True)])
def test_no_milk_refer_day(age: int, referred: bool) -> None:
    ids = plan_for(aged(age, 3200) | NOT_IN_YET).item_ids()
    assert ("refer-milk-not-in" in ids) is referred


@pytest.mark.parametrize(("age", "shown"), [(5, True), (27, True), (28, True), (29, False), (42, False)])
def test_risk_window_days(age: int, shown: bool) -> None:
    ids = plan_for(aged(age, 3700) | {LS + "birth.mode": "emergency_caesarean"}).item_ids()
    assert ("expect-late-milk-risk-factors" in ids) is shown


def test_a_practice_moves_a_boundary(tmp_path: Path) -> None:
    """The boundaries follow the parameters, not numbers written into the entries."""
    folder = tmp_path / "practice"
    folder.mkdir()
    (folder / "settings.yaml").write_text(
        "parameters:\n  no_milk_refer_day: 3\n  epds_cutoff: 13\n  recheck_days: 7\n  risk_window_days: 14\n",
        encoding="utf-8",
    )
    practice = load_library(folder, plan_type="low-supply")
    day_3 = build_plan(make(aged(3, 3200) | NOT_IN_YET), practice)
    assert "refer-milk-not-in" in day_3.item_ids()
    assert "within 7 days" in next(i.text for i in day_3.items() if i.id == "expect-milk-came-in-late")
    assert "in about 7 days" in next(i.text for i in day_3.items() if i.id == "reassess-the-plan")
    assert "refer-mood-check" not in build_plan(make({LS + "parent.epds": 12}), practice).item_ids()
    caesarean = {LS + "birth.mode": "emergency_caesarean"}
    assert "expect-late-milk-risk-factors" not in build_plan(make(aged(15, 3700) | caesarean), practice).item_ids()


# ------------------------------------------------------------------------------------------------------------------
# The birth-weight conflict: L03 (REFER at day 14, both positions) and L04 (3 weeks)
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [14, 17, 20])
def test_day_14_to_20_below_birth_weight_shows_both_positions(age: int) -> None:
    plan = plan_for(aged(age, 3350))
    assert "refer-birth-weight-day-14" in plan.item_ids()
    assert "refer-birth-weight-day-21" not in plan.item_ids()
    item = next(i for i in plan.items() if i.id == "refer-birth-weight-day-14")
    assert item.kind == "referral"
    assert "10 to 14 days" in item.text and "US" in item.text
    assert "3 weeks" in item.text and "NICE" in item.text
    assert "10-14 days" in item.clinician_note and "3 weeks" in item.clinician_note
    assert "14%" in item.clinician_note and "24%" in item.clinician_note  # PAUL16: not back by day 14
    assert item.letter is not None
    assert "10-14 days" in item.letter.request and "3 weeks" in item.letter.request


@pytest.mark.parametrize("age", [21, 30, 60])
def test_day_21_and_later_below_birth_weight_is_l04(age: int) -> None:
    plan = plan_for(aged(age, 3350))
    assert "refer-birth-weight-day-21" in plan.item_ids()
    assert "refer-birth-weight-day-14" not in plan.item_ids()
    assert not plan.urgent(), "not back by 3 weeks alone is a referral, not an emergency"


# ------------------------------------------------------------------------------------------------------------------
# Prescription galactogogues are always a referral (L45-L47): never a dose
# ------------------------------------------------------------------------------------------------------------------

EVERY_MEDICINE_QUESTION = {
    "goals.prescription_discussion": "yes",
    "goals.asked_about": ["prescription_medicine", "metformin"],
    "consult.jurisdiction": "unknown",  # every domperidone position
    "health.medications": [
        {"name": "metoclopramide", "classes": ["metoclopramide"]},
        {"name": "metformin", "classes": ["antidiabetic"]},
        {"name": "domperidone", "classes": ["domperidone"]},
    ],
}


def test_no_item_gives_a_dose() -> None:
    plan = plan_for(EVERY_MEDICINE_QUESTION)
    assert {
        "expect-milk-medicine",
        "caution-metoclopramide-movement-risk",
        "refer-metformin-question",
        "refer-prescription-galactogogue",
    } <= plan.item_ids()
    for item in plan.items():
        words = [item.title, item.text, item.why, item.because, item.short, item.avoid_if]
        if item.letter is not None:
            words.append(item.letter.request)
        for text in (w for w in words if w):
            assert "mg" not in text.lower(), f"{item.id}: {text}"
            assert not re.search(r"\b(mcg|µg|milligrams?|micrograms?)\b", text, re.I), f"{item.id}: {text}"


def test_prescription_galactogogues_are_referrals() -> None:
    plan = plan_for(EVERY_MEDICINE_QUESTION)
    kinds = {i.id: i.kind for i in plan.items()}
    assert kinds["refer-prescription-galactogogue"] == "referral"
    assert kinds["refer-metformin-question"] == "referral"
    letter = next(i.letter for i in plan.items() if i.id == "refer-metformin-question")
    assert letter is not None and letter.to == "prescriber"


def test_no_tongue_tie_release_technique_is_suggested() -> None:
    """L22: never suggest laser, 'posterior', lip or buccal release, or wound stretching."""
    plan = plan_for({B + "concerns": ["tongue_tie", "weak_suck"]})
    banned = re.compile(r"\b(laser|posterior|buccal|lip[- ]?ties?|lip release|stretch\w*)\b", re.I)
    for item in plan.items():
        for text in (t for t in (item.title, item.text, item.why, item.because) if t):
            assert not banned.search(text), f"{item.id}: {text}"


# ------------------------------------------------------------------------------------------------------------------
# The rows the entries name
# ------------------------------------------------------------------------------------------------------------------


def test_entries_name_only_rows_that_exist() -> None:
    for rule_id, rule in LIBRARY.rules.items():
        for row in rule.entry.rules:
            assert row in L_ROWS or row in R_ROWS, f"{rule_id} names {row}, which is not a row of either table"


def test_every_l_row_is_encoded() -> None:
    assert set(L_ROWS) - LIBRARY.encoded_rule_rows() == set()


# ------------------------------------------------------------------------------------------------------------------
# The README's coverage table
# ------------------------------------------------------------------------------------------------------------------


def test_every_l_row_is_in_the_readme_coverage_table() -> None:
    check_every_row_documented(LIBRARY, L_ROWS, readme_rows(README, "L"))


@pytest.mark.parametrize("row", L_ROWS)
def test_readme_coverage_table_matches_the_library(row: str) -> None:
    check_row(LIBRARY, row, readme_rows(README, "L")[row])
