"""Hypothesis strategies that build valid, widely varied intakes, choosing every choice field from the model."""

from __future__ import annotations

import typing
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from careplan.intake import Intake

CONSULT_DAY = date(2026, 6, 15)


def _choices(model: type, field: str) -> list[Any]:
    """The Literal values of a model field (or of its list items)."""
    annotation = model.model_fields[field].annotation  # type: ignore[attr-defined]
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Literal:
            return list(args)
        non_none = [a for a in args if a is not type(None)]
        annotation = non_none[0]


def _pick(model: type, field: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(_choices(model, field))


def _some(model: type, field: str) -> st.SearchStrategy[list[Any]]:
    return st.lists(_pick(model, field), max_size=4, unique=True)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def babies(draw: st.DrawFn, consult: date) -> dict[str, Any]:
    from careplan.intake import Baby, CurrentFeeding

    age = draw(st.integers(min_value=0, max_value=420))
    birth = consult - timedelta(days=age)
    baby: dict[str, Any] = {
        "name": draw(st.text(min_size=1, max_size=20).filter(lambda s: s.strip() != "")),
        "birth_date": birth.isoformat(),
        "gestational_age_weeks": draw(_maybe(st.floats(min_value=23, max_value=42).map(lambda x: round(x, 1)))),
        "birth_weight_g": draw(_maybe(st.integers(min_value=500, max_value=5500))),
        "latches": draw(_pick(Baby, "latches")),
        "concerns": draw(_some(Baby, "concerns")),
        "wet_diapers_24h": draw(_maybe(st.integers(min_value=0, max_value=14))),
        "dirty_diapers_24h": draw(_maybe(st.integers(min_value=0, max_value=10))),
        "dehydration_signs": draw(_some(Baby, "dehydration_signs")),
        "sleeps": draw(_pick(Baby, "sleeps")),
        "feeding": {
            "milk": draw(_some(CurrentFeeding, "milk")),
            "supplement_ml_per_24h": draw(_maybe(st.integers(min_value=0, max_value=1200))),
            "feeds_per_24h": draw(_maybe(st.integers(min_value=0, max_value=16))),
            "methods": draw(_some(CurrentFeeding, "methods")),
        },
    }
    if draw(st.booleans()):
        weighed = birth + timedelta(days=draw(st.integers(min_value=0, max_value=age)))
        baby["current_weight_g"] = draw(st.integers(min_value=1000, max_value=12000))
        baby["weighed_on"] = weighed.isoformat()
    return baby


@st.composite
def intakes(draw: st.DrawFn) -> Intake:
    from careplan.intake import Consult, Goals, Health, Lactation, Parent, Situation

    consult = CONSULT_DAY - timedelta(days=draw(st.integers(min_value=0, max_value=400)))
    kids = draw(st.lists(babies(consult), min_size=1, max_size=3))
    earliest = min(date.fromisoformat(b["birth_date"]) for b in kids)
    lactation: dict[str, Any] = {
        "ever_lactated": draw(_pick(Lactation, "ever_lactated")),
        "full_supply_before": draw(_pick(Lactation, "full_supply_before")),
        "current_output": draw(_pick(Lactation, "current_output")),
        "stop_reasons": draw(_some(Lactation, "stop_reasons")),
        "breast_changes_in_pregnancy": draw(_pick(Lactation, "breast_changes_in_pregnancy")),
    }
    if draw(st.booleans()):
        span = (consult - earliest).days
        lactation["last_milk_removal"] = (earliest + timedelta(days=draw(st.integers(0, span)))).isoformat()
    medicines = st.lists(
        st.fixed_dictionaries(
            {"name": st.sampled_from(["Sudafed", "metformin", "warfarin", "levothyroxine", "Microgynon", "cabergoline",
                                      "vitamin D", "domperidone"])},
            optional={"classes": _some(__import__("careplan.intake").intake.Medication, "classes")},
        ),
        max_size=3,
    )
    health = {
        "conditions": draw(_maybe(_some(Health, "conditions"))),
        "allergies": draw(_maybe(_some(Health, "allergies"))),
        "medications": draw(_maybe(medicines)),
        "breast_surgeries": draw(
            _maybe(st.lists(st.fixed_dictionaries({"kind": st.sampled_from(["reduction", "augmentation", "biopsy"]),
                                                   "tissue_preserved": st.sampled_from(["full", "partial", "none",
                                                                                        "unknown"])}),
                            max_size=2))
        ),
        "igt_signs": draw(_some(Health, "igt_signs")),
        "smokes": draw(_pick(Health, "smokes")),
        "household_smoke": draw(_pick(Health, "household_smoke")),
        "alcohol": draw(_pick(Health, "alcohol")),
        "sedating_substances": draw(_pick(Health, "sedating_substances")),
        "placenta_capsules": draw(_pick(Health, "placenta_capsules")),
        "bmi": draw(_maybe(st.floats(min_value=15, max_value=50).map(lambda x: round(x, 1)))),
    }
    situation = {
        "pump": draw(_pick(Situation, "pump")),
        "supplementer": draw(_pick(Situation, "supplementer")),
        "support_at_home": draw(_pick(Situation, "support_at_home")),
        "stress": draw(_pick(Situation, "stress")),
        "bedsharing": draw(_pick(Situation, "bedsharing")),
        "bed_hazards": draw(_some(Situation, "bed_hazards")),
    }
    goals = {
        "goal": draw(_pick(Goals, "goal")),
        "herbs_interest": draw(_pick(Goals, "herbs_interest")),
        "herbs_taken": draw(_some(Goals, "herbs_taken")),
        "prescription_discussion": draw(_pick(Goals, "prescription_discussion")),
        "reduce_supplement": draw(_pick(Goals, "reduce_supplement")),
        "asked_about": draw(_some(Goals, "asked_about")),
    }
    data = {
        "consult": {
            "date": consult.isoformat(),
            "visit": draw(_pick(Consult, "visit")),
            "setting": draw(_pick(Consult, "setting")),
            "jurisdiction": draw(_pick(Consult, "jurisdiction")),
        },
        "parent": {
            "name": "Test Parent",
            "relationship": draw(_pick(Parent, "relationship")),
            "menopause": draw(_pick(Parent, "menopause")),
        },
        "babies": kids,
        "lactation": lactation,
        "health": health,
        "situation": situation,
        "goals": goals,
    }
    return Intake.model_validate(data)
