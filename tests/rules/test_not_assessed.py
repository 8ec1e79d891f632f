"""Answers a consultant may give when nobody checked or the parent would rather not say: "not assessed" is kept apart
from "none seen", "prefers not to say" is read like "not known" (never as a safe answer), and "other" is named in
the plan, never passed over."""

from __future__ import annotations

import pytest

from careplan.rules.engine import build_plan
from careplan.rules.library import load_library
from tests.conftest import make_intake

LIBRARY = load_library()
B = "babies.0."


def item_ids(**changes: object) -> set[str]:
    return build_plan(make_intake(**changes), LIBRARY).item_ids()


def test_dehydration_not_assessed_is_not_recorded_as_none_seen() -> None:
    not_assessed = make_intake(**{B + "dehydration_signs": None}).babies[0]
    none_seen = make_intake(**{B + "dehydration_signs": []}).babies[0]
    assert (not_assessed.dehydration_assessed, none_seen.dehydration_assessed) == (False, True)
    assert not_assessed.dehydration_sign_list == none_seen.dehydration_sign_list == []
    seen = make_intake(**{B + "dehydration_signs": ["dry_mouth"]}).babies[0]
    assert seen.dehydration_assessed and seen.dehydration_sign_list == ["dry_mouth"]


def test_a_sign_seen_is_urgent_and_not_assessed_never_reads_as_a_sign() -> None:
    assert any(i.startswith("urgent") for i in item_ids(**{B + "dehydration_signs": ["lethargy"]}))
    assert item_ids(**{B + "dehydration_signs": None}) == item_ids(**{B + "dehydration_signs": []})


def test_breasts_not_assessed_are_not_signs_of_low_glandular_tissue() -> None:
    intake = make_intake(**{"health.igt_signs": None})
    assert not intake.health.igt_assessed and intake.health.igt_sign_list == []
    assert "refer-hormones-glandular" in item_ids(**{"health.igt_signs": ["widely_spaced"]})


@pytest.mark.parametrize("field", ["health.smokes", "health.alcohol", "health.sedating_substances"])
def test_prefers_not_to_say_is_read_as_not_known_for_sleep_safety(field: str) -> None:
    safe = {"health.smokes": "no", "health.household_smoke": "no", "health.alcohol": "none",
            "health.sedating_substances": "no"}
    declined = build_plan(make_intake(**{**safe, field: "declined"}), LIBRARY)
    unknown = build_plan(make_intake(**{**safe, field: "unknown"}), LIBRARY)
    assert "sleep-hazard-no-bedsharing" in declined.item_ids()
    assert declined.item_ids() == unknown.item_ids()


def test_an_other_condition_is_named_in_the_plan() -> None:
    plan = build_plan(make_intake(**{"health.conditions": ["other"], "health.conditions_other": "Sjogren's"}), LIBRARY)
    item = next(i for i in plan.items() if i.id == "check-other-condition")
    assert "Sjogren's" in item.text and item.kind == "referral"
    unnamed = build_plan(make_intake(**{"health.conditions": ["other"]}), LIBRARY)
    assert "a health condition that was not named" in next(
        i.text for i in unnamed.items() if i.id == "check-other-condition"
    )
