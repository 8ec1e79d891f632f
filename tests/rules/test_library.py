"""Loading the strategy library: every mistake is caught at load, naming the file, the entry and the expression."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from careplan.cli import cli
from careplan.errors import LibraryError
from careplan.rules.engine import build_plan
from careplan.rules.library import load_library
from tests.conftest import make_intake

GOOD_ENTRY = """
entries:
  - id: practice-walk
    kind: strategy
    section: wellbeing
    title: {en: "A short walk"}
    when:
      all:
        stressed: "situation.stress == 'high'"
    text: {en: "A short walk outside can help you rest."}
    clinician_note: "Practice suggestion."
    sources: [LLL-RL]
"""


def practice(tmp_path: Path, body: str, name: str = "extra.yaml") -> Path:
    folder = tmp_path / "practice"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(LibraryError) as caught:
        load_library(folder)
    return caught.value.lines


def test_builtin_library_loads() -> None:
    library = load_library()
    assert len(library.rules) >= 5
    assert library.sections[0].id == "urgent"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("situation.stresss == 'high'", "unknown field 'stresss' (did you mean 'stress'?)"),
        ("situaton.stress == 'high'", "unknown name 'situaton'"),
        ("situation.stress > 3", "data type mismatch"),
        ("situation.stress == 'hgh'", "'hgh' is not a possible value of situation.stress"),
        ("baby.wet_diapers_24h < 6", "nullable"),
        ("situation.stress ==", "syntax error"),
        ("baby.age_weeks", "gives a FLOAT, not true or false"),
    ],
)
def test_bad_expression_names_file_entry_and_expression(tmp_path: Path, expression: str, message: str) -> None:
    folder = practice(tmp_path, GOOD_ENTRY.replace("situation.stress == 'high'", expression))
    lines = problems(folder)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(f"{folder}/extra.yaml: entry 'practice-walk': condition 'stressed': ")
    assert repr(expression) in line
    assert message in line


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("sources: [LLL-RL]", "sources: [NOPE99]"), "source 'NOPE99' is not in the sources list"),
        (("section: wellbeing", "section: nowhere"), "section 'nowhere' is not defined"),
        (("title: {en: \"A short walk\"}", "title: {fr: \"Une marche\"}"), "needs an 'en' (English) text"),
        (("can help you rest.", "can help you {feel}."), "{feel} is not a param of this entry"),
        (("kind: strategy", "kind: sugestion"), "kind"),
        (("clinician_note:", "clinican_note:"), "is not a known field"),
        (("    sources: [LLL-RL]", "    sources: [LLL-RL]\n    excludes: [no-such-entry]\n"
          "    exclusion_reason: {en: x}"), "excludes 'no-such-entry', which is not an entry"),
    ],
)
def test_malformed_entries_are_reported(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    folder = practice(tmp_path, GOOD_ENTRY.replace(*change))
    lines = problems(folder)
    assert any(message in line and "extra.yaml" in line for line in lines), lines


def test_bad_yaml_names_line(tmp_path: Path) -> None:
    folder = practice(tmp_path, "entries:\n  - id: [unclosed\n")
    lines = problems(folder)
    assert len(lines) == 1 and "not valid YAML" in lines[0] and "line" in lines[0]


def test_duplicate_id_in_one_folder(tmp_path: Path) -> None:
    practice(tmp_path, GOOD_ENTRY, "a.yaml")
    folder = practice(tmp_path, GOOD_ENTRY, "b.yaml")
    assert any("id already used" in line for line in problems(folder))


def test_practice_folder_adds_and_overrides_by_id(tmp_path: Path) -> None:
    override = """
    entries:
      - id: milk-removal-frequency
        rules: [R01]
        kind: strategy
        section: milk_removal
        title: {en: "Our practice's milk-removal advice"}
        text: {en: "Take milk out at least 8 times a day, as we showed you."}
        clinician_note: "Practice wording."
        sources: [LLL-RL]
    """
    folder = practice(tmp_path, GOOD_ENTRY)
    (folder / "override.yaml").write_text(textwrap.dedent(override))
    library = load_library(folder)
    plan = build_plan(make_intake(**{"situation.stress": "high"}), library)
    titles = {item.id: item.title for item in plan.items()}
    assert titles["milk-removal-frequency"] == "Our practice's milk-removal advice"
    assert "practice-walk" in titles
    calm = build_plan(make_intake(**{"situation.stress": "low"}), library)
    assert "practice-walk" not in calm.item_ids()


def test_library_check_command(tmp_path: Path) -> None:
    good = CliRunner().invoke(cli, ["library", "check"])
    assert good.exit_code == 0 and good.output.startswith("low-supply: ok: ") and "\nrelactation: ok: " in good.output
    folder = practice(tmp_path, GOOD_ENTRY.replace("situation.stress", "situation.stresss"))
    bad = CliRunner().invoke(cli, ["library", "check", str(folder)])
    assert bad.exit_code == 1
    assert "stresss" in bad.output and "Traceback" not in bad.output
