"""A right-to-left language lays out correctly before any of its text is translated: the page reads from the right,
numbers and times keep their own order, the schedule's first session is on the right.

Arabic (careplan ships its font) with a pseudo-translation (tests/language/pseudo.py): every English word becomes an
Arabic word, so the layout is Arabic's while the words mean nothing yet.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from careplan.intake import load_intake
from careplan.pipeline import Rendered, write_plan_pdf
from careplan.practice import Practice
from careplan.rules.library import english_texts, load_library
from tests.conftest import EXAMPLES
from tests.language.pseudo import ARABIC, fill, pseudo_phrases

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Rendered, Path]]:
    tmp = tmp_path_factory.mktemp("rtl")
    fill(tmp / "library", "ar", english_texts(load_library()), ARABIC)
    patch = pytest.MonkeyPatch()
    with pseudo_phrases(tmp, "ar", patch):
        library = load_library(tmp / "library")
        pdf = tmp / "ar.pdf"
        rendered = write_plan_pdf(load_intake(EXAMPLES[0]), pdf, library=library, practice=Practice(),
                                  language="ar")
        yield rendered, pdf


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(x min, y min, x max, y max, word) of every word on a page, from pdftotext's bounding boxes."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed: make test-deps"
    out = subprocess.run([tool, "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def test_the_plan_is_arabic_and_right_to_left(arabic: tuple[Rendered, Path]) -> None:
    rendered, _ = arabic
    assert rendered.plan.language == "ar" and rendered.plan.direction == "rtl"
    assert rendered.plan.language_note is None
    assert '<html lang="ar" dir="rtl">' in rendered.html
    assert rendered.warnings == []


def test_headings_start_at_the_right_margin(arabic: tuple[Rendered, Path]) -> None:
    _, pdf = arabic
    # The title is the largest type on the page (the Arabic text layer is not searchable: WeasyPrint #2841).
    words = _words(pdf, 1)
    width = 595.0  # A4, the default practice's paper, in points
    tallest = max(w[3] - w[1] for w in words)
    on_title = [w for w in words if w[3] - w[1] > tallest - 1]
    assert max(w[2] for w in on_title) > width * 0.85  # starts, reading from the right, at the right margin
    assert min(w[0] for w in on_title) > width * 0.4  # and does not reach across to the left


def test_the_schedule_runs_from_right_to_left_with_times_in_order(arabic: tuple[Rendered, Path]) -> None:
    rendered, pdf = arabic
    schedule = rendered.plan.schedule
    assert schedule is not None and len(schedule.sessions) >= 8
    # The times print as "7:00 ص" (Babel's Arabic clock, 12 hours): the digits keep their order inside each time.
    times = [w for w in _words(pdf, 1) if re.fullmatch(r"\d{1,2}:\d{2}", w[4])]
    row = sorted((w for w in times if abs(w[1] - times[0][1]) < 3), key=lambda w: -w[0])  # read from the right
    assert len(row) == len(schedule.sessions)

    def twelve_hour(clock: str) -> str:
        hour, minute = (int(part) for part in clock.split(":"))
        return f"{(hour - 1) % 12 + 1}:{minute:02d}"

    assert [w[4] for w in row] == [twelve_hour(session.time) for session in schedule.sessions]


def test_numbers_keep_their_own_order(arabic: tuple[Rendered, Path]) -> None:
    _, pdf = arabic
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "2026" in text  # a year is never reversed ("6202")
    assert "6202" not in text
