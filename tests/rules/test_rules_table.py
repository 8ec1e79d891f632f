"""The rule table (evidence §9, as corrected by §12), one row at a time.

Every library entry has at least one intake in which it must fire and, unless it always applies, one in which it
must not. Exclusions are checked both ways: the excluded entry is absent from the plan's items and present in its
exclusions. Each intake is a small, valid base intake with a few changes given as dotted paths.

The last tests check the library's README: every row of §9 is encoded by an entry or listed there as left out.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from careplan.intake import Intake
from careplan.plan import Plan
from careplan.rules.engine import build_plan
from careplan.rules.library import load_library
from tests.conftest import BASE_INTAKE, ROOT, make_intake
from tests.helpers.coverage import check_every_row_documented, check_exclusion, check_row, readme_rows
from tests.helpers.coverage import fired as fired_in

LIBRARY = load_library()
README = ROOT / "careplan" / "plantypes" / "relactation" / "README.md"

#: The rows that exist in §9 of the evidence file (R36-R39 were never defined).
SECTION_9_ROWS = [f"R{n:02d}" for n in [*range(1, 36), *range(40, 48)]]

#: The rows of the low-supply table (low-supply evidence §6), which entries of the shared library also encode.
LOW_SUPPLY_ROWS = [f"L{n:02d}" for n in range(1, 49)]

#: A well, term, 6-week-old baby who latches; a parent with a known, clear history; no herbs, no medicines.
BASE: dict[str, Any] = BASE_INTAKE


# Reusable changes ------------------------------------------------------------------------------------------------
B = "babies.0."
HERBS = {"goals.herbs_interest": "yes"}
RX = {"goals.prescription_discussion": "yes"}
OLDER_BABY = {B + "birth_date": "2026-01-01"}  # 17 weeks on the consult date
NEVER_LACTATED = {
    "lactation.ever_lactated": "no",
    "lactation.breastfed_this_baby": "no",
    "lactation.duration_weeks": None,
    "lactation.last_milk_removal": None,
    "lactation.full_supply_before": "no",
    B + "latches": "no",
}
SLOW_GAIN = {B + "earlier_weights": [{"date": "2026-04-20", "grams": 4200}]}  # 10 g/day


def med(*classes: str, name: str = "a medicine") -> dict[str, Any]:
    return {"health.medications": [{"name": name, "classes": list(classes)}]}


def twins() -> dict[str, Any]:
    second = copy.deepcopy(BASE["babies"][0]) | {"name": "River"}
    return {"babies": [copy.deepcopy(BASE["babies"][0]), second]}


def make(changes: dict[str, Any]) -> Intake:
    return make_intake(**changes)


def plan_for(changes: dict[str, Any]) -> Plan:
    return build_plan(make(changes), LIBRARY)


def fired(plan: Plan, entry_id: str) -> bool:
    return fired_in(LIBRARY, plan, entry_id)


def case(row: str, entry: str, changes: dict[str, Any] | None = None, *, name: str) -> Any:
    return pytest.param(entry, changes or {}, id=f"{row}-{name}")


# ------------------------------------------------------------------------------------------------------------------
# Must fire
# ------------------------------------------------------------------------------------------------------------------

FIRES = [
    # Milk removal (R01) and the brief's levers
    case("R01", "milk-removal-frequency", name="always"),
    case("R01", "hands-on-pumping", name="always"),
    case("R01", "double-pumping", name="has-a-double-pump"),
    case("R01", "double-pumping", {"situation.pump": "manual"}, name="single-pump-asks-for-double"),
    case("R01", "night-milk-removal", name="always"),
    case("lever", "pump-comfort-fit", name="has-a-pump"),
    case(
        "lever",
        "pump-comfort-fit",
        {"situation.pump": "none", "lactation.stop_reasons": ["pain"]},
        name="stopped-for-pain",
    ),
    case("lever", "warmth-and-massage", name="always"),
    case("lever", "power-pumping", {"goals.asked_about": ["power_pumping"]}, name="asked"),
    # Feeding (R02, R04, R10, R13, R44, R47, §12.8)
    case("R02", "supplement-how", name="always"),
    case("R03", "skin-to-skin", name="always"),
    case("R03", "baby-not-latching-yet", {B + "latches": "no"}, name="does-not-latch"),
    case("R03", "baby-not-latching-yet", {B + "latches": "unknown"}, name="latch-unknown"),
    case("R03", "baby-not-latching-yet", {B + "concerns": ["breast_refusal"]}, name="breast-refusal"),
    case("R04", "at-breast-supplementer", name="baby-latches"),
    case("S12.8", "supplement-amount", name="always"),
    case("R10", "supplement-step-down", name="supplement-and-wants-to-reduce"),
    case("R13", "weight-check-needed", {B + "current_weight_g": None, B + "weighed_on": None}, name="no-weight"),
    case("R13", "weight-check-needed", {B + "weighed_on": "2026-04-10"}, name="weight-over-2-weeks-old"),
    case("R44", "emergency-setting", {"consult.setting": "emergency"}, name="emergency"),
    case("R44", "refer-severe-malnutrition", {"health.conditions": ["malnutrition_severe"]}, name="severe"),
    case("R47", "older-baby-6-months", {B + "birth_date": "2025-10-01"}, name="7-months"),
    # Closeness (R46)
    case("R46", "co-bathing", {"goals.asked_about": ["co_bathing"]}, name="asked"),
    case("R46", "co-bathing", {B + "concerns": ["breast_refusal"]}, name="breast-refusal"),
    # Expectations (R05-R09, R21, R22)
    case("AUER80", "expect-relationship-not-volume", name="always"),
    case("R09", "expect-timeline", name="always"),
    case("R12", "help-emergency", name="always"),
    case("R12", "help-same-day", name="always"),
    case("REV97", "help-for-you", name="always"),
    case("ABM36", "help-breast", name="always"),
    case("R05", "expect-younger-baby", name="6-weeks"),
    case("R06", "expect-older-baby", OLDER_BABY, name="17-weeks"),
    case("R07", "expect-short-gap", {"lactation.last_milk_removal": "2026-04-25"}, name="6-days"),
    case("R07", "expect-longer-gap", name="3-weeks"),
    case("R07", "expect-longer-gap", {"lactation.last_milk_removal": None}, name="gap-unknown"),
    case("R08", "expect-limited-volume", {"lactation.full_supply_before": "no"}, name="no-full-supply"),
    case("R08", "expect-induced-lactation", NEVER_LACTATED, name="never-lactated"),
    case("IFE2", "expect-after-menopause", {"parent.menopause": "postmenopause"}, name="postmenopause"),
    case("R21", "expect-supply-may-be-limited-health", {"health.conditions": ["pcos"]}, name="pcos"),
    case("R21", "expect-supply-may-be-limited-health", {"health.bmi": 31.0}, name="bmi-31"),
    case(
        "R22",
        "expect-breast-reduction",
        {"health.breast_surgeries": [{"kind": "reduction", "tissue_preserved": "none"}]},
        name="reduction",
    ),
    # Infant red flags (R11-R14)
    case("R11", "urgent-weight-loss", {B + "current_weight_g": 2900}, name="lost-15-percent"),
    case("R11", "urgent-weight-loss", {B + "current_weight_g": 3300}, name="below-birth-weight-at-6-weeks"),
    case("R12", "urgent-dehydration", {B + "wet_diapers_24h": 3}, name="3-wet-diapers"),
    case("R12", "urgent-dehydration", {B + "dehydration_signs": ["no_urine_12h"]}, name="no-urine-12h"),
    case("R12", "urgent-dehydration", {B + "dehydration_signs": ["lethargy"]}, name="lethargy"),
    case("R12", "refer-few-wet-diapers", {B + "wet_diapers_24h": 5}, name="5-wet-diapers"),
    case("R12", "refer-few-wet-diapers", {B + "wet_diapers_24h": None}, name="diapers-not-counted"),
    case("R13", "refer-slow-weight-gain", SLOW_GAIN, name="10-g-a-day"),
    case("R14", "refer-preterm-lbw", {B + "gestational_age_weeks": 34}, name="preterm"),
    case("R14", "refer-preterm-lbw", {B + "birth_weight_g": 2300}, name="low-birth-weight"),
    case("R14", "refer-birth-details-unknown", {B + "gestational_age_weeks": None}, name="gestation-unknown"),
    case("R14", "refer-birth-details-unknown", {B + "birth_weight_g": None}, name="birth-weight-unknown"),
    # Parent's health (R18-R21, §12.1)
    case("R18", "refer-possible-sheehan", {"health.conditions": ["severe_postpartum_haemorrhage"]}, name="pph"),
    case("R18", "refer-possible-sheehan", {"health.conditions": ["no_periods_and_fatigue"]}, name="amenorrhoea"),
    case("R19", "refer-retained-placenta", {"health.conditions": ["retained_placenta_suspected"]}, name="suspected"),
    case("R20", "refer-thyroid", {"health.conditions": ["hypothyroidism"]}, name="hypothyroid"),
    case("R20", "refer-thyroid", {"health.medications": [{"name": "levothyroxine"}]}, name="levothyroxine"),
    case("R21", "refer-hormones-glandular", {"health.conditions": ["diabetes_type_2"]}, name="diabetes"),
    case("R21", "refer-hormones-glandular", {"health.igt_signs": ["tubular_or_cone_shaped"]}, name="igt-signs"),
    case("R21", "check-other-condition", {"health.conditions": ["other"], "health.conditions_other": "Sjogren's"},
         name="other-condition-named"),
    case("R21", "check-other-condition", {"health.conditions": ["other"]}, name="other-condition-unnamed"),
    case("S12.1", "refer-theca-lutein-cyst", {"health.conditions": ["theca_lutein_cyst"]}, name="cyst"),
    case("S12.1", "refer-placenta-capsules", {"health.placenta_capsules": "yes"}, name="capsules"),
    case("S12.1", "refer-heavy-smoking-alcohol", {"health.smokes": "heavy"}, name="heavy-smoking"),
    case("S12.1", "refer-heavy-smoking-alcohol", {"health.alcohol": "heavy"}, name="heavy-alcohol"),
    # Medicines (R15-R17, R32-R35)
    case("R15", "medicines-not-known", {"health.medications": None}, name="medicines-unknown"),
    case("R15", "caution-pseudoephedrine", {"health.medications": [{"name": "Sudafed"}]}, name="sudafed"),
    case("R16", "refer-estrogen-contraception", med("estrogen_contraceptive"), name="estrogen"),
    case("R16", "caution-progestin-contraception", med("progestin_only_contraceptive"), name="progestin-only"),
    case("R17", "refer-lactation-suppressing-drug", med("cabergoline"), name="cabergoline"),
    case("R17", "refer-lactation-suppressing-drug", med("bromocriptine"), name="bromocriptine"),
    case("R32", "refer-prescription-galactogogue", RX, name="wants-to-discuss"),
    case("R32", "refer-prescription-galactogogue", {"goals.asked_about": ["prescription_medicine"]}, name="asked"),
    case("R32", "refer-prescription-galactogogue", med("domperidone"), name="already-takes-domperidone"),
    case("R35", "domperidone-position-us", RX, name="us"),
    case("R35", "domperidone-position-us", RX | {"consult.jurisdiction": "unknown"}, name="unknown-shows-all"),
    case("R33", "domperidone-position-uk-eu", RX | {"consult.jurisdiction": "UK"}, name="uk"),
    case("R33", "domperidone-position-uk-eu", RX | {"consult.jurisdiction": "unknown"}, name="unknown-shows-all"),
    case("R32", "domperidone-position-australia", RX | {"consult.jurisdiction": "AU"}, name="au"),
    case("R32", "domperidone-position-australia", RX | {"consult.jurisdiction": "other"}, name="other-shows-all"),
    case(
        "R33",
        "caution-domperidone-heart-liver",
        RX | {"health.conditions": ["heart_rhythm_problem"]},
        name="heart-rhythm",
    ),
    case("R33", "caution-domperidone-heart-liver", RX | med("qt_prolonging"), name="qt-drug"),
    case("R33", "caution-domperidone-heart-liver", RX | {"health.conditions": None}, name="history-unknown"),
    case("R34", "caution-metoclopramide-depression", RX | {"health.conditions": ["depression"]}, name="depression"),
    case("R34", "caution-stopping-metoclopramide", med("metoclopramide"), name="takes-it"),
    # Herbs (R23-R31, §12.7)
    case("R23", "herbs-caution-general", HERBS, name="open-to-herbs"),
    case("R23", "herbs-caution-general", {"goals.asked_about": ["herbs"]}, name="asked"),
    case("R23", "herbs-caution-general", {"goals.herbs_taken": ["moringa"]}, name="already-takes-one"),
    *[
        case("R23", f"herb-{herb.replace('_', '-')}", HERBS, name=f"{herb}-opt-in")
        for herb in [
            "fenugreek",
            "goats_rue",
            "moringa",
            "shatavari",
            "alfalfa",
            "stinging_nettle",
            "blessed_thistle",
            "milk_thistle",
        ]
    ],
    *[
        case("R23", f"herb-{herb.replace('_', '-')}", {"goals.herbs_taken": [herb]}, name=f"{herb}-already-taken")
        for herb in [
            "fenugreek",
            "goats_rue",
            "moringa",
            "shatavari",
            "alfalfa",
            "stinging_nettle",
            "blessed_thistle",
            "milk_thistle",
        ]
    ],
    case("R31", "herb-stinging-nettle", HERBS, name="nettle-warning-in-text"),
    case("R23", "herb-other-products", {"goals.herbs_taken": ["blend"]}, name="blend"),
    case("R23", "herb-other-products", {"goals.herbs_taken": ["fennel"]}, name="fennel"),
    case("R23", "exclude-herbs-history-unknown", HERBS | {"health.allergies": None}, name="allergies-unknown"),
    case("R23", "exclude-herbs-history-unknown", HERBS | {"health.medications": None}, name="medicines-unknown"),
    case("R23", "exclude-herbs-history-unknown", HERBS | {"health.conditions": None}, name="conditions-unknown"),
    case("R24", "exclude-fenugreek-legume-allergy", HERBS | {"health.allergies": ["peanut"]}, name="peanut"),
    case("R24", "exclude-fenugreek-legume-allergy", HERBS | {"health.allergies": ["chickpea"]}, name="chickpea"),
    case("R24", "exclude-fenugreek-legume-allergy", HERBS | {"health.conditions": ["asthma"]}, name="asthma"),
    case(
        "R25",
        "exclude-goats-rue-fenugreek-diabetes",
        HERBS | {"health.conditions": ["diabetes_type_1"]},
        name="diabetes",
    ),
    case(
        "R25",
        "exclude-goats-rue-fenugreek-diabetes",
        HERBS | {"health.medications": [{"name": "metformin"}]},
        name="metformin",
    ),
    case(
        "R25",
        "stop-herb-not-for-you",
        {"health.conditions": ["diabetes_type_2"], "goals.herbs_taken": ["goats_rue"]},
        name="takes-goats-rue",
    ),
    case(
        "R24",
        "stop-herb-not-for-you",
        {"health.allergies": ["peanut"], "goals.herbs_taken": ["blend"], "goals.blend_herbs": ["fenugreek", "fennel"]},
        name="peanut-allergy-takes-a-fenugreek-blend",
    ),
    case(
        "R23",
        "herb-other-products",
        {"goals.herbs_taken": ["blend"]},
        name="blend-label-unknown",
    ),
    case(
        "R26",
        "exclude-fenugreek-alfalfa-anticoagulant",
        HERBS | {"health.medications": [{"name": "warfarin"}]},
        name="warfarin",
    ),
    case("R27", "caution-moringa-clotting", HERBS | {"health.conditions": ["clotting_disorder"]}, name="clotting"),
    case(
        "R27",
        "caution-moringa-clotting",
        {"goals.herbs_taken": ["moringa"]} | med("anticoagulant"),
        name="anticoagulant",
    ),
    case("R28", "exclude-alfalfa-lupus", HERBS | {"health.conditions": ["lupus"]}, name="lupus"),
    case("R29", "exclude-thistles-daisy-family-allergy", HERBS | {"health.allergies": ["ragweed"]}, name="ragweed"),
    case("R29", "exclude-thistles-daisy-family-allergy", HERBS | {"health.allergies": ["kiwi"]}, name="kiwi"),
    case("R30", "caution-shatavari-asparagus", HERBS | {"health.allergies": ["asparagus"]}, name="asparagus"),
    case("R30", "caution-shatavari-asparagus", HERBS | {"health.allergies": ["onion_family"]}, name="onion"),
    case("S12.7", "caution-goats-rue-legume-family", HERBS | {"health.allergies": ["peanut"]}, name="peanut"),
    case("S12.7", "caution-alfalfa-legume-family", HERBS | {"health.allergies": ["soy"]}, name="soy"),
    # Sleep (R40-R43)
    case("R42", "sleep-bedsharing-side-by-side", name="no-hazard"),
    case("AAP22", "sleep-safe-basics", name="always"),
    case("R43", "sleep-young-baby-note", name="6-weeks"),
    # Wellbeing and other options (R45)
    case("REV97", "support-network", name="always"),
    case("IFE2", "eat-and-drink", name="always"),
    case("practice", "relaxation-let-down", name="always"),
    case("R45", "bodywork-no-evidence", {"goals.asked_about": ["bodywork"]}, name="asked"),
]

#: Every way a sleep hazard can be present (R14, R40, R41, addendum §12.4); unknown answers count as hazards.
HAZARDS = {
    "parent-smokes": {"health.smokes": "yes"},
    "smoker-in-home-even-if-not-in-bed": {"health.household_smoke": "yes"},
    "smoking-unknown": {"health.smokes": "unknown"},
    "regular-alcohol": {"health.alcohol": "regular"},
    "alcohol-unknown": {"health.alcohol": "unknown"},
    "sedating-drugs": {"health.sedating_substances": "yes"},
    "sedating-medicine": med("sedating"),
    "sedating-unknown": {"health.sedating_substances": "unknown"},
    "preterm": {B + "gestational_age_weeks": 35},
    "gestation-unknown": {B + "gestational_age_weeks": None},
    "low-birth-weight": {B + "birth_weight_g": 2400},
    "birth-weight-unknown": {B + "birth_weight_g": None},
    "sofa": {"situation.bed_hazards": ["sofa_or_armchair"]},
    "sleeps-on-sofa": {B + "sleeps": "sofa_or_armchair"},
    "waterbed-or-old-mattress": {"situation.bed_hazards": ["waterbed_or_soft_mattress"]},
    "soft-bedding": {"situation.bed_hazards": ["soft_bedding_or_pillows"]},
    "other-children-in-bed": {"situation.bed_hazards": ["other_children_in_bed"]},
    "twins": twins(),
    "pets": {"situation.bed_hazards": ["pets_in_bed"]},
    "gaps": {"situation.bed_hazards": ["gaps_near_bed"]},
    "carer-not-a-parent": {"parent.relationship": "grandparent"},
    "never-breastfed-and-no-latch": NEVER_LACTATED,
}
FIRES += [case("R40", "sleep-hazard-no-bedsharing", changes, name=label) for label, changes in HAZARDS.items()]

# Red flags beyond weight and wet diapers, amounts, medicines and follow-ups (issue 1/9) -----------------------------
NEWBORN = {  # 3 days old on the consult date, weighed today, no lactation history that predates the birth
    B + "birth_date": "2026-04-28",
    B + "weighed_on": "2026-05-01",
    B + "current_weight_g": 3300,
    "lactation.last_milk_removal": None,
    "lactation.duration_weeks": None,
}
FIRES += [
    case("fever", "urgent-fever-young-baby", {B + "fever": "yes"}, name="fever-at-6-weeks"),
    case("fever", "urgent-fever-young-baby", {B + "temperature_c": 38.2}, name="38.2-degrees"),
    case("fever", "refer-fever-older-baby", OLDER_BABY | {B + "fever": "yes"}, name="fever-at-17-weeks"),
    case("jaundice", "urgent-jaundice-first-day", NEWBORN | {B + "jaundice": "yes", B + "jaundice_since": "2026-04-28"},
         name="first-day"),
    case("jaundice", "urgent-jaundice-warning-signs", {B + "jaundice": "yes", B + "dehydration_signs": ["lethargy"]},
         name="sleepy"),
    case("jaundice", "refer-jaundice", {B + "jaundice": "yes"}, name="jaundice-yes"),
    case("jaundice", "refer-jaundice", {B + "concerns": ["jaundice"]}, name="jaundice-as-concern"),
    case("stools", "refer-pale-stools", {B + "stool_colour": "pale_or_white"}, name="pale"),
    case("output", "refer-output-first-days", NEWBORN | {B + "wet_diapers_24h": 2}, name="2-wet-on-day-3"),
    case("output", "refer-output-first-days", NEWBORN | {B + "dirty_diapers_24h": None}, name="stools-uncounted"),
    case("stools", "refer-few-stools", {"babies.0.birth_date": "2026-04-10", B + "dirty_diapers_24h": 1,
                                        "lactation.last_milk_removal": None, "lactation.duration_weeks": None},
         name="1-stool-at-3-weeks"),
    case("stools", "refer-black-stools", {"babies.0.birth_date": "2026-04-24", B + "stool_colour": "black_meconium",
                                        B + "current_weight_g": 3350,
                                        "lactation.last_milk_removal": None, "lactation.duration_weeks": None},
         name="meconium-at-day-7"),
    case("stools", "refer-black-stools", {"babies.0.birth_date": "2025-11-01", B + "stool_colour": "black_meconium",
                                          "lactation.last_milk_removal": None, "lactation.duration_weeks": None},
         name="black-at-6-months"),
    case("vomit", "urgent-green-vomit", {B + "vomiting": "green"}, name="green"),
    case("vomit", "refer-vomiting-or-intolerance", {B + "vomiting": "forceful"}, name="forceful"),
    case(
        "vomit",
        "refer-vomiting-or-intolerance",
        {B + "concerns": ["formula_intolerance"], B + "vomiting": "sometimes"},
        name="intolerance-with-vomiting",
    ),
    case("suck", "refer-suck-assessment", {B + "concerns": ["tongue_tie"]}, name="tongue-tie"),
    case("suck", "refer-suck-assessment", {B + "concerns": ["weak_suck"]}, name="weak-suck"),
    case("breast", "refer-breast-inflammation", {"health.breast_problems": ["mastitis"]}, name="mastitis"),
    case("breast", "refer-breast-inflammation", {"health.breast_problems": ["breast_abscess"]}, name="abscess"),
    case("breast", "refer-breast-inflammation", {"health.fever": "yes"}, name="parent-fever"),
    case("breast", "pause-extras-breast-inflamed", {"health.breast_problems": ["red_hot_painful_area"]},
         name="red-hot-area-pauses-extras"),
    case("breast", "refer-nipple-damage", {"health.breast_problems": ["nipple_damage"]}, name="nipple-damage"),
    case("amounts", "amounts-set-with-doctor", {B + "birth_weight_g": None}, name="birth-weight-unknown"),
    case("amounts", "amounts-set-with-doctor", {"lactation.current_output": "none"}, name="no-milk-yet"),
    case("medicine", "check-unrecognised-medicines", {"health.medications": [{"name": "Zyxor"}]}, name="unknown-name"),
    case("medicine", "refer-medicine-of-concern", med("of_concern", name="lithium"), name="lithium"),
    case("R20", "refer-thyroid",
         {"health.medications": [{"name": "levothyroxine", "status": "stopped", "stop_reason": "felt fine"}]},
         name="stopped-levothyroxine"),
    case("R09", "expect-supply-growing", {"progress": [{"date": "2026-04-24", "expressed_ml_per_24h": 320}]},
         name="making-320-ml"),
    case("R44", "exclude-equipment-in-emergency", {"consult.setting": "emergency"}, name="emergency"),
]


@pytest.mark.parametrize(("entry_id", "changes"), FIRES)
def test_entry_fires(entry_id: str, changes: dict[str, Any]) -> None:
    plan = plan_for(changes)
    assert fired(plan, entry_id), f"{entry_id} should be in the plan"


# ------------------------------------------------------------------------------------------------------------------
# Must not fire
# ------------------------------------------------------------------------------------------------------------------

NOT_FIRES = [
    case("R01", "double-pumping", {"situation.pump": "none"}, name="no-pump"),
    case("lever", "pump-comfort-fit", {"situation.pump": "none"}, name="no-pump-no-pain"),
    case("lever", "power-pumping", name="not-asked"),
    case("R03", "baby-not-latching-yet", name="latches"),
    case("R04", "at-breast-supplementer", {B + "latches": "no"}, name="does-not-latch"),
    case("R04", "at-breast-supplementer", {B + "latches": "unknown"}, name="latch-unknown"),
    case("R10", "supplement-step-down", {"goals.reduce_supplement": "not_yet"}, name="not-yet"),
    case("R10", "supplement-step-down", {B + "feeding.supplement_ml_per_24h": 0}, name="no-supplement"),
    case("R13", "weight-check-needed", name="recent-gain-known"),
    case("R44", "emergency-setting", name="clinic"),
    case("R44", "refer-severe-malnutrition", {"health.conditions": ["malnutrition_moderate"]}, name="moderate"),
    case("R47", "older-baby-6-months", OLDER_BABY, name="4-months"),
    case("R46", "co-bathing", name="not-asked"),
    case("R05", "expect-younger-baby", OLDER_BABY, name="17-weeks"),
    case("R06", "expect-older-baby", name="6-weeks"),
    case("R07", "expect-short-gap", name="3-weeks"),
    case("R07", "expect-short-gap", {"lactation.last_milk_removal": None}, name="gap-unknown"),
    case("R07", "expect-longer-gap", {"lactation.last_milk_removal": "2026-04-25"}, name="6-days"),
    case("R07", "expect-longer-gap", NEVER_LACTATED, name="never-lactated"),
    case("R08", "expect-limited-volume", name="full-supply-before"),
    case("R08", "expect-limited-volume", NEVER_LACTATED, name="induced-lactation-instead"),
    case("R08", "expect-induced-lactation", name="has-lactated"),
    case("IFE2", "expect-after-menopause", name="not-menopausal"),
    case("R21", "expect-supply-may-be-limited-health", name="no-risk-history"),
    case(
        "R22", "expect-breast-reduction", {"health.breast_surgeries": [{"kind": "augmentation"}]}, name="augmentation"
    ),
    case("R11", "urgent-weight-loss", name="gaining"),
    case("R11", "urgent-weight-loss", {B + "current_weight_g": None, B + "weighed_on": None}, name="no-weight"),
    case("R12", "urgent-dehydration", name="7-wet-diapers"),
    case("R12", "urgent-dehydration", {B + "wet_diapers_24h": None}, name="uncounted-is-same-day-not-emergency"),
    case("R12", "refer-few-wet-diapers", name="7-wet-diapers"),
    case(
        "R12",
        "refer-few-wet-diapers",
        {
            B + "birth_date": "2026-04-28",
            B + "current_weight_g": 3300,
            B + "wet_diapers_24h": 3,
            "lactation.last_milk_removal": "2026-04-29",
            "lactation.duration_weeks": 0,
        },
        name="day-3",
    ),
    case("R13", "refer-slow-weight-gain", name="22-g-a-day"),
    case("R13", "refer-slow-weight-gain", SLOW_GAIN | OLDER_BABY, name="over-16-weeks"),
    case("R13", "refer-slow-weight-gain", {B + "current_weight_g": None, B + "weighed_on": None}, name="gain-unknown"),
    case("R14", "refer-preterm-lbw", name="term"),
    case("R14", "refer-preterm-lbw", {B + "gestational_age_weeks": None}, name="gestation-unknown"),
    case("R14", "refer-birth-details-unknown", name="details-known"),
    case(
        "R14",
        "refer-birth-details-unknown",
        {B + "gestational_age_weeks": None, B + "birth_weight_g": 2300},
        name="known-low-birth-weight",
    ),
    case("R18", "refer-possible-sheehan", name="no-history"),
    case("R19", "refer-retained-placenta", name="no-history"),
    case("R20", "refer-thyroid", {"health.conditions": ["hyperthyroidism"]}, name="hyperthyroid-goes-to-R21"),
    case("R21", "refer-hormones-glandular", {"health.bmi": 29.0}, name="bmi-29"),
    case("R21", "check-other-condition", {"health.conditions": ["asthma"]}, name="no-other-condition"),
    case("S12.1", "refer-theca-lutein-cyst", name="no-cyst"),
    case("S12.1", "refer-placenta-capsules", {"health.placenta_capsules": "unknown"}, name="unknown"),
    case(
        "S12.1", "refer-heavy-smoking-alcohol", {"health.smokes": "yes", "health.alcohol": "regular"}, name="not-heavy"
    ),
    case("R15", "medicines-not-known", name="medicines-known"),
    case("R15", "caution-pseudoephedrine", name="no-medicines"),
    case("R16", "refer-estrogen-contraception", med("progestin_only_contraceptive"), name="progestin-only"),
    case(
        "R16",
        "caution-progestin-contraception",
        med("progestin_only_contraceptive", "estrogen_contraceptive"),
        name="estrogen-referral-instead",
    ),
    case("R17", "refer-lactation-suppressing-drug", name="no-medicines"),
    case("R32", "refer-prescription-galactogogue", {"goals.prescription_discussion": "unknown"}, name="not-asked"),
    case("R35", "domperidone-position-us", name="no-prescription-discussion"),
    case("R35", "domperidone-position-us", RX | {"consult.jurisdiction": "UK"}, name="uk"),
    case("R33", "domperidone-position-uk-eu", RX, name="us"),
    case("R32", "domperidone-position-australia", RX, name="us"),
    case("R33", "caution-domperidone-heart-liver", RX, name="history-clear"),
    case("R33", "caution-domperidone-heart-liver", {"health.conditions": ["heart_disease"]}, name="no-rx-talk"),
    case("R34", "caution-metoclopramide-depression", RX, name="no-depression"),
    case("R34", "caution-stopping-metoclopramide", med("domperidone"), name="domperidone"),
    case("R23", "herbs-caution-general", {"goals.herbs_interest": "unsure"}, name="unsure-and-not-asked"),
    *[
        case(
            "R23",
            f"herb-{herb}",
            {"goals.herbs_interest": "unsure", "goals.asked_about": ["herbs"]},
            name=f"{herb}-not-opted-in",
        )
        for herb in [
            "fenugreek",
            "goats-rue",
            "moringa",
            "shatavari",
            "alfalfa",
            "stinging-nettle",
            "blessed-thistle",
            "milk-thistle",
        ]
    ],
    case("R23", "herb-other-products", HERBS, name="no-blend-taken"),
    case("R23", "exclude-herbs-history-unknown", HERBS, name="history-known"),
    case("R24", "exclude-fenugreek-legume-allergy", HERBS | {"health.allergies": ["kiwi"]}, name="kiwi"),
    case("R25", "exclude-goats-rue-fenugreek-diabetes", HERBS | {"health.conditions": ["pcos"]}, name="pcos"),
    case(
        "R25",
        "stop-herb-not-for-you",
        HERBS | {"health.conditions": ["diabetes_type_2"]},
        name="open-to-herbs-but-not-taking",
    ),
    case(
        "R24",
        "stop-herb-not-for-you",
        {"goals.herbs_taken": ["blend"], "goals.blend_herbs": ["fenugreek"]},
        name="fenugreek-blend-without-allergy",
    ),
    case(
        "R23",
        "herb-other-products",
        {"goals.herbs_taken": ["blend"], "goals.blend_herbs": ["moringa"]},
        name="blend-label-known",
    ),
    case("R26", "exclude-fenugreek-alfalfa-anticoagulant", HERBS, name="no-anticoagulant"),
    case("R27", "caution-moringa-clotting", {"health.conditions": ["clotting_disorder"]}, name="no-herbs"),
    case("R28", "exclude-alfalfa-lupus", HERBS, name="no-lupus"),
    case("R29", "exclude-thistles-daisy-family-allergy", HERBS | {"health.allergies": ["peanut"]}, name="peanut"),
    case("R30", "caution-shatavari-asparagus", {"health.allergies": ["asparagus"]}, name="no-herbs"),
    case("S12.7", "caution-goats-rue-legume-family", {"health.allergies": ["peanut"]}, name="no-herbs"),
    case("S12.7", "caution-alfalfa-legume-family", HERBS, name="no-legume-allergy"),
    case("R40", "sleep-hazard-no-bedsharing", name="no-hazard"),
    case("R43", "sleep-young-baby-note", OLDER_BABY, name="17-weeks"),
    case("R45", "bodywork-no-evidence", name="not-asked"),
]

NOT_FIRES += [
    case("fever", "urgent-fever-young-baby", OLDER_BABY | {B + "fever": "yes"}, name="17-weeks"),
    case("fever", "urgent-fever-young-baby", {B + "temperature_c": 37.5}, name="37.5-degrees"),
    case("fever", "refer-fever-older-baby", {B + "fever": "no"}, name="no-fever"),
    case("jaundice", "urgent-jaundice-first-day", {B + "jaundice": "yes", B + "jaundice_since": "2026-04-25"},
         name="seen-at-5-weeks"),
    case("jaundice", "urgent-jaundice-warning-signs", {B + "jaundice": "yes"}, name="no-warning-signs"),
    case("jaundice", "refer-jaundice", {B + "jaundice": "no"}, name="no-jaundice"),
    case("stools", "refer-pale-stools", {B + "stool_colour": "yellow"}, name="yellow"),
    case("output", "refer-output-first-days", NEWBORN | {B + "wet_diapers_24h": 3, B + "dirty_diapers_24h": 2},
         name="enough-on-day-3"),
    case("stools", "refer-few-stools", name="3-stools-at-6-weeks"),
    case("stools", "refer-black-stools", NEWBORN | {B + "stool_colour": "black_meconium"}, name="meconium-on-day-3"),
    case("stools", "refer-black-stools", {B + "stool_colour": "green_or_brown"}, name="green-or-brown"),
    case("vomit", "urgent-green-vomit", {B + "vomiting": "forceful"}, name="not-green"),
    case("vomit", "refer-vomiting-or-intolerance", {B + "vomiting": "sometimes"}, name="some-spitting-up"),
    case("suck", "refer-suck-assessment", {B + "concerns": ["reflux"]}, name="reflux-only"),
    case("breast", "refer-breast-inflammation", {"health.breast_problems": []}, name="none"),
    case("breast", "pause-extras-breast-inflamed", {"health.breast_problems": ["nipple_damage"]}, name="damage-only"),
    case("breast", "refer-nipple-damage", {"health.breast_problems": ["mastitis"]}, name="mastitis-only"),
    case("amounts", "amounts-set-with-doctor", name="well-baby"),
    case("medicine", "check-unrecognised-medicines", med("antidepressant", name="sertraline"), name="known"),
    case("medicine", "check-unrecognised-medicines",
         {"health.medications": [{"name": "Zyxor", "status": "stopped"}]}, name="stopped"),
    case("medicine", "refer-medicine-of-concern", med("antidepressant", name="sertraline"), name="sertraline"),
    case("R09", "expect-supply-growing", name="first-visit"),
    case(
        "R09",
        "expect-timeline",
        {"progress": [{"date": "2026-04-24", "expressed_ml_per_24h": 320}]},
        name="making-milk",
    ),
    case("S12.8", "supplement-amount", {B + "gestational_age_weeks": None}, name="gestation-unknown"),
    case("R44", "exclude-equipment-in-emergency", name="clinic"),
]


@pytest.mark.parametrize(("entry_id", "changes"), NOT_FIRES)
def test_entry_does_not_fire(entry_id: str, changes: dict[str, Any]) -> None:
    plan = plan_for(changes)
    assert not fired(plan, entry_id), f"{entry_id} should not be in the plan"


def test_every_entry_has_a_firing_and_a_non_firing_case() -> None:
    firing = {p.values[0] for p in FIRES}
    not_firing = {p.values[0] for p in NOT_FIRES}
    always = {rid for rid, rule in LIBRARY.rules.items() if not rule.all and not rule.any}
    exclusion_targets = {t for rule in LIBRARY.rules.values() for t in rule.entry.excludes}
    assert set(LIBRARY.rules) - firing == set(), "entries with no case in which they fire"
    # An entry that always applies can only be kept out by an exclusion (tested below).
    missing = set(LIBRARY.rules) - not_firing - (always & exclusion_targets) - always
    assert missing == set(), "entries with no case in which they do not fire"


# ------------------------------------------------------------------------------------------------------------------
# Exclusions: the excluded entry is left out of the items and listed as left out, with the excluding entry
# ------------------------------------------------------------------------------------------------------------------

STEP_DOWN = "supplement-step-down"
ALL_HERBS = [
    "herb-fenugreek",
    "herb-goats-rue",
    "herb-moringa",
    "herb-shatavari",
    "herb-alfalfa",
    "herb-stinging-nettle",
    "herb-blessed-thistle",
    "herb-milk-thistle",
]
SIDE_BY_SIDE = ["sleep-bedsharing-side-by-side", "sleep-young-baby-note"]


def excl(row: str, changes: dict[str, Any], excluded: list[str], by: str, *, name: str) -> Any:
    return pytest.param(changes, excluded, by, id=f"{row}-{name}")


EXCLUSIONS = [
    excl("R11", {B + "current_weight_g": 2900}, [STEP_DOWN], "urgent-weight-loss", name="weight-loss-stops-step-down"),
    excl(
        "breast",
        {"health.breast_problems": ["mastitis"]},
        ["warmth-and-massage", "hands-on-pumping"],
        "pause-extras-breast-inflamed",
        name="mastitis-no-heat-or-deep-massage",
    ),
    excl(
        "breast",
        {"health.breast_problems": ["mastitis"], "goals.asked_about": ["power_pumping"]},
        ["power-pumping"],
        "pause-extras-breast-inflamed",
        name="mastitis-no-power-pumping",
    ),
    excl(
        "R44",
        {"consult.setting": "emergency"},
        ["double-pumping", "warmth-and-massage", "pump-comfort-fit"],
        "exclude-equipment-in-emergency",
        name="emergency-nothing-to-buy",
    ),
    excl(
        "jaundice",
        {B + "jaundice": "yes", B + "dehydration_signs": ["lethargy"]},
        ["refer-jaundice"],
        "urgent-jaundice-warning-signs",
        name="urgent-jaundice-supersedes-same-day",
    ),
    excl("R12", {B + "wet_diapers_24h": 5}, [STEP_DOWN], "refer-few-wet-diapers", name="few-diapers-stop-step-down"),
    excl(
        "R12",
        {B + "wet_diapers_24h": None},
        [STEP_DOWN],
        "refer-few-wet-diapers",
        name="uncounted-diapers-stop-step-down",
    ),
    excl(
        "R12",
        {B + "dehydration_signs": ["lethargy"]},
        [STEP_DOWN],
        "urgent-dehydration",
        name="lethargy-stops-step-down",
    ),
    excl(
        "R12",
        {B + "wet_diapers_24h": 3},
        ["refer-few-wet-diapers"],
        "urgent-dehydration",
        name="emergency-replaces-same-day",
    ),
    excl("R13", SLOW_GAIN, [STEP_DOWN], "refer-slow-weight-gain", name="slow-gain-stops-step-down"),
    excl("R14", {B + "gestational_age_weeks": 34}, [STEP_DOWN], "refer-preterm-lbw", name="preterm-stops-step-down"),
    excl(
        "R17", med("cabergoline"), [STEP_DOWN], "refer-lactation-suppressing-drug", name="cabergoline-stops-step-down"
    ),
    excl(
        "R23",
        HERBS | {"health.allergies": None},
        ALL_HERBS,
        "exclude-herbs-history-unknown",
        name="allergies-unknown-excludes-every-herb",
    ),
    excl(
        "R23",
        {"goals.herbs_taken": ["moringa"], "health.medications": None},
        ["herb-moringa"],
        "exclude-herbs-history-unknown",
        name="medicines-unknown-excludes-a-herb-already-taken",
    ),
    excl(
        "R24",
        HERBS | {"health.allergies": ["peanut"]},
        ["herb-fenugreek"],
        "exclude-fenugreek-legume-allergy",
        name="peanut-excludes-fenugreek",
    ),
    excl(
        "R24",
        HERBS | {"health.allergies": ["other_legume"]},
        ["herb-fenugreek"],
        "exclude-fenugreek-legume-allergy",
        name="legume-excludes-fenugreek",
    ),
    excl(
        "R24",
        HERBS | {"health.conditions": ["asthma"]},
        ["herb-fenugreek"],
        "exclude-fenugreek-legume-allergy",
        name="asthma-excludes-fenugreek",
    ),
    excl(
        "R25",
        HERBS | {"health.conditions": ["diabetes_type_2"]},
        ["herb-goats-rue", "herb-fenugreek"],
        "exclude-goats-rue-fenugreek-diabetes",
        name="diabetes-excludes-goats-rue-and-fenugreek",
    ),
    excl(
        "R25",
        HERBS | med("antidiabetic"),
        ["herb-goats-rue", "herb-fenugreek"],
        "exclude-goats-rue-fenugreek-diabetes",
        name="antidiabetic-excludes-goats-rue-and-fenugreek",
    ),
    excl(
        "R26",
        HERBS | med("anticoagulant"),
        ["herb-fenugreek", "herb-alfalfa"],
        "exclude-fenugreek-alfalfa-anticoagulant",
        name="anticoagulant-excludes-fenugreek-and-alfalfa",
    ),
    excl(
        "R28",
        HERBS | {"health.conditions": ["lupus"]},
        ["herb-alfalfa"],
        "exclude-alfalfa-lupus",
        name="lupus-excludes-alfalfa",
    ),
    excl(
        "R29",
        HERBS | {"health.allergies": ["daisy_family"]},
        ["herb-blessed-thistle", "herb-milk-thistle"],
        "exclude-thistles-daisy-family-allergy",
        name="daisy-family-excludes-both-thistles",
    ),
    excl(
        "R29",
        HERBS | {"health.allergies": ["artichoke"]},
        ["herb-blessed-thistle", "herb-milk-thistle"],
        "exclude-thistles-daisy-family-allergy",
        name="artichoke-excludes-both-thistles",
    ),
    excl(
        "S12.7",
        HERBS | {"health.allergies": ["peanut"], "health.conditions": ["lupus"]},
        ["caution-alfalfa-legume-family"],
        "exclude-alfalfa-lupus",
        name="no-caution-for-an-excluded-herb",
    ),
    *[
        excl("R40", changes, SIDE_BY_SIDE, "sleep-hazard-no-bedsharing", name=f"{label}-stops-bedsharing-info")
        for label, changes in HAZARDS.items()
    ],
]


@pytest.mark.parametrize(("changes", "excluded", "by"), EXCLUSIONS)
def test_exclusion(changes: dict[str, Any], excluded: list[str], by: str) -> None:
    check_exclusion(LIBRARY, plan_for(changes), excluded, by, STEP_DOWN)


def test_step_down_schedule_is_withheld_when_the_step_down_is_excluded() -> None:
    assert plan_for({}).feeding[0].step_down
    assert not plan_for({B + "current_weight_g": 2900}).feeding[0].step_down


@pytest.mark.parametrize("herb", ["herb-goats-rue", "herb-alfalfa"])
def test_peanut_allergy_cautions_but_does_not_exclude_goats_rue_or_alfalfa(herb: str) -> None:
    """Addendum §12.7: legume family, cross-reactivity with peanut not established: a caution, not an exclusion."""
    plan = plan_for(HERBS | {"health.allergies": ["peanut"]})
    assert herb in plan.item_ids()
    assert herb not in plan.excluded_ids()
    assert f"caution-{herb.removeprefix('herb-')}-legume-family" in plan.item_ids()


def test_no_hazard_shows_both_sleep_views_and_never_a_bare_safe_to_co_sleep() -> None:
    plan = plan_for({})
    side = next(i for i in plan.items() if i.id == "sleep-bedsharing-side-by-side")
    assert "AAP" in side.text and "La Leche League" in side.text and "Breastfeeding Medicine" in side.text
    for item in plan.items():
        assert "safe to co-sleep" not in item.text.lower()


def test_hazard_names_the_risks_for_the_family() -> None:
    plan = plan_for({"health.household_smoke": "yes", B + "gestational_age_weeks": 35})
    hazard = next(i for i in plan.items() if i.id == "sleep-hazard-no-bedsharing")
    assert hazard.because is not None
    assert "smokes" in hazard.because and "born early" in hazard.because


@pytest.mark.parametrize("label", list(HAZARDS))
def test_every_hazard_is_named_in_the_because_text(label: str) -> None:
    plan = plan_for(HAZARDS[label])
    for item in (i for i in plan.items() if i.id == "sleep-hazard-no-bedsharing"):
        assert item.because is not None
        risks = item.because.removeprefix("These risks apply right now: ").removesuffix(".")
        assert risks.strip(), f"{label}: the hazard fired but no risk is named"


def test_unknown_jurisdiction_shows_every_domperidone_position() -> None:
    plan = plan_for(RX | {"consult.jurisdiction": "unknown"})
    positions = {"domperidone-position-us", "domperidone-position-uk-eu", "domperidone-position-australia"}
    assert positions <= plan.item_ids()


def test_nothing_excluded_is_also_recommended() -> None:
    everything = (
        HERBS
        | RX
        | {
            "health.allergies": ["peanut", "ragweed"],
            "health.conditions": ["lupus"],
            "health.household_smoke": "yes",
            B + "wet_diapers_24h": 3,
        }
    )
    plan = plan_for(everything)
    assert plan.item_ids() & plan.excluded_ids() == set()


# ------------------------------------------------------------------------------------------------------------------
# The README's coverage table
# ------------------------------------------------------------------------------------------------------------------


def test_every_section_9_row_is_encoded_or_documented_as_left_out() -> None:
    check_every_row_documented(LIBRARY, SECTION_9_ROWS, readme_rows(README, "R"))


def test_entries_name_only_rows_that_exist() -> None:
    for rule_id, rule in LIBRARY.rules.items():
        for row in rule.entry.rules:
            if row in LOW_SUPPLY_ROWS:  # a shared entry that also encodes a row of the low-supply table
                continue
            assert row in SECTION_9_ROWS, f"{rule_id} names {row}, which is not a row of §9"


@pytest.mark.parametrize("row", SECTION_9_ROWS)
def test_readme_coverage_table_matches_the_library(row: str) -> None:
    check_row(LIBRARY, row, readme_rows(README, "R")[row])


@pytest.mark.parametrize("flag", [{B + "concerns": ["jaundice"]}, {B + "fever": "yes"}, {B + "vomiting": "forceful"}])
def test_while_a_red_flag_holds_the_amounts_no_item_points_to_them(flag: dict[str, Any]) -> None:
    """The amounts and the step-down are not computed while the doctor's check comes first; the items that point to
    them are left out too, with the reason (they said 'your step-down plan shows how' beside no step-down)."""
    well = plan_for({})
    assert {"supplement-amount", "supplement-step-down"} <= well.item_ids(), "the base case shows both"
    plan = plan_for(flag)
    assert plan.item_ids() & {"supplement-amount", "supplement-step-down"} == set()
    left_out = {e.id: e for e in plan.exclusions}
    for entry_id in ("supplement-amount", "supplement-step-down"):
        assert entry_id in left_out, f"{entry_id} is neither shown nor left out with a reason"
        assert LIBRARY.rules[left_out[entry_id].by].entry.holds_amounts
        assert left_out[entry_id].reason.startswith("not now: first have your baby checked")
    assert all(not f.step_down and f.need_ml_low is None for f in plan.feeding)
