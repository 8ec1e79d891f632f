"""The progress charts in real PDFs: a follow-up plan's "Your progress" pages and ``careplan progress``, rendered by
WeasyPrint with no warning, the charts' words in the text layer (pdftotext), the same bytes twice, and no intake
carried by the progress document."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from careplan.intake import load_intake
from careplan.pipeline import write_plan_pdf
from careplan.practice import Practice
from careplan.rules.library import Library
from tests.conftest import BASE_INTAKE, EXAMPLES, ROOT
from tests.helpers.pdf import assert_no_warnings, attachments, capture_render_warnings

pytestmark = pytest.mark.slow

FOUR_VISITS = next(path for path in EXAMPLES if path.name.startswith("10-"))


def pdftotext(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext (poppler-utils) is needed: make test installs it"
    done = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def render(path: Path, output: Path, library: Library, kind: str = "care-plan") -> bytes:
    with capture_render_warnings() as records:
        result = write_plan_pdf(load_intake(path), output, library=library, practice=Practice(), kind=kind)
    assert_no_warnings(list(records), result.warnings)
    return output.read_bytes()


def test_a_follow_up_plan_prints_its_charts_words_and_numbers(library: Library, tmp_path: Path) -> None:
    first = render(FOUR_VISITS, tmp_path / "plan.pdf", library)
    text = pdftotext(tmp_path / "plan.pdf")
    for words in ("Your progress", "Asha's weight on the WHO growth curves", "Age (weeks)", "Weight (kg)", "97th",
                  "3rd", "Your milk and the extra milk", "mL a day", "Extra milk plan", "Times milk out",
                  "Wet diapers, fewest", "22nd", "+22 g a day over", "WHO Multicentre Growth Reference"):
        assert words in text, words
    again = render(FOUR_VISITS, tmp_path / "again.pdf", library)
    assert again == first, "the same intake must give the same bytes"


def test_careplan_progress_writes_the_charts_alone_without_the_intake(tmp_path: Path) -> None:
    output = tmp_path / "progress.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "careplan", "progress", str(FOUR_VISITS), "-o", str(output)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(output)
    assert (output.stat().st_mode & 0o777) == 0o600
    assert attachments(output) == {}, "the progress summary does not carry the intake"
    text = pdftotext(output)
    assert "Your progress" in text and "Asha's weight" in text and "Times milk out" in text
    assert "What to do now" not in text, "the progress summary is not the care plan"


def test_careplan_progress_with_one_measurement_says_there_is_no_chart_yet(tmp_path: Path) -> None:
    data = json.loads(json.dumps(BASE_INTAKE))
    data["babies"][0]["birth_weight_g"] = None
    intake = tmp_path / "one.json"
    intake.write_text(json.dumps(data), encoding="utf-8")
    output = tmp_path / "one.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "careplan", "progress", str(intake), "-o", str(output)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(pdftotext(output).split())
    assert "There are no charts yet" in text and "Age (weeks)" not in text
