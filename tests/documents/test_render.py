"""Rendering the care plan PDF, checked by reading the PDF back with pypdf.

Every example intake is rendered once (module-scoped, lazily) and then checked for the cover, the section order,
the schedule, running headers and footers, bookmarks, metadata, the embedded intake, PDF/A-3b identification and
the file mode. Other tests cover the CLI (in a subprocess), `careplan extract` round trips, byte-identical output,
PDF/UA-1, paper sizes, practice files and logos, atomic writes and the absence of network access.

A WeasyPrint (or fontTools) warning fails a test: every render goes through ``capture_render_warnings`` and
``render_pdf``'s returned list must be empty too.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from careplan._resources import templates_dir
from careplan.cli import cli
from careplan.cli.options import NO_PRACTICE_NOTICE
from careplan.documents.care_plan import DocumentContext
from careplan.documents.fonts import fonts_css
from careplan.documents.page import HEADER_NAME_LIMIT
from careplan.documents.pdf import RenderError
from careplan.intake import Intake, extract_intake, load_intake, parse_intake
from careplan.locales import Formatter
from careplan.pipeline import Rendered, write_plan_pdf
from careplan.plan import Plan
from careplan.practice import STARTER, Practice, load_practice
from careplan.rules.library import Library
from tests.conftest import EXAMPLES, ROOT, make_intake, schedule_of
from tests.helpers.pdf import (
    ACTIONS,
    DETAILS,
    HELP,
    SRGB_LEAK_FILTER,
    TITLE,
    URGENT_BOX,
    assert_no_warnings,
    attachments,
    audit,
    capture_render_warnings,
    catalog,
    colour_pixels,
    edge_text,
    expected_headings,
    font_names,
    full_text,
    heading_positions,
    ink_fraction,
    language,
    lines,
    metadata,
    no_weasyprint_warnings,
    norm,
    outline_titles,
    page_size,
    page_texts,
    rasterise,
    squash,
    xmp,
    xmp_attribute,
)

pytestmark = [SRGB_LEAK_FILTER, pytest.mark.slow]  # slow: renders every example to PDF and reads each back

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
EXAMPLE_IDS = [path.stem for path in EXAMPLES]
BY_ID = dict(zip(EXAMPLE_IDS, EXAMPLES, strict=True))
URGENT_EXAMPLE = "04-urgent-newborn-weight-loss"


# --------------------------------------------------------------------------------------------------------------
# Rendering helpers
# --------------------------------------------------------------------------------------------------------------


@dataclass
class PDF:
    """One render: the intake, the pipeline's result, the bytes, a reader and what the loggers said."""

    intake: Intake
    practice: Practice
    result: Rendered
    path: Path
    data: bytes
    reader: PdfReader
    records: list[Any]

    @property
    def plan(self) -> Plan:
        return self.result.plan


def render(
    intake: Intake,
    output: Path,
    library: Library,
    practice: Practice | None = None,
    **options: Any,
) -> PDF:
    practice = practice or Practice()
    with capture_render_warnings() as records:
        result = write_plan_pdf(intake, output, library=library, practice=practice, **options)
    return PDF(intake, practice, result, output, output.read_bytes(), PdfReader(str(output)), list(records))


class _Examples:
    """Renders each example the first time a test asks for it, then shares it."""

    def __init__(self, folder: Path, library: Library) -> None:
        self.folder = folder
        self.library = library
        self.done: dict[str, PDF] = {}

    def __getitem__(self, stem: str) -> PDF:
        if stem not in self.done:
            # In English: these tests read the English plan (the Spanish family's Spanish plan: tests/language).
            self.done[stem] = render(load_intake(BY_ID[stem]), self.folder / f"{stem}.pdf", self.library,
                                     language="en")
        return self.done[stem]


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory, library: Library) -> _Examples:
    return _Examples(tmp_path_factory.mktemp("examples"), library)


@pytest.fixture(scope="module")
def urgent_pdf(tmp_path_factory: pytest.TempPathFactory, library: Library) -> PDF:
    """The base intake with a baby 11.8% under birth weight: the weight-loss urgent rule fires."""
    intake = make_intake(**{"babies.0.current_weight_g": 3000})
    return render(intake, tmp_path_factory.mktemp("urgent") / "urgent.pdf", library)


def cli_subprocess(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "careplan", *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=180
    )


def first_line(pdf: PDF, text: str) -> int | None:
    return next((i for i, (_, line) in enumerate(lines(pdf.reader)) if line == text), None)


def close_to(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) < 1.5 and abs(size[1] - expected[1]) < 1.5


def fail_write_pdf(
    monkeypatch: pytest.MonkeyPatch, exc: BaseException, partial: bytes = b"%PDF-1.7\n% partial"
) -> None:
    """Make WeasyPrint write part of a PDF and then fail, as a full disk or a crash would."""
    import weasyprint

    def broken(self: Any, target: Any = None, **_: Any) -> None:
        Path(target).write_bytes(partial)
        raise exc

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)


# --------------------------------------------------------------------------------------------------------------
# Every example
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_example_renders_without_warnings(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    assert_no_warnings(pdf.records, pdf.result.warnings)
    assert pdf.data.startswith(b"%PDF-")
    assert 4 <= len(pdf.reader.pages) <= 40


def formatter(pdf: PDF) -> Formatter:
    return Formatter(pdf.practice.locale_for(pdf.plan.jurisdiction))


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_the_sheet_says_who_from_whom_and_when_and_the_details_hold_the_goal(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    plan = pdf.plan
    fmt = formatter(pdf)
    first = squash(pdf.reader.pages[0].extract_text())
    assert squash(TITLE) in first and squash(pdf.practice.name) in first
    assert squash(f"For {plan.parent_name} and") in first
    for baby in plan.babies:
        age = DocumentContext.age_text(baby.age_days, baby.age_weeks, baby.age_months)
        assert squash(f"{baby.name} ({age})") in first
    assert squash(f"from {pdf.practice.consultant.name}, {pdf.practice.consultant.credentials}") in first
    assert squash(fmt.long_date(plan.consult_date)) in first
    details_page = next(i for i, page in enumerate(page_texts(pdf.reader)) if DETAILS in page)
    assert details_page == 2, "the sheet is two pages: the details start on page 3"
    details = squash(" ".join(page_texts(pdf.reader)[details_page:]))
    if plan.goal_in_own_words:
        assert squash(plan.goal_in_own_words) in details, "the goal in the family's own words is in the details"
    if plan.assessment:
        assert squash(plan.assessment) in details
    assert squash(pdf.practice.disclaimer) in details


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_sections_are_present_and_in_reading_order(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    positions = dict(zip(expected_headings(pdf.plan), heading_positions(pdf.reader, expected_headings(pdf.plan)),
                         strict=True))
    assert positions[TITLE][1] == 0 and positions[ACTIONS][1] == 0, "the title and what to do now open page 1"
    assert positions[HELP][1] <= 1, "when to get help is on the sheet"
    assert positions[DETAILS][1] == 2


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_bookmarks_follow_the_sections(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    titles = [title for level, title in outline_titles(pdf.reader) if level == 0]
    assert titles == expected_headings(pdf.plan)


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_schedule_and_feeding_plan_are_printed(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    plan = pdf.plan
    fmt = formatter(pdf)
    sheet = squash(" ".join(page_texts(pdf.reader)[:2]))
    schedule = schedule_of(plan)
    if schedule.kind == "comfort":
        assert squash(fmt.spell(schedule.note)) in sheet, "nursing for comfort: no timetable, only the note"
    else:
        for session in schedule.sessions:
            assert squash(fmt.time(session.time)) in sheet, f"schedule time {session.time} missing"
        assert squash(fmt.spell(schedule.sessions[0].what)) in sheet
    for feeding in plan.feeding:
        if feeding.current_supplement_ml is not None:
            assert squash(f"Supplement now {fmt.volume(feeding.current_supplement_ml)} a day") in sheet
        if feeding.need_ml_low is not None and feeding.need_ml_high is not None:
            assert squash(f"about {fmt.volume_range(feeding.need_ml_low, feeding.need_ml_high)} a day") in sheet
        else:
            assert "Daily need" not in sheet
            if feeding.amounts_held:
                assert squash(f"set with {feeding.baby}'s doctor for now") in sheet
        if feeding.step_down:
            assert "Step-down" in sheet
            for step in feeding.step_down:
                assert squash(f"{fmt.short_date(step.starts_on)} {fmt.volume(step.daily_ml)}") in sheet
        elif feeding.step_down_withheld:
            assert squash(f"No step-down for now: {fmt.spell(feeding.step_down_withheld)}.") in sheet


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_every_page_has_the_running_header_and_page_x_of_y(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    total = len(pdf.reader.pages)
    parent = pdf.plan.parent_name
    short = parent if len(parent) <= HEADER_NAME_LIMIT else parent[:HEADER_NAME_LIMIT] + "…"
    for index in range(total):
        footer = edge_text(pdf.reader, index, top=False)
        assert footer.endswith(f"Page {index + 1} of {total}"), (index, footer)
        assert (pdf.practice.footer or pdf.practice.name) in footer
        header = edge_text(pdf.reader, index, top=True)
        if index == 0:
            assert header == "", f"the cover should have no running header: {header!r}"
        else:
            assert pdf.practice.name in header, (index, header)
            assert f"Care plan for {short}" in header, (index, header)


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_document_metadata(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    meta = metadata(pdf.reader)
    practice = pdf.practice
    assert meta["/Title"] == f"Relactation care plan for {pdf.plan.parent_name}"
    assert meta["/Author"] == f"{practice.consultant.name}, {practice.consultant.credentials}, {practice.name}"
    assert meta["/Subject"] == "Relactation care plan"
    assert meta["/CreationDate"].startswith("D:" + pdf.plan.consult_date.strftime("%Y%m%d"))
    assert language(pdf.reader) is not None


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_document_language_is_the_language_the_plan_is_written_in(
    library: Library, stem: str, tmp_path: Path
) -> None:
    """/Lang tells screen readers how to pronounce the text: the language the plan is written in, which is the
    family's when careplan has the whole plan in it (Spanish), else English with the note on the cover."""
    pdf = render(load_intake(BY_ID[stem]), tmp_path / f"{stem}.pdf", library)
    requested = pdf.intake.parent.preferred_language
    plan = pdf.plan
    assert language(pdf.reader) == plan.language
    assert plan.language == ("es" if requested.split("-")[0] == "es" else "en")
    cover = norm(pdf.reader.pages[0].extract_text())
    if plan.language != requested.split("-")[0]:
        assert plan.language_note is not None and norm(plan.language_note.english) in cover
    else:
        assert plan.language_note is None and "This plan is in English" not in cover


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_intake_is_embedded_and_is_the_canonical_json(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    found = attachments(pdf.reader)
    assert list(found) == ["intake.json"]
    assert len(found["intake.json"]) == 1
    data = found["intake.json"][0]
    assert data == pdf.intake.model_dump_json(indent=2).encode("utf-8")
    assert json.loads(data) == json.loads(pdf.intake.model_dump_json())
    assert parse_intake(data) == pdf.intake
    assert extract_intake(pdf.path) == data


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_default_variant_is_pdf_a_3a_tagged_and_private(examples: _Examples, stem: str) -> None:
    """Archival and accessible at once: PDF/A-3 level A (tagged), the intake listed once as an associated file."""
    pdf = examples[stem]
    packet = xmp(pdf.reader)
    assert xmp_attribute(packet, "pdfaid:part") == "3"
    assert xmp_attribute(packet, "pdfaid:conformance") == "A"
    root = catalog(pdf.reader)
    assert "/OutputIntents" in root
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], "PDF/A-3a is tagged"
    assert len(root["/AF"]) == 1, "the intake is listed once in the catalog's /AF (PDF/A-3 needs it there)"
    assert (pdf.path.stat().st_mode & 0o777) == 0o600
    leftovers = [p.name for p in pdf.path.parent.iterdir() if p.name.endswith(".part")]
    assert leftovers == []


# --------------------------------------------------------------------------------------------------------------
# Urgent items come first
# --------------------------------------------------------------------------------------------------------------


def _assert_urgent_first(pdf: PDF) -> None:
    assert pdf.plan.urgent(), "the urgent rule was expected to fire"
    assert_no_warnings(pdf.records, pdf.result.warnings)
    headings = expected_headings(pdf.plan)
    positions = dict(zip(headings, heading_positions(pdf.reader, headings), strict=True))
    assert positions[URGENT_BOX][1] == 0 and positions[URGENT_BOX][0] < positions[ACTIONS][0], (
        "the urgent box opens page 1, before what to do now"
    )
    first = squash(pdf.reader.pages[0].extract_text())
    for item in pdf.plan.urgent():
        assert squash(item.title) in first, f"urgent item {item.id} is not on page 1"
        assert squash(item.text) in squash(" ".join(page_texts(pdf.reader)[:2])), f"{item.id}: text not on the sheet"


def test_urgent_box_comes_first_in_the_urgent_example(examples: _Examples) -> None:
    pdf = examples[URGENT_EXAMPLE]
    _assert_urgent_first(pdf)
    assert "call 911 now" in norm(pdf.reader.pages[0].extract_text())


def test_urgent_box_comes_first_when_weight_loss_is_over_10_percent(urgent_pdf: PDF) -> None:
    assert "urgent-weight-loss" in {item.id for item in urgent_pdf.plan.urgent()}
    _assert_urgent_first(urgent_pdf)


@pytest.mark.parametrize("stem", [s for s in EXAMPLE_IDS if s != URGENT_EXAMPLE])
def test_no_urgent_box_without_urgent_items(examples: _Examples, stem: str) -> None:
    pdf = examples[stem]
    assert not pdf.plan.urgent(), "only the urgent example has urgent items"
    assert URGENT_BOX not in [line for _, line in lines(pdf.reader)]


# --------------------------------------------------------------------------------------------------------------
# Round trips and byte-identical output
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["01-recent-weaning-term-baby", URGENT_EXAMPLE, "05-preterm-twins-nicu-follow-up"])
def test_extract_then_render_again_gives_the_same_pdf(
    examples: _Examples, library: Library, tmp_path: Path, stem: str
) -> None:
    original = examples[stem]
    extracted = tmp_path / "extracted.json"
    result = CliRunner().invoke(cli, ["extract", str(original.path), "-o", str(extracted)])
    assert result.exit_code == 0, result.output
    assert (extracted.stat().st_mode & 0o777) == 0o600
    again = render(load_intake(extracted), tmp_path / "again.pdf", library, language=original.plan.language)
    assert_no_warnings(again.records, again.result.warnings)
    assert again.intake == original.intake
    assert again.data == original.data, "extract -> render again did not give a byte-identical PDF"


def test_same_inputs_twice_give_identical_bytes(examples: _Examples, library: Library, tmp_path: Path) -> None:
    first = examples[URGENT_EXAMPLE]
    second = render(first.intake, tmp_path / "second.pdf", library, language=first.plan.language)
    assert second.data == first.data


def test_cli_render_in_two_processes_and_extract_round_trip(examples: _Examples, tmp_path: Path) -> None:
    """`careplan render` in a subprocess gives the same bytes as the library call; `careplan extract` gives the
    intake back; rendering that in another process gives the same bytes again."""
    stem = "01-recent-weaning-term-baby"
    first, html = tmp_path / "first.pdf", tmp_path / "first.html"
    done = cli_subprocess("render", str(BY_ID[stem]), "-o", str(first), "--html", str(html))
    assert done.returncode == 0, done.stderr
    assert done.stderr == NO_PRACTICE_NOTICE + "\n", f"careplan render printed warnings or errors: {done.stderr}"
    assert done.stdout.strip() == str(first)
    assert (first.stat().st_mode & 0o777) == 0o600
    assert (html.stat().st_mode & 0o777) == 0o600
    assert examples[stem].plan.parent_name in html.read_text(encoding="utf-8")
    assert first.read_bytes() == examples[stem].data, "CLI and library renders differ"

    extracted = tmp_path / "extracted.json"
    done = cli_subprocess("extract", str(first), "-o", str(extracted))
    assert done.returncode == 0, done.stderr
    printed = cli_subprocess("extract", str(first))
    assert printed.returncode == 0
    assert printed.stdout.encode("utf-8") == extracted.read_bytes() == attachments(first)["intake.json"][0]

    second = tmp_path / "second.pdf"
    done = cli_subprocess("render", str(extracted), "-o", str(second))
    assert done.returncode == 0, done.stderr
    assert second.read_bytes() == first.read_bytes(), "a second process gave different bytes"


def test_extract_refuses_a_pdf_without_an_intake(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    plain = tmp_path / "plain.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    with plain.open("wb") as handle:
        writer.write(handle)
    result = CliRunner().invoke(cli, ["extract", str(plain)])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"{plain}:")
    assert "intake.json" in result.stderr


# --------------------------------------------------------------------------------------------------------------
# Variants and paper
# --------------------------------------------------------------------------------------------------------------


def test_pdf_ua_1_is_tagged(examples: _Examples, library: Library, tmp_path: Path) -> None:
    base = examples["01-recent-weaning-term-baby"]
    pdf = render(base.intake, tmp_path / "ua.pdf", library, variant="pdf/ua-1")
    assert_no_warnings(pdf.records, pdf.result.warnings)
    root = catalog(pdf.reader)
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] is True or str(root["/MarkInfo"]["/Marked"]) == "True"
    assert xmp_attribute(xmp(pdf.reader), "pdfuaid:part") == "1"
    assert language(pdf.reader) is not None
    assert metadata(pdf.reader)["/Title"] == f"Relactation care plan for {base.plan.parent_name}"
    assert list(attachments(pdf.reader)) == ["intake.json"]
    assert [t for _, t in outline_titles(pdf.reader)] == [t for _, t in outline_titles(base.reader)]
    assert (pdf.path.stat().st_mode & 0o777) == 0o600


def test_default_paper_is_a4(examples: _Examples) -> None:
    pdf = examples["01-recent-weaning-term-baby"]
    assert all(close_to(page_size(pdf.reader, i), A4) for i in range(len(pdf.reader.pages)))


def test_unknown_variant_is_refused(tmp_path: Path, library: Library) -> None:
    with pytest.raises(RenderError):
        write_plan_pdf(make_intake(), tmp_path / "x.pdf", library=library, practice=Practice(), variant="pdf/x")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------------------------
# Practice files and logos
# --------------------------------------------------------------------------------------------------------------

LOGO_GREEN = (0, 200, 0)
LOGO_MAGENTA = (255, 0, 255)


def write_png(path: Path, colour: tuple[int, int, int]) -> Path:
    from PIL import Image

    Image.new("RGB", (120, 60), colour).save(path, format="PNG")
    return path


def write_svg(path: Path, colour: tuple[int, int, int]) -> Path:
    hex_colour = "#{:02x}{:02x}{:02x}".format(*colour)
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
        f'<rect width="120" height="60" fill="{hex_colour}"/></svg>',
        encoding="utf-8",
    )
    return path


def practice_toml(folder: Path, *, logo: str | None, paper: str, name: str, consultant: str, footer: str) -> Path:
    path = folder / "practice.toml"
    logo_line = f'logo = "{logo}"\n' if logo else ""
    path.write_text(
        f'name = "{name}"\n{logo_line}paper = "{paper}"\nfooter = "{footer}"\n'
        '[colours]\nprimary = "#224466"\naccent = "#aa3311"\ntint = "#f0f4f8"\n'
        f'[consultant]\nname = "{consultant}"\ncredentials = "IBCLC, MD"\nphone = "555-0199"\n'
        '[contact]\nemail = "hello@harbour.example.org"\nwebsite = "harbour.example.org"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("kind", "paper", "expected_size"),
    [("png", "A4", A4), ("svg", "Letter", LETTER)],
)
def test_practice_with_logo_renders_branded(
    library: Library, tmp_path: Path, kind: str, paper: str, expected_size: tuple[float, float]
) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    colour = LOGO_GREEN if kind == "png" else LOGO_MAGENTA
    (write_png if kind == "png" else write_svg)(brand / f"logo.{kind}", colour)
    name, consultant, footer = "Harbour Lactation Clinic", "Dr Amira Haddad", "Harbour Lactation - 555-0199"
    path = practice_toml(brand, logo=f"logo.{kind}", paper=paper, name=name, consultant=consultant, footer=footer)
    practice = load_practice(path)
    assert practice.logo == (brand / f"logo.{kind}").resolve()
    out = tmp_path / "out" / "plan.pdf"
    pdf = render(load_intake(BY_ID["01-recent-weaning-term-baby"]), out, library, practice)
    assert_no_warnings(pdf.records, pdf.result.warnings)

    pages = len(pdf.reader.pages)
    assert all(close_to(page_size(pdf.reader, i), expected_size) for i in range(pages)), paper
    cover = norm(pdf.reader.pages[0].extract_text())
    assert name in cover
    assert f"from {consultant}, IBCLC, MD" in cover
    assert name in edge_text(pdf.reader, 1, top=True)
    assert edge_text(pdf.reader, 1, top=False).startswith(footer)
    text = full_text(pdf.reader)
    assert f"Prepared by {consultant}, IBCLC, MD, {name}" in text
    assert "555-0199" in text and "hello@harbour.example.org" in text
    assert metadata(pdf.reader)["/Author"] == f"{consultant}, IBCLC, MD, {name}"

    # The logo is drawn on the cover, in its colour, and nowhere else.
    png = rasterise(pdf.path, 1, tmp_path)
    assert colour_pixels(png, colour) > 50, f"the {kind} logo is not visible on the cover"
    assert colour_pixels(rasterise(pdf.path, 2, tmp_path), colour) == 0


def test_practice_init_writes_a_file_that_loads_and_renders(library: Library, tmp_path: Path) -> None:
    target = tmp_path / "practice.toml"
    result = CliRunner().invoke(cli, ["practice", "init", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == STARTER
    again = CliRunner().invoke(cli, ["practice", "init", str(target)])
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    assert target.read_text(encoding="utf-8") == STARTER

    practice = load_practice(target)
    assert practice.name == "Riverside Lactation Care"
    pdf = render(make_intake(), tmp_path / "plan.pdf", library, practice)
    assert_no_warnings(pdf.records, pdf.result.warnings)
    assert all(close_to(page_size(pdf.reader, i), LETTER) for i in range(len(pdf.reader.pages)))
    assert "Riverside Lactation Care" in norm(pdf.reader.pages[0].extract_text())
    assert "from Jordan Rivera, IBCLC, RN" in norm(pdf.reader.pages[0].extract_text())
    assert "Riverside Lactation Care" in edge_text(pdf.reader, 1, top=True)


BAD_PRACTICES = {
    "bad-colour": ('name = "X"\n[colours]\nprimary = "teal"\n', ["colours.primary"]),
    "unknown-key": ('name = "X"\ncolour = "#112233"\n', ["colour"]),
    "missing-logo": ('name = "X"\nlogo = "nowhere.png"\n', ["logo"]),
    "logo-not-an-image": ('name = "X"\nlogo = "practice.toml"\n', ["logo"]),
    "bad-paper": ('paper = "A5"\n', ["paper"]),
    "not-toml": ('name = "X\n', []),
}


@pytest.mark.parametrize("case", sorted(BAD_PRACTICES))
def test_bad_practice_file_is_one_line_per_problem(write_json, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    text, fields = BAD_PRACTICES[case]
    path = tmp_path / "practice.toml"
    path.write_text(text, encoding="utf-8")
    intake = write_json(json.loads(load_intake(BY_ID["01-recent-weaning-term-baby"]).model_dump_json()))
    out = tmp_path / "plan.pdf"
    result = CliRunner().invoke(cli, ["render", str(intake), "-o", str(out), "--practice", str(path)])
    assert result.exit_code == 1, result.output
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:"), problems
    for name in fields:
        assert name in problems[0], (name, problems)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_bad_practice_file_reports_every_problem(write_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file with a bad colour, an unknown key and a missing logo: three problems, three lines."""
    path = tmp_path / "practice.toml"
    path.write_text('name = "X"\nlogo = "nowhere.png"\ncolour = "red"\n[colours]\nprimary = "teal"\n', "utf-8")
    intake = write_json(json.loads(load_intake(BY_ID["01-recent-weaning-term-baby"]).model_dump_json()))
    result = CliRunner().invoke(cli, ["render", str(intake), "-o", str(tmp_path / "p.pdf"), "--practice", str(path)])
    assert result.exit_code == 1
    problems = result.stderr.strip().splitlines()
    assert all(line.startswith(f"{path}:") for line in problems), problems
    assert any("colours.primary" in line for line in problems), problems
    assert any("[colour]" in line for line in problems), problems
    assert any("logo" in line for line in problems), f"the missing logo is not reported: {problems}"
    assert len(problems) == 3, problems


def test_svg_logo_that_points_outside_reads_nothing(library: Library, tmp_path: Path) -> None:
    """An SVG logo that links a file elsewhere on disk: that file is never read. The render either stops (no
    file) or drops the logo with a warning that names it; it never prints the file's content."""
    brand = tmp_path / "brand"
    brand.mkdir()
    system_file = Path("/etc/hostname") if Path("/etc/hostname").is_file() else Path("/etc/passwd")
    (brand / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
        f'height="10"><image xlink:href="{system_file.as_uri()}" width="10" height="10"/></svg>',
        encoding="utf-8",
    )
    practice = load_practice(practice_toml(brand, logo="logo.svg", paper="A4", name="N", consultant="C", footer="F"))
    out = tmp_path / "out" / "plan.pdf"
    secret = system_file.read_text(encoding="utf-8").strip()
    refused: RenderError | None = None
    with audit() as seen, capture_render_warnings() as records:
        try:
            result = write_plan_pdf(make_intake(), out, library=library, practice=practice)
        except RenderError as exc:
            refused = exc
    if refused is not None:
        assert "not written" in str(refused)
        assert not out.exists()
        assert [p.name for p in out.parent.iterdir()] == []
    else:
        assert any("logo.svg" in warning for warning in result.warnings), result.warnings
        assert records, "the dropped logo should be logged"
    assert str(system_file) not in seen.opened
    if out.exists() and secret:
        assert secret not in full_text(out)


def test_svg_logo_text_draws_in_the_packaged_fonts(library: Library, tmp_path: Path) -> None:
    """A logo's words, whatever font the SVG names (an attribute or an inline style), print in careplan's body
    font: no system font ends up in the PDF."""
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" viewBox="0 0 200 60">'
        '<rect width="200" height="60" fill="#1d5c73"/>'
        '<text x="10" y="28" font-family="Georgia, serif" font-size="20" fill="#fff">Riverside</text>'
        '<text x="10" y="52" style="font-family: Courier" font-size="14" fill="#fff">Lactation</text></svg>',
        encoding="utf-8",
    )
    practice = load_practice(practice_toml(brand, logo="logo.svg", paper="A4", name="N", consultant="C", footer="F"))
    with capture_render_warnings() as records:
        result = write_plan_pdf(make_intake(), tmp_path / "plan.pdf", library=library, practice=practice)
    assert_no_warnings(records, result.warnings)
    fonts = font_names(tmp_path / "plan.pdf")
    assert fonts and all(name.startswith("careplan-") for name in fonts), fonts
    first = norm(PdfReader(str(tmp_path / "plan.pdf")).pages[0].extract_text())
    assert "Riverside" in first and "Lactation" in first, "the logo's words are drawn, as text"


# --------------------------------------------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc", [OSError(errno.ENOSPC, "No space left on device"), RuntimeError("crash mid-write")], ids=["enospc", "crash"]
)
def test_failed_render_leaves_no_file(
    monkeypatch: pytest.MonkeyPatch, library: Library, tmp_path: Path, exc: BaseException
) -> None:
    fail_write_pdf(monkeypatch, exc)
    out = tmp_path / "plan.pdf"
    with pytest.raises((RenderError, RuntimeError)):
        write_plan_pdf(make_intake(), out, library=library, practice=Practice())
    assert list(tmp_path.iterdir()) == [], "a failed render left a file (or its temp file) behind"


def test_failed_render_keeps_the_previous_pdf(
    monkeypatch: pytest.MonkeyPatch, library: Library, tmp_path: Path
) -> None:
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"previous plan")
    fail_write_pdf(monkeypatch, OSError(errno.EIO, "I/O error"))
    with pytest.raises(RenderError):
        write_plan_pdf(make_intake(), out, library=library, practice=Practice())
    assert out.read_bytes() == b"previous plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


def test_cli_failed_render_is_one_line_and_leaves_no_file(
    monkeypatch: pytest.MonkeyPatch, write_json: Callable[..., Path], tmp_path: Path
) -> None:
    intake = write_json(json.loads(make_intake().model_dump_json()), "in.json")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    fail_write_pdf(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    result = CliRunner().invoke(cli, ["render", str(intake), "-o", str(out_dir / "plan.pdf")])
    assert result.exit_code == 1
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 1 and problems[0].startswith(str(out_dir / "plan.pdf")), problems
    assert "not written" in problems[0]
    assert list(out_dir.iterdir()) == []


def test_cli_failed_render_leaves_no_html_either(
    monkeypatch: pytest.MonkeyPatch, write_json: Callable[..., Path], tmp_path: Path
) -> None:
    """`--html` is output too: a render that fails must not leave the plan's HTML (health data) behind."""
    intake = write_json(json.loads(make_intake().model_dump_json()), "in.json")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    fail_write_pdf(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    result = CliRunner().invoke(
        cli, ["render", str(intake), "-o", str(out_dir / "plan.pdf"), "--html", str(out_dir / "plan.html")]
    )
    assert result.exit_code == 1
    assert sorted(p.name for p in out_dir.iterdir()) == [], "a failed render left files behind"


# --------------------------------------------------------------------------------------------------------------
# No network, no stray files
# --------------------------------------------------------------------------------------------------------------


def test_render_needs_no_network_and_reads_only_its_assets(
    monkeypatch: pytest.MonkeyPatch, library: Library, tmp_path: Path
) -> None:
    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("careplan tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    intake = load_intake(BY_ID[URGENT_EXAMPLE])
    out = tmp_path / "plan.pdf"
    with audit() as seen:
        pdf = render(intake, out, library)
    assert_no_warnings(pdf.records, pdf.result.warnings)
    assert seen.connected == []
    assert len(pdf.reader.pages) > 4
    allowed = [templates_dir().resolve(), tmp_path.resolve(), Path(sys.prefix).resolve(), Path(sys.base_prefix)]
    allowed.append(ROOT / "careplan")
    strays = []
    for opened in seen.opened:
        if opened.isdigit() or opened.startswith(("/dev/", "/proc/")) or opened in mimetypes.knownfiles:
            continue
        path = Path(opened).resolve()
        if not any(path.is_relative_to(root) for root in allowed):
            strays.append(opened)
    assert strays == [], f"files read outside careplan's assets during a render: {strays}"


# --------------------------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------------------------


def test_english_plan_uses_only_the_bundled_body_font(examples: _Examples) -> None:
    names = font_names(examples["01-recent-weaning-term-baby"].reader)
    assert names and all(name.startswith("careplan-atkinson-hyperlegible") for name in names), names


@pytest.mark.parametrize(
    ("script", "sample"),
    [("arabic", "فاطمة الزهراء"), ("chinese", "李明华"), ("emoji", "Sky 😀🍼"), ("greek", "Ελένη")],
)
def test_fonts_css_loads_only_the_faces_a_script_needs(script: str, sample: str) -> None:
    """A name in one script must not pull in the 1 MB CJK set and the 5.8 MB emoji set: decompressing those
    two WOFF2 files takes ~30 s per process (an Arabic name: 13 s instead of 0.8 s per render)."""
    css = fonts_css({ord(c) for c in f"Robin Example {sample}"})
    loaded = {line.split('url("')[1].split('"')[0] for line in css.splitlines() if 'url("' in line}
    catch_all = {
        "fonts/noto-sans-sc/noto-sans-sc-chinese-simplified-400-normal.woff2",
        "fonts/noto-color-emoji/noto-color-emoji-emoji-400-normal.woff2",
    }
    assert not (loaded & catch_all), f"{script}: loads {sorted(loaded & catch_all)}"
    assert len(loaded) <= 8, f"{script}: loads {len(loaded)} font files: {sorted(loaded)}"


def test_practice_footer_in_another_script_uses_bundled_fonts(library: Library, tmp_path: Path) -> None:
    """The footer is only in the page CSS, not in the HTML body: its characters must still pick careplan's
    fonts (here Greek, which careplan bundles), not whatever the system has."""
    footer = "Κλινική Ελένη · 555-0100"
    pdf = render(make_intake(), tmp_path / "plan.pdf", library, Practice(footer=footer))
    assert_no_warnings(pdf.records, pdf.result.warnings)
    assert edge_text(pdf.reader, 1, top=False).startswith(footer)
    foreign = sorted(name for name in font_names(pdf.reader) if not name.startswith("careplan-"))
    assert foreign == [], f"the footer is set in system fonts: {foreign}"


def test_output_folder_is_created(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "plan.pdf"
    with no_weasyprint_warnings():
        result = write_plan_pdf(make_intake(), out, library=library, practice=Practice())
    assert result.warnings == []
    assert out.is_file() and (out.stat().st_mode & 0o777) == 0o600
    assert os.listdir(out.parent) == ["plan.pdf"]


def test_rasterised_pages_are_not_blank(examples: _Examples, tmp_path: Path) -> None:
    pdf = examples[URGENT_EXAMPLE]
    for page in (1, 2, len(pdf.reader.pages)):
        assert ink_fraction(rasterise(pdf.path, page, tmp_path)) > 0.01, f"page {page} is blank"
    assert len(page_texts(pdf.reader)) == len(pdf.reader.pages)


# --------------------------------------------------------------------------------------------------------------
# The warning trap itself
# --------------------------------------------------------------------------------------------------------------


def test_the_warning_trap_catches_weasyprint_and_fonttools(tmp_path: Path) -> None:
    """Proof that the helpers are not vacuous: bad CSS makes WeasyPrint warn, and both the capture and
    render_pdf's own list see it; a fontTools warning (such as the subsetting fallback) fails the block."""
    import logging

    from careplan.documents.pdf import render_pdf

    with capture_render_warnings() as records:
        returned = render_pdf('<p style="colr: red">x</p>', tmp_path / "bad-css.pdf")
    assert records and returned
    with pytest.raises(pytest.fail.Exception), no_weasyprint_warnings():
        logging.getLogger("fontTools.subset").warning("Using fontTools instead of HarfBuzz-Subset")
    with pytest.raises(pytest.fail.Exception), no_weasyprint_warnings():
        logging.getLogger("weasyprint").warning("anything")
