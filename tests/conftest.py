from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

# careplan's cache (parser tables, compiled libraries) goes to a folder of this test session, not the user's, set
# before careplan is imported; subprocesses inherit it.
if "CAREPLAN_CACHE" not in os.environ:
    os.environ["CAREPLAN_CACHE"] = tempfile.mkdtemp(prefix="careplan-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CAREPLAN_CACHE"], True)

from careplan.intake import Intake
from careplan.plan import Plan, Schedule
from careplan.rules.library import Library, load_library

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "intake_forms" / "relactation" / "examples").glob("*.json"))
LOW_SUPPLY_EXAMPLES = sorted((ROOT / "intake_forms" / "low-supply" / "examples").glob("*.json"))

BASE_INTAKE: dict[str, Any] = {
    "consult": {"date": "2026-05-01", "setting": "clinic", "jurisdiction": "US"},
    "parent": {"name": "Robin Example", "relationship": "birth_parent", "menopause": "no"},
    "babies": [
        {
            "name": "Sky",
            "birth_date": "2026-03-20",
            "gestational_age_weeks": 39,
            "birth_weight_g": 3400,
            "current_weight_g": 4300,
            "weighed_on": "2026-04-30",
            "latches": "yes",
            "wet_diapers_24h": 7,
            "dirty_diapers_24h": 3,
            "sleeps": "separate_surface_in_parents_room",
            "feeding": {"milk": ["formula"], "supplement_ml_per_24h": 600, "feeds_per_24h": 8, "methods": ["cup"]},
        }
    ],
    "lactation": {
        "ever_lactated": "yes",
        "breastfed_this_baby": "yes",
        "duration_weeks": 2,
        "last_milk_removal": "2026-04-10",
        "full_supply_before": "yes",
        "current_output": "some",
    },
    "health": {
        "conditions": [],
        "allergies": [],
        "medications": [],
        "breast_surgeries": [],
        "smokes": "no",
        "household_smoke": "no",
        "alcohol": "none",
        "sedating_substances": "no",
        "placenta_capsules": "no",
    },
    "situation": {"pump": "double_electric", "supplementer": "has_one", "bedsharing": "never"},
    "goals": {"goal": "exclusive_breastfeeding", "herbs_interest": "no", "reduce_supplement": "yes"},
    "consent": {"email_plan": True},
}


def make_intake(**changes: Any) -> Intake:
    """The base intake with changes given as dotted paths: make_intake(**{"babies.0.latches": "no"})."""
    data = copy.deepcopy(BASE_INTAKE)
    for dotted, value in changes.items():
        target: Any = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
        last = parts[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return Intake.model_validate(data)


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture
def write_json(tmp_path: Path):  # type: ignore[no-untyped-def]
    def write(data: Any, name: str = "intake.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write



def schedule_of(plan: Plan) -> Schedule:
    """The plan's milk-removal schedule (every relactation plan has one)."""
    assert plan.schedule is not None, "a relactation plan has a milk-removal schedule"
    return plan.schedule
