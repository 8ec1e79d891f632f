"""A practice file's ``[interview]`` table answers what every consult of the practice shares (the setting, where
families live): not asked, said once at the start, changed in the review; a value the question does not take is one
line naming the file and the key, and the question is asked."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from careplan.errors import InputError
from careplan.interview.loader import builtin_form
from careplan.interview.presets import read_presets
from careplan.practice import STARTER, load_practice
from careplan.rules.library import Library
from tests.conftest import ROOT
from tests.helpers.interview_driver import asked_keys, drive, normalised, script_for
from tests.test_practice import write

FAMILY = ROOT / "intake_forms" / "relactation" / "examples" / "01-recent-weaning-term-baby.json"
PRESETS = '[interview]\nsetting = "clinic"\njurisdiction = "US"\n'


def test_presets_are_read_and_checked_by_the_questions_own_field(tmp_path: Path) -> None:
    presets = read_presets(write(tmp_path, PRESETS), builtin_form())
    assert presets.answers == {"consult.setting": "clinic", "consult.jurisdiction": "US"}
    assert presets.problems == []
    bad = read_presets(write(tmp_path, '[interview]\nsetting = "clinik"\njurisdiction = "UK"\n'), builtin_form())
    assert bad.answers == {"consult.jurisdiction": "UK"}
    assert len(bad.problems) == 1
    assert bad.problems[0].startswith("practice.toml: interview.setting: ")
    assert bad.problems[0].endswith("; asked instead")


@pytest.mark.parametrize("text", ["", 'name = "x"\n', "not toml [", 'interview = "clinic"\n'])
def test_a_file_without_presets_gives_none(tmp_path: Path, text: str) -> None:
    assert read_presets(write(tmp_path, text), builtin_form()).answers == {}
    assert read_presets(tmp_path / "missing.toml", builtin_form()).answers == {}


def test_the_practice_file_checks_its_presets(tmp_path: Path) -> None:
    assert load_practice(write(tmp_path, STARTER + "\n" + PRESETS)).interview is not None
    with pytest.raises(InputError) as caught:
        load_practice(write(tmp_path, '[interview]\nsetting = "clinik"\n'))
    assert any("interview.setting" in line or "consult setting" in line for line in caught.value.lines)
    assert "# [interview]" in STARTER, "the starter file shows the presets, commented out"


@pytest.mark.slow  # slow: a whole interview
def test_the_interview_does_not_ask_what_the_practice_file_gives(tmp_path: Path, library: Library) -> None:
    expected = json.loads(FAMILY.read_text(encoding="utf-8"))
    practice = write(tmp_path, PRESETS)
    presets = {"consult.setting": "clinic", "consult.jurisdiction": "US"}
    script = script_for(expected, presets=presets)
    run = drive(script, today=date(2026, 3, 16), output=tmp_path / "i.json",
                practice=practice, library=library)
    assert run.error is None, run.screen
    assert run.result is not None and run.result.asked == asked_keys(script)
    assert not set(presets) & set(run.result.asked)
    assert normalised(run.written) == normalised(expected)
    assert "From the practice file: setting Clinic · country or region United States" in run.screen
