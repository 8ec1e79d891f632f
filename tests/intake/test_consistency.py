"""Answers that disagree with one another: listed as notes (the intake stays valid), each naming its fields."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from careplan.cli import cli as main
from careplan.intake.consistency import contradictions
from tests.conftest import make_intake

B = "babies.0."


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({B + "feeding.milk": ["direct_breastfeeding", "formula"], B + "latches": "no"}, "latches says no"),
        ({B + "feeding.milk": ["direct_breastfeeding", "formula"], B + "concerns": ["breast_refusal"]},
         "refuses the breast"),
        ({B + "feeding.milk": ["formula"], B + "feeding.supplement_ml_per_24h": 0}, "supplement_ml_per_24h is 0"),
        ({B + "feeding.milk": ["direct_breastfeeding"], "goals.reduce_supplement": "yes"}, "no baby is given"),
        ({B + "feeding.milk": ["expressed_breast_milk"], "lactation.current_output": "none"}, "current_output"),
        ({B + "feeding.milk": ["direct_breastfeeding"], "goals.reduce_supplement": "no"}, None),
    ],
)
def test_each_disagreement_is_named(changes: dict[str, object], names: str | None) -> None:
    lines = contradictions(make_intake(**changes))
    if names is None:
        assert lines == []
    else:
        assert len(lines) == 1 and names in lines[0], lines


def test_answers_that_agree_give_no_note() -> None:
    agree = {B + "feeding.milk": ["direct_breastfeeding", "formula"], B + "latches": "yes"}
    assert contradictions(make_intake(**agree)) == []


def test_validate_lists_them_as_notes_and_still_passes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    intake = make_intake(**{B + "feeding.milk": ["direct_breastfeeding", "formula"], B + "latches": "no"})
    path = tmp_path / "i.json"
    path.write_text(json.dumps(intake.model_dump(mode="json")), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert f"{path}: note: these answers disagree: babies[1]: feeding.milk says fed at the breast" in result.output
