"""The question file against the intake model: real fields, legal choices, every field reachable; typed answers."""

from __future__ import annotations

import json
import typing
from datetime import date
from pathlib import Path

import pytest

from careplan.errors import submodel
from careplan.intake import Intake
from careplan.interview.answers import AnswerError, parse_answer
from careplan.interview.carry import flatten
from careplan.interview.choice import plan_form
from careplan.interview.fields import model_fields
from careplan.interview.form import Form, FormError
from careplan.interview.loader import builtin_form, load_form
from careplan.interview.nodes import Group, Question
from careplan.interview.partial import build_data
from careplan.rules.library import load_library
from tests.conftest import EXAMPLES

NOT_ASKED = {("schema_version",), ("plan_type",), ("record_id",)}  # written by careplan, never asked
#: The parts of the intake a plan type's form leaves out: another plan type's block, or history only another
#: plan type reads.
NOT_THIS_TYPE: dict[str, tuple[tuple[str, ...], ...]] = {
    "relactation": (("low_supply",), ("health", "breast_surgeries", "incision")),
    "low-supply": (
        ("lactation", "duration_weeks"),
        ("lactation", "last_milk_removal"),
        ("lactation", "stop_reasons"),
        ("lactation", "current_output"),
    ),
}
PLAN_TYPES = list(NOT_THIS_TYPE)


def form_for(plan_type: str) -> Form:
    return plan_form(plan_type)


def own(plan_type: str, path: tuple[str, ...]) -> bool:
    return not any(path[: len(part)] == part for part in NOT_THIS_TYPE[plan_type])


def covered(plan_type: str = "relactation") -> set[tuple[str, ...]]:
    return {node.full for node in form_for(plan_type).questions()}


@pytest.mark.parametrize("plan_type", PLAN_TYPES)
def test_every_question_names_a_real_field(plan_type: str) -> None:
    fields = {path for path, _ in model_fields(Intake)}
    for node in form_for(plan_type).questions():
        assert node.full in fields, node.full
        assert own(plan_type, node.full), f"{plan_type} asks {'.'.join(node.full)}, another plan type's part"


@pytest.mark.parametrize("plan_type", PLAN_TYPES)
def test_every_form_records_its_plan_type(plan_type: str) -> None:
    assert form_for(plan_type).plan_type == plan_type
    assert build_data(form_for(plan_type), {})["plan_type"] == plan_type


@pytest.mark.parametrize("plan_type", PLAN_TYPES)
def test_every_required_field_is_reachable(plan_type: str) -> None:
    """Every required field has a question (inside a list of items, the list is a group that is asked too), and
    no condition hides a required field for good: its conditions name earlier questions with legal values."""
    form = form_for(plan_type)
    asked = covered(plan_type)
    fields = dict(model_fields(Intake))
    required = [path for path, info in fields.items() if info.is_required() and own(plan_type, path)]
    assert ("consult", "date") in required and ("babies", "name") in required
    for path in required:
        info = fields[path]
        if submodel(info.annotation) is not None and typing.get_origin(info.annotation) is not list:
            continue  # a group of fields: its own required fields are checked
        assert path in asked, f"{'.'.join(path)} is required but never asked"
        for depth in range(1, len(path)):
            if path[:depth] in form.by_path:
                assert isinstance(form.by_path[path[:depth]], Group)
        node = form.by_path[path]
        assert all(c.values or c.op == "more_than" for c in node.when)


@pytest.mark.parametrize("plan_type", PLAN_TYPES)
def test_every_field_has_a_question(plan_type: str) -> None:
    """Not only the required ones: any intake of its plan type the model accepts can be typed in."""
    asked = covered(plan_type)
    questions = list(form_for(plan_type).questions())
    for path, info in model_fields(Intake):
        if path in NOT_ASKED or not own(plan_type, path):
            continue
        nested_model = any(path == node.full[: len(path)] and path != node.full for node in questions)
        assert path in asked or nested_model, f"{'.'.join(path)} has no question"
        del info


@pytest.mark.parametrize("plan_type", PLAN_TYPES)
def test_choices_are_the_models_values_and_all_labelled(plan_type: str) -> None:
    for node in form_for(plan_type).questions():
        if isinstance(node, Question) and node.kind in ("select", "checkbox"):
            labelled = set(node.spec.choices or {})
            values = {v for v, _ in node.choices}
            assert not values & set(node.spec.omit), f"{'.'.join(node.full)}: offers a value it omits"
            assert labelled <= values
            assert labelled == values, f"{'.'.join(node.full)}: no label for {values - labelled}"


@pytest.mark.parametrize("plan_type", PLAN_TYPES)
def test_conditions_only_name_earlier_questions(plan_type: str) -> None:
    form = form_for(plan_type)
    for node in form.questions():
        for condition in node.when:
            scope = () if condition.absolute else node.full[: -len(node.rel)]
            target = form.by_path[tuple(str(p) for p in (*scope, *condition.path))]
            assert target.order < node.order


@pytest.mark.parametrize("plan_type", PLAN_TYPES)
def test_red_flag_entries_exist(plan_type: str) -> None:
    form, library = form_for(plan_type), load_library(plan_type=plan_type)
    for entry in form.red_flag_entries:
        assert entry in library.rules
        assert library.rules[entry].entry.kind in ("urgent", "referral")


def test_groups_take_their_limits_from_the_model() -> None:
    form = builtin_form()
    babies = form.by_path[("babies",)]
    assert isinstance(babies, Group)
    assert (babies.min, babies.max, babies.nullable) == (1, 8, False)
    medicines = form.by_path[("health", "medications")]
    assert isinstance(medicines, Group) and medicines.nullable


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name[:2])
def test_every_example_can_be_typed_in(path: Path) -> None:
    """flatten (intake -> answers) then build (answers -> intake) gives the example back."""
    form = builtin_form()
    data = Intake.model_validate_json(path.read_bytes()).model_dump(mode="json")
    rebuilt = Intake.model_validate(build_data(form, flatten(form, data))).model_dump(mode="json")
    if rebuilt["lactation"]["duration_weeks"] is None and data["lactation"]["breastfed_this_baby"] == "no":
        rebuilt["lactation"]["duration_weeks"] = data["lactation"]["duration_weeks"]  # 0 or null: not asked
    assert rebuilt == data


BROKEN = {
    "misspelt field": ("- field: parent.nmae\n  ask: Name", "'parent.nmae' is not a field"),
    "illegal choice": (
        "- field: consult.visit\n  ask: Visit\n  choices: {first: First, second: Second}",
        "choice 'second' is not one of the model's values",
    ),
    "condition on a later question": (
        "- field: parent.age_years\n  ask: Age\n  when: {field: parent.date_of_birth, is: [null]}\n"
        "- field: parent.date_of_birth\n  ask: Born",
        "only a field asked before this question can be a condition",
    ),
    "illegal condition value": (
        "- field: consult.visit\n  ask: Visit\n- field: consult.setting\n  ask: Setting\n"
        "  when: {field: consult.visit, is: [second]}",
        "value 'second' is not allowed",
    ),
    "list of items asked as a field": ("- field: babies\n  ask: Babies", "asked with `group:`"),
    "number input on text": ("- field: parent.name\n  ask: Name\n  input: weight", "input 'weight' does not fit"),
    "asked twice": ("- field: parent.name\n  ask: Name\n- field: parent.name\n  ask: Again", "asked twice"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_question_file_names_the_question(tmp_path: Path, case: str) -> None:
    questions, expected = BROKEN[case]
    body = "\n".join("      " + line for line in questions.splitlines())
    path = tmp_path / "q.yaml"
    path.write_text(f"version: 1\nsections:\n  - id: s\n    title: S\n    questions:\n{body}\n", encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_form(path)
    assert any(expected in line and line.startswith("q.yaml: section s") for line in caught.value.lines), (
        caught.value.lines
    )


def test_an_unknown_key_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("version: 1\nsections: []\ncolour: red\n", encoding="utf-8")
    with pytest.raises(FormError, match="colour"):
        load_form(path)


# --------------------------------------------------------------------------------------------------------------
# Typed answers
# --------------------------------------------------------------------------------------------------------------

TODAY = date(2026, 3, 16)


def question(path: str) -> Question:
    node = builtin_form().by_path[tuple(path.split("."))]
    assert isinstance(node, Question)
    return node


@pytest.mark.parametrize(
    ("path", "typed", "value"),
    [
        ("babies.birth_weight_g", "3450", 3450),
        ("babies.birth_weight_g", "3.45 kg", 3450),
        ("babies.birth_weight_g", "7 lb 9 oz", 3430),
        ("babies.birth_weight_g", "7lb", 3175),
        ("babies.current_weight_g", "", None),
        ("babies.gestational_age_weeks", "39+4", 39.6),
        ("babies.gestational_age_weeks", "39.5", 39.5),
        ("consult.date", "today", "2026-03-16"),
        ("consult.date", "yesterday", "2026-03-15"),
        ("consult.date", "2026-3-5", "2026-03-05"),
        ("parent.name", "  Lena  ", "Lena"),
        ("parent.email", "", None),
        ("parent.preferred_language", "pt-BR", "pt-BR"),
        ("health.bmi", "23.4", 23.4),
    ],
)
def test_typed_answers(path: str, typed: str, value: object) -> None:
    assert parse_answer(question(path), typed, TODAY) == value


@pytest.mark.parametrize(
    ("path", "typed", "message"),
    [
        ("babies.birth_weight_g", "34500", "must be at most 7000"),
        ("babies.birth_weight_g", "200", "must be at least 300"),
        ("babies.birth_weight_g", "3,450", "use a point for decimals"),
        ("babies.birth_weight_g", "7 lb 9", "write pounds and ounces as 7 lb 6 oz"),
        ("babies.wet_diapers_24h", "six", "must be a whole number"),
        ("consult.date", "2026-02-30", "is not a real date"),
        ("consult.date", "16/03/2026", "is not a real date (read as month/day/year)"),
        ("parent.name", "", "an answer is needed here"),
        ("parent.email", "lena@", "is not a valid email address"),
        ("parent.phone", "call me", "is not in the expected form"),
        ("parent.age_years", "8", "must be at least 10"),
    ],
)
def test_wrong_answers_get_the_models_message_in_plain_words(path: str, typed: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(question(path), typed, TODAY)
    assert str(caught.value).startswith(message)
    assert typed.strip() == "" or typed not in str(caught.value)  # never repeats what was typed


def test_examples_still_validate() -> None:
    for path in EXAMPLES:
        Intake.model_validate(json.loads(path.read_text(encoding="utf-8")))


def test_every_date_field_is_asked_as_a_date() -> None:
    """Dates carry bounds (Annotated constraints); the form must still see a date, optional or not."""
    form = builtin_form()
    questions = [node for node in form.questions() if isinstance(node, Question)]
    dates = [node for node in questions if node.info.title and "date" in node.info.title.lower()]
    assert len(dates) >= 8
    for node in dates:
        assert node.kind == "date", (node.full, node.kind)
