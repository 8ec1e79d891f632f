"""Schema 1.1: the low-supply block, only on a low-supply intake; 1.0 files are still read."""

from __future__ import annotations

import json

import pytest

from careplan.errors import InputError
from careplan.intake import SCHEMA_VERSION, parse_intake
from careplan.intake.low_supply import LowSupply
from tests.conftest import BASE_INTAKE, LOW_SUPPLY_EXAMPLES, make_intake


def test_the_schema_is_1_1_and_a_1_0_file_is_still_read() -> None:
    assert SCHEMA_VERSION == "1.1"
    data = json.loads(json.dumps(BASE_INTAKE))
    data["schema_version"] = "1.0"
    assert parse_intake(json.dumps(data).encode(), "old.json").schema_version == "1.0"


def test_a_relactation_intake_is_written_without_the_low_supply_block() -> None:
    intake = make_intake()
    assert intake.low_supply == LowSupply()
    assert "low_supply" not in intake.model_dump(mode="json")
    low = make_intake(plan_type="low-supply", **{"low_supply.feeding.at_breast": "no"})
    assert low.model_dump(mode="json")["low_supply"]["feeding"]["at_breast"] == "no"


def test_the_low_supply_block_on_another_plan_type_is_refused() -> None:
    data = json.loads(json.dumps(BASE_INTAKE))
    data["low_supply"] = {"feeding": {"at_breast": "no"}}
    with pytest.raises(InputError) as caught:
        parse_intake(json.dumps(data).encode(), "mixed.json")
    assert caught.value.lines == [
        "mixed.json: low milk supply [low_supply]: is only for a low-supply plan; "
        "this intake's plan type is relactation"
    ]


def test_a_test_weight_is_dated_within_the_babys_life() -> None:
    data = json.loads(json.dumps(BASE_INTAKE))
    data["plan_type"] = "low-supply"
    data["low_supply"] = {"test_weights": [{"date": "2020-01-01", "before_g": 3000, "after_g": 3050}]}
    with pytest.raises(InputError) as caught:
        parse_intake(json.dumps(data).encode(), "tw.json")
    assert len(caught.value.lines) == 1 and "test_weights.0.date" in caught.value.lines[0]
    assert "before the baby's birth date" in caught.value.lines[0]


def test_computed_values() -> None:
    intake = make_intake(
        plan_type="low-supply",
        **{
            "low_supply.milk_came_in": {"status": "yes", "hours_after_birth": 80},
            "low_supply.test_weights": [
                {"date": "2026-04-30", "before_g": 3400, "after_g": 3460},
                {"date": "2026-04-30", "before_g": 3450, "after_g": 3440},
            ],
        },
    )
    block = intake.low_supply
    assert block.milk_in_late and block.milk_documented
    assert block.test_weight_total_g == 60 and block.test_weight_count == 2  # a loss on the scale counts as 0
    assert intake.babies[0]._milk_documented


def test_the_examples_are_low_supply_intakes() -> None:
    assert len(LOW_SUPPLY_EXAMPLES) >= 6
    for path in LOW_SUPPLY_EXAMPLES:
        intake = parse_intake(path.read_bytes(), path.name)
        assert intake.plan_type == "low-supply" and intake.schema_version == "1.1", path.name
