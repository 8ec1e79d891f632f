"""Library parameters: values no source settles (the low-supply brief's {param}s), with conservative defaults a
practice can change from its own library folder, each checked against its range."""

from __future__ import annotations

from pathlib import Path

import pytest

from careplan.errors import LibraryError
from careplan.rules.engine import build_plan
from careplan.rules.library import load_library
from careplan.rules.parameters import DEFAULTS, Parameters
from tests.conftest import make_intake


def practice(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "practice"
    folder.mkdir(exist_ok=True)
    (folder / "settings.yaml").write_text(body, encoding="utf-8")
    return folder


def test_the_defaults_are_the_conservative_ones() -> None:
    assert Parameters(recheck_days=5, epds_cutoff=10, no_milk_refer_day=4, risk_window_days=28) == DEFAULTS
    assert load_library(plan_type="low-supply").parameters == DEFAULTS


def test_a_practice_sets_a_parameter(tmp_path: Path) -> None:
    folder = practice(tmp_path, "parameters:\n  epds_cutoff: 13\n")
    assert load_library(folder, plan_type="low-supply").parameters.epds_cutoff == 13


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("parameters:\n  recheck_dayz: 5\n", "parameters: recheck_dayz: is not a known parameter"),
        ("parameters:\n  epds_cutoff: 45\n", "parameters: epds_cutoff: Input should be less than or equal to 30"),
        ("parameters:\n  no_milk_refer_day: soon\n", "parameters.no_milk_refer_day"),
    ],
)
def test_a_wrong_parameter_is_named(tmp_path: Path, body: str, problem: str) -> None:
    with pytest.raises(LibraryError) as caught:
        load_library(practice(tmp_path, body), plan_type="low-supply")
    assert any(problem in line and "settings.yaml" in line for line in caught.value.lines), caught.value.lines


def test_a_parameter_changes_what_fires(tmp_path: Path) -> None:
    """The EPDS cut-off decides whether a score of 12 is referred."""
    intake = make_intake(plan_type="low-supply", **{"low_supply.parent.epds": 12})
    referred = {i.id for i in build_plan(intake, load_library(plan_type="low-supply")).items() if i.kind == "referral"}
    stricter = load_library(practice(tmp_path, "parameters:\n  epds_cutoff: 13\n"), plan_type="low-supply")
    later = {i.id for i in build_plan(intake, stricter).items() if i.kind == "referral"}
    assert referred - later, (referred, later)
