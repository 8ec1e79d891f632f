"""End to end: the installed ``careplan interview`` in a real pseudo-terminal, answered like a consultant would."""

from __future__ import annotations

import json
import signal
import stat
from datetime import date
from pathlib import Path

import pexpect
import pytest
from pypdf import PdfReader

from careplan.intake import load_intake
from careplan.interview.partial import load_partial
from careplan.rules.library import Library
from tests.conftest import ROOT
from tests.helpers.interview_driver import REVIEW, asked_keys, drive, normalised, script_for
from tests.helpers.interview_pty import CAREPLAN, answer, prompt_text, spawn

pytestmark = pytest.mark.slow  # slow: the real interview in a pty

FAMILY = ROOT / "intake_forms" / "relactation" / "examples" / "01-recent-weaning-term-baby.json"


def test_interview_in_a_terminal_writes_the_intake_and_the_pdf(tmp_path: Path) -> None:
    expected = json.loads(FAMILY.read_text(encoding="utf-8"))
    script = script_for(expected)
    child = spawn(tmp_path, "-o", "intake.json", "--render")
    try:
        answer(child, script[:-2])
        child.expect_exact(prompt_text(REVIEW))
        child.send("\r")
        child.expect_exact("Save the intake and render the plan?")
        child.send("y")
        child.expect_exact("PDF written")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    written = load_intake(tmp_path / "intake.json")
    assert normalised(written.model_dump(mode="json")) == normalised(expected)
    pdf = tmp_path / "intake.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3
    assert "Lena Sampleton" in reader.pages[0].extract_text()
    assert not (tmp_path / "intake.partial.json").exists()


@pytest.mark.parametrize("how", ["ctrl-c", "terminal closed"])
def test_stopped_in_a_terminal_then_resumed(tmp_path: Path, library: Library, how: str) -> None:
    expected = json.loads(FAMILY.read_text(encoding="utf-8"))
    script = script_for(expected)
    cut = asked_keys(script).index("babies.0.wet_diapers_24h")
    child = spawn(tmp_path, "-o", "intake.json")
    answer(child, script[:cut])
    child.expect_exact(prompt_text(script[cut][0]))
    child.send("5")  # typed, not yet entered: not saved
    if how == "ctrl-c":
        child.send("\x03")
        child.expect_exact(f"resume with: {CAREPLAN} interview --resume")  # the program run, not PATH's
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130
    else:
        child.kill(signal.SIGHUP)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130, (child.exitstatus, child.signalstatus)
    partial = tmp_path / "intake.partial.json"
    assert stat.S_IMODE(partial.stat().st_mode) == 0o600
    saved = load_partial(partial)
    assert len(saved.answers) == cut
    assert saved.position == "babies.0.wet_diapers_24h"
    finished = drive(script[cut:], today=date(2026, 3, 16), resume=partial, library=library)
    assert finished.error is None, finished.screen
    assert normalised(finished.written) == normalised(expected)
