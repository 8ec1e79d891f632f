"""A follow-up asks again about lists that change between visits (medicines): the health history's ticks
("any medicines?") and "another?" are asked afresh, and each medicine carried over is asked whether it is still
taken, with the last answer as the default."""

from __future__ import annotations

import json
from pathlib import Path

from careplan.intake import Intake
from careplan.interview.carry import follow_up_answers
from careplan.interview.loader import builtin_form

EXAMPLES = Path(__file__).resolve().parents[2] / "intake_forms" / "relactation" / "examples"


def test_medicines_are_asked_again_and_their_names_carried() -> None:
    form = builtin_form()
    last = Intake.model_validate(json.loads((EXAMPLES / "09-breast-reduction-lupus-warfarin.json").read_text()))
    count = len(last.health.medications or [])
    assert count >= 1, "the example family takes medicines"
    answers, asked_again = follow_up_answers(form, last)
    assert "medications" in asked_again["health.history#screen"], "the last visit's ticks are the default"
    assert "health.medications#gate" not in answers, "the health history's tick answers 'any medicines?'"
    assert asked_again[f"health.medications#add.{count}"] is False, '"Another medicine?" is asked again'
    for index, medicine in enumerate(last.health.medications or []):
        assert answers[f"health.medications.{index}.name"] == medicine.name, "names are carried over"
        assert asked_again[f"health.medications.{index}.status"] == medicine.status, "taking it now? asked again"
    walk = form.walk({**answers, "health.history#screen": asked_again["health.history#screen"]})
    asked = [slot.key for slot in walk.slots if slot.key not in answers]
    assert [f"health.medications.{i}.status" for i in range(count)] == [k for k in asked if k.endswith(".status")]
    assert f"health.medications#add.{count}" in asked


def test_a_first_visit_without_medicines_asks_the_list_again_with_none_as_the_default() -> None:
    form = builtin_form()
    last = Intake.model_validate(json.loads((EXAMPLES / "01-recent-weaning-term-baby.json").read_text()))
    answers, asked_again = follow_up_answers(form, last)
    assert asked_again["health.history#screen"] == ["allergies"]  # no medicines: not ticked
    assert not any(key.startswith("health.medications") for key in answers)
