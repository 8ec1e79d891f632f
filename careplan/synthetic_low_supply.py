"""Synthetic low-milk-supply intakes (schema 1.1): a shared intake from :mod:`careplan.synthetic` made into one a
low-supply consult would record.

Ask for them with ``synthetic_intake(index, seed, plan_type="low-supply")`` (or ``synthetic_intakes`` /
``write_synthetic`` with ``plan_type="low-supply"``). The generator starts from the shared parts (family, babies,
health, situation, goals, consent, progress) of a series of its own, then, with a second seeded draw, makes them
fit a parent who breastfeeds or pumps now: a birth parent (rarely a non-gestational one), breast milk in the
baby's feeds, the relactation-only history left out, and the ``low_supply`` block filled in. Every value of every
``low_supply`` field appears in a few hundred intakes, ``"unknown"`` and null included, and each red-flag value
(hard to wake, heavy bleeding, bad-smelling discharge, sepsis signs, a soft breast lump, self-harm thoughts) now
and then; so do the baby's and parent's red-flag signs a low-supply plan reads (fever, jaundice, stool colour,
vomiting, breast problems), the breast-surgery ``incision`` and the topics schema 1.1 added to
``goals.asked_about``.

The draws of this module happen in one fixed order, so a seed always gives the same intakes. The people are
invented, as in :mod:`careplan.synthetic`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from careplan.synthetic import Draw, ymd

SCHEMA = "1.1"

_REASONS = ("fussing", "frequent_or_cluster_feeds", "soft_breasts", "short_feeds", "takes_bottle_after_feeds",
            "low_pump_output", "weight_check", "told_by_professional", "other")
_NEW_TOPICS = ("fluids", "foods", "exercise", "metformin", "moringa")
_INCISIONS = ("periareolar", "inframammary", "axillary", "other", "unknown")
_BREAST_PROBLEMS = ("mastitis", "breast_abscess", "nipple_damage", "red_hot_painful_area")
_ANSWER = ("yes", "no", "unknown")
_SUPPLEMENTS = ("formula", "donor_milk", "expressed_breast_milk")

_OWN_WORDS_EN = (
    "She feeds all evening and my breasts feel soft. I'm scared she isn't getting enough.",
    "I only get a few millilitres when I pump. Is that normal?",
    "The midwife said he hasn't gained enough. I want to make more milk, not just add formula.",
    "My milk took days to come in after the section and we've been topping up ever since.",
    "I'm pumping for the NICU and the amount won't go up.",
    "My breasts never really changed in pregnancy. I'd like to give her whatever milk I can.",
    "Since I went back to work I pump less every week.",
    "I want to keep breastfeeding, even if it's only partly.",
    "Honestly I just want to know if my supply is low or if this is normal 🙂",
)
_OWN_WORDS_OTHER: dict[str, tuple[str, ...]] = {
    "es": ("Me preocupa no tener suficiente leche.", "Quiero darle más de mi leche y menos fórmula."),
    "fr": ("J'ai peur de ne pas avoir assez de lait.",),
    "de": ("Ich habe Angst, dass meine Milch nicht reicht.",),
    "vi": ("Tôi sợ không đủ sữa cho con.",),
    "ar": ("أخشى أن حليبي لا يكفي طفلي.",),
    "zh": ("我担心奶水不够。",),
}


def _answer(draw: Draw, yes: float = 3, no: float = 5, unknown: float = 2) -> str:
    return draw.pick(_ANSWER, [yes, no, unknown])


def _red_flag(draw: Draw, p_yes: float) -> str:
    """A red-flag answer: "yes" now and then, mostly "no", sometimes not known."""
    return "yes" if draw.chance(p_yes) else draw.pick(["no", "unknown"], [8, 2])


def _on_or_before(draw: Draw, first: date, last: date) -> date:
    return first + timedelta(days=draw.between(0, max(0, (last - first).days)))


def _birth_block(draw: Draw, preterm: bool, gestational: bool) -> dict[str, Any]:
    mode = draw.pick(["vaginal", "assisted", "planned_caesarean", "emergency_caesarean", "unknown"],
                     [50, 8, 13, 17, 12] if gestational else [3, 1, 1, 1, 10])
    return {
        "mode": mode,
        "second_stage_over_1h": "no" if mode == "planned_caesarean" and draw.chance(0.8) else _answer(draw, 3, 6, 3),
        "first_feed_hours": draw.known(draw.uniform(0.1, 30 if preterm else 8), 0.3),
        "separated": draw.pick(["no", "nicu", "other", "unknown"], [2, 6, 1, 1] if preterm else [12, 2, 1, 2]),
        "formula_in_hospital": _answer(draw, 4, 5, 2),
    }


def _milk_came_in(draw: Draw, age_days: int, gestational: bool) -> dict[str, Any]:
    if not gestational:
        status = draw.pick(["yes", "unknown"], [1, 3])
    elif age_days <= 5:
        status = draw.pick(["yes", "not_yet", "unknown"], [5, 4, 1])
    else:
        status = draw.pick(["yes", "not_yet", "never", "unknown"], [16, 0.5 if age_days <= 14 else 0.1, 1, 2])
    hours = None
    if status == "yes" and gestational and age_days >= 1:
        hours = draw.known(min(float(age_days * 24), draw.uniform(20, 150)), 0.25)
    return {
        "status": status,
        "hours_after_birth": hours,
        "engorgement": "no" if status in ("not_yet", "never") and draw.chance(0.7) else _answer(draw, 6, 2, 2),
    }


def _feeding(draw: Draw, at_breast: str) -> dict[str, Any]:
    return {
        "at_breast": at_breast,
        "breastfeeds_24h": 0 if at_breast == "no" else draw.known(draw.between(3, 14), 0.2),
        "night_feeds": draw.known(draw.between(0, 5), 0.25),
        "longest_gap_hours": draw.known(draw.uniform(1.5, 9), 0.3),
        "hard_to_wake": _red_flag(draw, 0.05),
        "nipple_shield": _answer(draw, 1, 6, 1),
        "pacifier": _answer(draw, 4, 5, 1),
        "compressions": _answer(draw, 3, 5, 2),
        "switch_sides": _answer(draw, 6, 2, 2),
    }


def _test_weights(draw: Draw, consult: date, baby: dict[str, Any]) -> list[dict[str, Any]]:
    if not draw.chance(0.3):
        return []
    birth = date.fromisoformat(baby["birth_date"])
    start = max(birth, consult - timedelta(days=7))
    weight = baby.get("current_weight_g") or baby.get("birth_weight_g") or 3500
    weights = []
    for _ in range(draw.between(1, 6)):
        before = max(300, min(29800, weight + draw.between(-40, 40)))
        taken = draw.between(-6, 130) if draw.chance(0.9) else draw.between(0, 10)
        weights.append({
            "date": ymd(_on_or_before(draw, start, consult)),
            "before_g": before,
            "after_g": max(300, before + taken),
            "scale_resolution_g": draw.known(draw.pick([1, 2, 5, 10, 20]), 0.3),
        })
    weights.sort(key=lambda w: str(w["date"]))
    return weights


def _pumping(draw: Draw, at_breast: str) -> dict[str, Any]:
    pumps = at_breast == "no" or draw.chance(0.6)
    sessions = draw.between(2 if at_breast == "no" else 1, 12) if pumps else 0
    return {
        "sessions_24h": draw.known(sessions, 0.15),
        "ml_24h": draw.known(float(draw.between(0, 1100)), 0.3) if pumps else draw.known(0.0, 0.5),
        "after_feeds_only": "no" if at_breast == "no" else _answer(draw, 4, 3, 2),
        "double": _answer(draw, 5, 3, 2),
        "hands_on": _answer(draw, 3, 4, 3),
        "flange_pain": _answer(draw, 1, 6, 2),
        "poor_flow": _answer(draw, 2, 5, 2),
    }


def _parent(draw: Draw, consult: date, birth: date) -> dict[str, Any]:
    epds = draw.known(min(30, int(abs(draw.rng.gauss(0, 8)))), 0.45)
    return {
        "latch_pain": draw.pick(["none", "mild", "moderate", "severe", "unknown"], [6, 4, 3, 1, 2]),
        "nipple_damage": draw.pick(
            ["none", "cracked", "bleeding", "blister", "other", "unknown"], [10, 3, 1, 1, 0.5, 2]
        ),
        "nipple_shape": draw.pick(["typical", "flat", "inverted", "unknown"], [10, 2, 1, 3]),
        "bleeding_concern": _red_flag(draw, 0.03),
        "foul_discharge": _red_flag(draw, 0.03),
        "sepsis_signs": _red_flag(draw, 0.02),
        "breast_lump_soft": _red_flag(draw, 0.02),
        "epds": epds,
        "epds_date": ymd(_on_or_before(draw, birth, consult)) if epds is not None and draw.chance(0.8) else None,
        "depression_symptoms": _red_flag(draw, 0.12),
        "self_harm_thoughts": _red_flag(draw, 0.02),
        "thyroid_tested": _answer(draw, 2, 4, 4),
        "thyroid_symptoms": _answer(draw, 2, 5, 3),
        "reasons_for_concern": draw.some(_REASONS, 4, p_none=0.15),
    }


def _babies_fed(draw: Draw, babies: list[dict[str, Any]], at_breast: str, age_days: int) -> None:
    """Breast milk in every baby's feeds, at the breast or expressed as ``at_breast`` says; the baby-level red-flag
    signs a low-supply plan reads (the shared generator leaves them unknown)."""
    for baby in babies:
        feeding = baby["feeding"]
        milk = [m for m in feeding["milk"] if m != "direct_breastfeeding"]
        if at_breast in ("yes", "some") or (at_breast == "unknown" and draw.chance(0.7)):
            milk.insert(0, "direct_breastfeeding")
            if baby["latches"] == "no":
                baby["latches"] = draw.pick(["yes", "unknown"], [9, 1])
            baby["concerns"] = [c for c in baby["concerns"] if c != "breast_refusal"]
        elif "expressed_breast_milk" not in milk:
            milk.insert(0, "expressed_breast_milk")
        if at_breast == "yes" and draw.chance(0.35):  # at the breast only: no supplement
            milk = [m for m in milk if m not in _SUPPLEMENTS]
        if age_days < 150:
            milk = [m for m in milk if m != "solids"] or ["direct_breastfeeding"]
        feeding["milk"] = milk
        if not set(milk) & set(_SUPPLEMENTS):
            feeding["supplement_ml_per_24h"] = draw.known(0.0, 0.5)
            feeding["methods"] = []
        elif feeding.get("supplement_ml_per_24h") is not None:
            feeding["supplement_ml_per_24h"] = float(draw.between(10, 900))

        birth = date.fromisoformat(baby["birth_date"])
        baby["stool_colour"] = draw.pick(["black_meconium", "green_or_brown", "yellow", "pale_or_white", "unknown"],
                                         [2 if age_days <= 5 else 0.3, 4, 12, 0.3, 3])
        baby["jaundice"] = draw.pick(["yes", "no", "unknown"], [3 if age_days <= 21 else 0.5, 10, 2])
        if baby["jaundice"] != "no" and draw.chance(0.5):
            baby["jaundice_since"] = ymd(birth + timedelta(days=draw.between(0, min(age_days, 10))))
            baby["jaundice_treatment"] = draw.pick(["none", "phototherapy", "other", "unknown"], [6, 2, 0.5, 1])
        baby["fever"] = _red_flag(draw, 0.03)
        if draw.chance(0.15):
            hot = baby["fever"] == "yes" or draw.chance(0.2)
            baby["temperature_c"] = draw.uniform(38.0, 40.2) if hot else draw.uniform(36.0, 37.9)
        baby["vomiting"] = draw.pick(["no", "sometimes", "forceful", "green", "unknown"], [10, 4, 0.3, 0.2, 2])


def low_supply_intake(data: dict[str, Any], index: int, seed: int) -> dict[str, Any]:
    """The shared intake ``data`` (from :mod:`careplan.synthetic`) made a valid low-supply intake, in place; the
    draws are seeded by ``seed`` and ``index``, so the result is the same every time.

    Long on purpose: the draws happen in one fixed order (a seed gives the same intakes), one part of the intake
    after another; split, the order would be spread over several functions."""
    draw = Draw(f"careplan-synthetic-low-supply-block:{seed}:{index}")
    consult = date.fromisoformat(data["consult"]["date"])
    babies = data["babies"]
    birth = min(date.fromisoformat(b["birth_date"]) for b in babies)
    age_days = (consult - birth).days
    preterm = any((b.get("gestational_age_weeks") or 40) < 37 for b in babies)

    # The parent makes milk for this baby now: a birth parent, now and then a non-gestational one.
    parent = data["parent"]
    relationship = "birth_parent" if draw.chance(0.97) else "non_gestational_parent"
    gestational = relationship == "birth_parent"
    was = parent["relationship"]
    parent["relationship"] = relationship
    if was not in ("birth_parent", "non_gestational_parent") or parent.get("menopause") == "postmenopause":
        parent["menopause"] = draw.pick(["no", "perimenopause", "unknown"], [12, 1, 3])
        if was == "grandparent":  # a grandparent's age does not fit a parent who gave birth weeks ago
            parent.pop("date_of_birth", None)
            parent["age_years"] = draw.between(19, 44)

    # The history: milk for this baby now; the relactation-only facts left out (the brief's §7 "Keep").
    lactation = data["lactation"]
    lactation.pop("last_milk_removal", None)
    lactation.pop("stop_reasons", None)
    lactation["ever_lactated"] = draw.pick(["yes", "unknown"], [12, 1])
    lactation["breastfed_this_baby"] = "yes"
    lactation["duration_weeks"] = draw.known(round(max(0.1, age_days / 7.0), 1), 0.25)
    lactation["full_supply_before"] = draw.pick(["yes", "no", "unknown"], [2, 5, 3])
    lactation["breast_changes_in_pregnancy"] = (
        draw.pick(["yes", "no", "unknown"], [8, 1, 2]) if gestational else "not_pregnant"
    )

    at_breast = draw.pick(["yes", "some", "no", "unknown"], [55, 20, 18 if preterm else 10, 5])
    _babies_fed(draw, babies, at_breast, age_days)
    expressed = any("expressed_breast_milk" in b["feeding"]["milk"] for b in babies)
    lactation["current_output"] = "some" if expressed else draw.pick(["some", "drops", "unknown"], [12, 3, 1])

    # Health: breast surgery with its cut, breast problems and fever (red flags for L12, L17, L18).
    health = data["health"]
    surgeries = health.get("breast_surgeries")
    if surgeries is not None and draw.chance(0.06):
        surgeries.append({
            "kind": draw.pick(["augmentation", "reduction", "lumpectomy", "biopsy", "nipple", "mastectomy", "other"],
                              [5, 3, 1, 2, 1, 0.3, 0.5]),
            "tissue_preserved": draw.pick(["full", "partial", "none", "unknown"], [2, 3, 1, 3]),
            "year": draw.known(draw.between(1995, consult.year - 1), 0.3),
        })
    for surgery in surgeries or []:
        surgery["incision"] = draw.pick(_INCISIONS, [4, 4, 2, 1, 3])
    health["breast_problems"] = None if draw.chance(0.1) else draw.some(_BREAST_PROBLEMS, 2, p_none=0.85)
    health["fever"] = _red_flag(draw, 0.05)

    # Goals: the family's words for a low supply; the topics schema 1.1 added.
    goals = data["goals"]
    prefers = parent["preferred_language"].split("-")[0]
    goals["in_own_words"] = draw.known(draw.pick(_OWN_WORDS_OTHER.get(prefers, _OWN_WORDS_EN)), 0.3)
    if goals["reduce_supplement"] == "yes" and not any(set(b["feeding"]["milk"]) & set(_SUPPLEMENTS) for b in babies):
        goals["reduce_supplement"] = draw.pick(["not_asked", "no"])  # nothing to reduce
    asked = list(goals["asked_about"])
    asked += [t for t in draw.some(_NEW_TOPICS, 3, p_none=0.5) if t not in asked]
    goals["asked_about"] = asked

    first_baby = babies[0]
    low_supply = {
        "birth": _birth_block(draw, preterm, gestational),
        "milk_came_in": _milk_came_in(draw, age_days, gestational),
        "feeding": _feeding(draw, at_breast),
        "test_weights": _test_weights(draw, consult, first_baby),
        "pumping": _pumping(draw, at_breast),
        "parent": _parent(draw, consult, birth),
    }
    data["schema_version"] = SCHEMA
    data["plan_type"] = "low-supply"
    data["low_supply"] = low_supply
    return data
