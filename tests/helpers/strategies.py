"""Hypothesis strategies that build valid, widely varied intakes, choosing every choice field from the model."""

from __future__ import annotations

import re
import typing
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from careplan.intake import Intake


def _clean(text: str) -> str:
    """Text as the intake keeps it: control characters other than tab and line feed removed."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)


def _name_key(baby: dict[str, Any]) -> str:
    return " ".join(_clean(baby["name"]).split()).casefold()


def _has_text(text: str) -> bool:
    return _clean(text).strip() != ""

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


def _calm(model: type, field: str) -> st.SearchStrategy[Any]:
    """A value of a red-flag field that the field's metadata says is not a red flag."""
    extra = model.model_fields[field].json_schema_extra  # type: ignore[attr-defined]
    return st.sampled_from(extra["x-not-red-flags"])


@st.composite
def babies(draw: st.DrawFn, consult: date) -> dict[str, Any]:
    from careplan.intake import Baby, CurrentFeeding

    age = draw(st.integers(min_value=0, max_value=420))
    birth = consult - timedelta(days=age)
    # One baby in three from 2 weeks old is well: term, normal birth weight, growing, no red flag recorded, so that
    # the daily estimate and the step-down are exercised too. The others take any value the model allows.
    well = age >= 14 and draw(st.integers(min_value=0, max_value=2)) == 0
    concerns = st.lists(_calm(Baby, "concerns"), max_size=2, unique=True) if well else _some(Baby, "concerns")
    baby: dict[str, Any] = {
        "name": draw(st.text(min_size=1, max_size=20).filter(_has_text)),
        "birth_date": birth.isoformat(),
        "gestational_age_weeks": draw(_maybe(st.floats(min_value=23, max_value=42).map(lambda x: round(x, 1)))),
        "birth_weight_g": draw(_maybe(st.integers(min_value=500, max_value=5500))),
        "latches": draw(_pick(Baby, "latches")),
        "concerns": draw(concerns),
        "wet_diapers_24h": draw(st.integers(min_value=6, max_value=12) if well else _maybe(st.integers(0, 14))),
        "dirty_diapers_24h": draw(st.integers(min_value=2, max_value=6) if well else _maybe(st.integers(0, 10))),
        "dehydration_signs": [] if well else draw(_some(Baby, "dehydration_signs")),
        "sleeps": draw(_pick(Baby, "sleeps")),
        "feeding": {
            "milk": draw(_some(CurrentFeeding, "milk")),
            "supplement_ml_per_24h": draw(_maybe(st.integers(min_value=0, max_value=1200))),
            "feeds_per_24h": draw(_maybe(st.integers(min_value=0, max_value=16))),
            "methods": draw(_some(CurrentFeeding, "methods")),
        },
    }
    # Red flags and the facts behind them (every value of each field, "unknown" included).
    baby["stool_colour"] = draw(_calm(Baby, "stool_colour") if well else _pick(Baby, "stool_colour"))
    baby["jaundice"] = "no" if well else draw(_pick(Baby, "jaundice"))
    baby["jaundice_treatment"] = draw(_pick(Baby, "jaundice_treatment"))
    if baby["jaundice"] != "no" and draw(st.booleans()):
        baby["jaundice_since"] = (birth + timedelta(days=draw(st.integers(min_value=0, max_value=age)))).isoformat()
    baby["fever"] = "no" if well else draw(_pick(Baby, "fever"))
    low, high = (35.5, 37.9) if well else (35, 41)
    baby["temperature_c"] = draw(_maybe(st.floats(min_value=low, max_value=high).map(lambda x: round(x, 1))))
    baby["vomiting"] = draw(_calm(Baby, "vomiting") if well else _pick(Baby, "vomiting"))
    if well:
        # Weighed in the last 10 days, 25-40 g a day over the week before.
        weighed = birth + timedelta(days=age - draw(st.integers(min_value=0, max_value=min(age - 7, 10))))
        birth_weight = draw(st.integers(min_value=2800, max_value=4200))
        gain = draw(st.integers(min_value=25, max_value=40))
        baby[LINE] = (birth_weight, gain, 30000)  # no cap within 420 days: the gain stays positive
        baby["gestational_age_weeks"] = draw(st.sampled_from([37.0, 38.5, 40.0, 41.5]))
        baby["birth_weight_g"] = birth_weight
        baby |= {"current_weight_g": on_line(baby[LINE], (weighed - birth).days), "weighed_on": weighed.isoformat()}
        earlier = weighed - timedelta(days=7)
        baby["earlier_weights"] = [{"date": earlier.isoformat(), "grams": on_line(baby[LINE], (earlier - birth).days)}]
        return baby
    # Any other weights lie on one line from the weight at birth (recorded or not): a loss, or a gain of up to
    # 95 g a day (the model refuses a gain over 100 g a day between two weighings).
    start = baby["birth_weight_g"] or draw(st.integers(min_value=500, max_value=5500))
    gain = draw(st.integers(min_value=-60, max_value=95))
    baby[LINE] = (start, gain, 30000)
    if draw(st.booleans()):
        weighed = birth + timedelta(days=draw(st.integers(min_value=0, max_value=age)))
        span = (weighed - birth).days
        baby["current_weight_g"] = on_line(baby[LINE], span)
        baby["weighed_on"] = weighed.isoformat()
        days = draw(st.lists(st.integers(min_value=0, max_value=span), max_size=3))
        baby["earlier_weights"] = [
            {"date": (birth + timedelta(days=d)).isoformat(), "grams": on_line(baby[LINE], d)} for d in days
        ]
    return baby


#: The key under which a drawn baby carries its weight line (start, grams a day, most) until the intake is built.
LINE = "__weight_line"


def on_line(line: tuple[int, int, int], day: int) -> int:
    """The weight on day ``day`` of a baby whose weights follow ``line``, within what the model takes."""
    start, gain, most = line
    return max(400, min(most, start + gain * day))


#: Medicine names: some the lexicon knows, some of concern or QT-prolonging that it may not know yet, some invented.
MEDICINE_NAMES = [
    "Sudafed",
    "metformin",
    "warfarin",
    "levothyroxine",
    "Synthroid",
    "Microgynon",
    "cabergoline",
    "vitamin D",
    "domperidone",
    "metoclopramide",
    "sertraline",
    "citalopram",
    "clarithromycin",
    "amiodarone",
    "lithium",
    "methotrexate",
    "Zyxor 5 mg",
    "Floravex drops",
    "iron tablets",
]


def _medicines(consult: date) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Medicines taken now or stopped, by known and invented names (free text too), classes sometimes set."""
    from careplan.intake import Medication

    name = st.one_of(
        st.sampled_from(MEDICINE_NAMES),
        st.text(min_size=1, max_size=30).filter(_has_text),
    )

    @st.composite
    def one(draw: st.DrawFn) -> dict[str, Any]:
        medicine: dict[str, Any] = {"name": draw(name)}
        if draw(st.booleans()):
            medicine["classes"] = draw(_some(Medication, "classes"))
        if draw(st.booleans()):
            medicine["status"] = "stopped"
            stopped = consult - timedelta(days=draw(st.integers(min_value=0, max_value=700)))
            medicine["stopped_on"] = draw(_maybe(st.just(stopped.isoformat())))
            medicine["stop_reason"] = draw(_maybe(st.text(min_size=1, max_size=40).filter(_has_text)))
        elif draw(st.booleans()):
            medicine["status"] = "taking"
        return medicine

    return st.lists(one(), max_size=4)


@st.composite
def _progress(draw: st.DrawFn, consult: date, births: list[date]) -> dict[str, Any]:
    baby = draw(st.integers(min_value=1, max_value=len(births)))
    born = births[baby - 1]
    day = born + timedelta(days=draw(st.integers(min_value=0, max_value=(consult - born).days)))
    return {
        "date": day.isoformat(),
        "baby": baby,
        "milk_removal_sessions_per_24h": draw(_maybe(st.integers(min_value=0, max_value=14))),
        "expressed_ml_per_24h": draw(_maybe(st.sampled_from([0, 5, 40, 120, 320, 800]))),
        "supplement_ml_per_24h": draw(_maybe(st.integers(min_value=0, max_value=1000))),
        "baby_weight_g": draw(_maybe(st.just(0))),  # set from the baby's weight line (see intakes)
    }


def _numbers(model: type, field: str) -> st.SearchStrategy[Any]:
    """Any number the field takes (its ge/le bounds), or null."""
    info = model.model_fields[field]  # type: ignore[attr-defined]
    low = next(m.ge for m in info.metadata if hasattr(m, "ge"))
    high = next(m.le for m in info.metadata if hasattr(m, "le"))
    whole = int in typing.get_args(info.annotation)
    numbers = st.integers(low, high) if whole else st.floats(low, high).map(lambda x: round(x, 1))
    return _maybe(numbers)


@st.composite
def _low_supply(draw: st.DrawFn, consult: date, births: list[date]) -> dict[str, Any]:
    """A low-supply block: every field of every part drawn from the model (red-flag values included)."""
    from careplan.intake.low_supply import LowSupply

    block: dict[str, Any] = {}
    for part, info in LowSupply.model_fields.items():
        if part == "test_weights":
            continue
        model: type = typing.cast(type, info.annotation)
        values: dict[str, Any] = {}
        for field, field_info in model.model_fields.items():  # type: ignore[attr-defined]
            annotation = field_info.annotation
            if field == "epds_date":
                days_back = st.integers(0, (consult - max(births)).days)
                values[field] = draw(_maybe(days_back.map(lambda d: (consult - timedelta(days=d)).isoformat())))
            elif typing.get_origin(annotation) is list:
                values[field] = draw(_some(model, field))
            elif typing.get_origin(annotation) is typing.Literal:
                values[field] = draw(_pick(model, field))
            else:
                values[field] = draw(_numbers(model, field))
        block[part] = values
    span = (consult - max(births)).days
    weights = st.fixed_dictionaries({
        "date": st.integers(0, span).map(lambda d: (consult - timedelta(days=d)).isoformat()),
        "before_g": st.integers(2000, 6000),
        "gain": st.integers(0, 150),
        "scale_resolution_g": _maybe(st.sampled_from([1, 2, 5, 10])),
    })
    block["test_weights"] = [
        {"date": w["date"], "before_g": w["before_g"], "after_g": w["before_g"] + w["gain"],
         "scale_resolution_g": w["scale_resolution_g"]}
        for w in draw(st.lists(weights, max_size=3))
    ]
    return block


@st.composite
def intakes(draw: st.DrawFn, plan_type: str = "relactation") -> Intake:
    """A valid intake of ``plan_type``; a low-supply one also has its block and breast-surgery incisions."""
    from careplan.intake import Consult, Goals, Health, Lactation, Parent, Situation

    consult = CONSULT_DAY - timedelta(days=draw(st.integers(min_value=0, max_value=400)))
    # Each baby has its own name (the model refuses two babies with one name, spaces and case aside).
    kids = draw(st.lists(babies(consult), min_size=1, max_size=3, unique_by=_name_key))
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
    health = {
        "conditions": draw(_maybe(_some(Health, "conditions"))),
        "allergies": draw(_maybe(_some(Health, "allergies"))),
        "medications": draw(_maybe(_medicines(consult))),
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
        "breast_problems": draw(_maybe(_some(Health, "breast_problems"))),
        "fever": draw(_pick(Health, "fever")),
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
        # "yes" more often than the other answers, so step-downs are planned (and checked) often enough.
        "reduce_supplement": draw(st.one_of(st.just("yes"), _pick(Goals, "reduce_supplement"))),
        "asked_about": draw(_some(Goals, "asked_about")),
    }
    if "blend" in goals["herbs_taken"]:
        # The label's herbs (never another blend), or null when the label is not known.
        label = [h for h in _choices(Goals, "herbs_taken") if h != "blend"]
        goals["blend_herbs"] = draw(_maybe(st.lists(st.sampled_from(label), max_size=4, unique=True)))
    births = [date.fromisoformat(b["birth_date"]) for b in kids]
    consult_data: dict[str, Any] = {
        "date": consult.isoformat(),
        "visit": draw(_pick(Consult, "visit")),
        "setting": draw(_pick(Consult, "setting")),
        "jurisdiction": draw(_pick(Consult, "jurisdiction")),
    }
    if draw(st.booleans()):
        # A course of care may begin before the birth (induced lactation) or on any day up to this consult.
        first = earliest + timedelta(days=draw(st.integers(min_value=-60, max_value=(consult - earliest).days)))
        consult_data["first_visit"] = first.isoformat()
    progress = draw(st.lists(_progress(consult, births), max_size=3))
    lines = [kid.pop(LINE) for kid in kids]
    for entry in progress:
        if entry["baby_weight_g"] is not None:
            day = (date.fromisoformat(entry["date"]) - births[entry["baby"] - 1]).days
            entry["baby_weight_g"] = on_line(lines[entry["baby"] - 1], day)
    if plan_type == "low-supply":
        for surgery in health["breast_surgeries"] or []:
            surgery["incision"] = draw(st.sampled_from(["periareolar", "inframammary", "axillary", "other", "unknown"]))
    data = {
        "plan_type": plan_type,
        "consult": consult_data,
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
        "progress": progress,
    }
    if plan_type == "low-supply":
        data["low_supply"] = draw(_low_supply(consult, births))
    return Intake.model_validate(data)
