"""Dates in the intake: written as YYYY-MM-DD (a number is never a date), and plausibly near the consult date."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from careplan.cli import cli
from careplan.errors import InputError
from careplan.intake import Intake
from careplan.intake.load import parse_intake
from careplan.interview.fields import field_adapter, model_fields, unwrap_optional
from careplan.synthetic import synthetic_intakes
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "intake_forms" / "relactation" / "examples").glob("*.json"))
BASE = json.loads((ROOT / "intake_forms" / "relactation" / "examples" / "01-recent-weaning-term-baby.json").read_text())
CONSULT_DATE = "2026-03-16"
assert BASE["consult"]["date"] == CONSULT_DATE


def date_fields() -> list[tuple[str, ...]]:
    return [path for path, info in model_fields(Intake) if unwrap_optional(info.annotation)[0] is date]


def test_the_intake_has_date_fields_everywhere_expected() -> None:
    paths = {".".join(p) for p in date_fields()}
    assert {"consult.date", "consult.next_visit", "consult.first_visit", "parent.date_of_birth",
            "babies.birth_date", "babies.weighed_on", "babies.earlier_weights.date",
            "situation.return_to_work_date", "progress.date"} <= paths


NOT_DATES: list[Any] = [0, 1, 1700000000, -1, 1.5, 20260316.0, True, "0", "1700000000", "20260316", "16/03/2026",
                        "2026-3-16", "2026-03-16T00:00:00", "2026-03-16 ", datetime(2026, 3, 16), [2026, 3, 16]]


@pytest.mark.parametrize("path", date_fields(), ids=".".join)
def test_every_date_field_refuses_numbers_and_other_forms(path: tuple[str, ...]) -> None:
    info = dict(model_fields(Intake))[path]
    adapter = field_adapter(info)
    assert adapter.validate_python("2026-03-16") == date(2026, 3, 16)
    assert adapter.validate_python(date(2026, 3, 16)) == date(2026, 3, 16)
    assert adapter.validate_json('"2026-03-16"') == date(2026, 3, 16)
    for value in NOT_DATES:
        if value == "2026-03-16 ":
            continue  # surrounding spaces are trimmed
        with pytest.raises(ValidationError) as caught:
            adapter.validate_python(value)
        [error] = caught.value.errors(include_url=False)
        assert error["msg"] == "must be a date written as YYYY-MM-DD", (path, value)
    with pytest.raises(ValidationError) as caught:
        adapter.validate_json("0")
    assert caught.value.errors(include_url=False)[0]["msg"] == "must be a date written as YYYY-MM-DD"


def test_an_impossible_calendar_date_is_named_plainly() -> None:
    data = copy.deepcopy(BASE)
    data["consult"]["date"] = "2026-02-30"
    with pytest.raises(ValidationError) as caught:
        Intake.model_validate(data)
    [error] = caught.value.errors(include_url=False)
    assert error["loc"] == ("consult", "date")
    assert error["msg"] == "is not a real calendar date (written as YYYY-MM-DD)"


@pytest.mark.parametrize("number", [0, 1700000000])
@pytest.mark.parametrize("where", ["consult.date", "consult.next_visit", "babies.0.birth_date", "parent.date_of_birth"])
def test_a_json_number_is_never_a_date(number: int, where: str) -> None:
    data = copy.deepcopy(BASE)
    set_at(data, where, number)
    with pytest.raises(InputError) as caught:
        parse_intake(json.dumps(data), "intake.json")
    assert any(f"[{where}]" in line and "must be a date written as YYYY-MM-DD" in line for line in caught.value.lines)
    assert "1970" not in " ".join(caught.value.lines)


def set_at(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts: list[Any] = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value


# (field, value refused, the same field's value just inside the limit, words in the message)
PLAUSIBLE = [
    pytest.param("consult.date", "1999-12-31", None, "the consult date is before 2000", id="consult-before-2000"),
    pytest.param("parent.date_of_birth", "1956-03-15", "1956-03-16",
                 "the parent's date of birth is more than 70 years before the consult", id="parent-over-70-years"),
    pytest.param("consult.first_visit", "2024-03-15", "2024-03-16",
                 "the first visit is more than 2 years before this consult", id="first-visit-over-2-years"),
    pytest.param("consult.next_visit", "2026-03-15", CONSULT_DATE,
                 "the next visit is dated before this consult", id="next-visit-before-consult"),
    pytest.param("consult.next_visit", "2027-03-17", "2027-03-16",
                 "the next visit is more than a year after this consult", id="next-visit-over-a-year"),
    pytest.param("situation.return_to_work_date", "2028-03-17", "2028-03-16",
                 "the return-to-work date is more than 2 years from the consult", id="work-over-2-years-ahead"),
    pytest.param("situation.return_to_work_date", "2024-03-15", "2024-03-16",
                 "the return-to-work date is more than 2 years from the consult", id="work-over-2-years-ago"),
]


def with_value(dotted: str, value: str) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(BASE)
    if dotted.startswith("situation."):
        data.setdefault("situation", {})["returning_to_work"] = "yes"
    set_at(data, dotted, value)
    return data


@pytest.mark.parametrize(("dotted", "bad", "good", "words"), PLAUSIBLE)
def test_dates_far_from_the_consult_are_refused_naming_the_field(
    dotted: str, bad: str, good: str | None, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_intake(json.dumps(with_value(dotted, bad)), "intake.json")
    named = [line for line in caught.value.lines if f"[{dotted}]" in line]
    assert named and words in named[0], caught.value.lines
    assert bad not in " ".join(caught.value.lines)  # never repeats what was typed
    if good is not None:
        parse_intake(json.dumps(with_value(dotted, good)), "intake.json")


def test_a_weight_dated_before_the_birth_is_refused() -> None:
    data = copy.deepcopy(BASE)
    data["babies"][0]["weighed_on"] = "2026-02-01"  # born 2026-02-02
    with pytest.raises(InputError) as caught:
        parse_intake(json.dumps(data), "intake.json")
    assert any("weight was taken before the baby's birth date" in line for line in caught.value.lines)


def test_a_consult_on_the_first_day_of_2000_is_accepted() -> None:
    data = copy.deepcopy(BASE)
    data["consult"]["date"] = "2000-01-01"
    for baby in data["babies"]:
        baby["birth_date"], baby["weighed_on"] = "1999-12-01", "2000-01-01"
        baby["earlier_weights"] = []
    data["parent"]["date_of_birth"] = "1970-01-01"
    data["consult"]["next_visit"] = "2000-01-08"
    data["lactation"]["last_milk_removal"] = None
    Intake.model_validate(data)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_intake_validates(path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_synthetic_intakes_still_validate() -> None:
    for seed in (0, 1):
        for data in synthetic_intakes(400, seed=seed):
            Intake.model_validate(data)
