"""Helpers for tests that read rendered PDFs back.

* :func:`no_weasyprint_warnings`: any WARNING (or worse) from the ``weasyprint`` or ``fontTools`` loggers inside
  the block fails the test; :func:`capture_render_warnings` collects them for shared (module-scoped) renders,
  checked with :func:`assert_no_warnings` together with ``render_pdf``'s returned list. This is how "a
  WeasyPrint warning fails a test" is enforced, the fontTools fallback warning ("Using fontTools instead of
  HarfBuzz-Subset ...") included: ``render_pdf`` itself only listens to the ``weasyprint`` logger.
* :class:`AuditLog`: records every file opened and every socket connection made by this process while active
  (``sys.addaudithook``), to prove no file outside careplan's assets is read and nothing touches the network.
* Readers built on pypdf: page texts (whitespace normalised or removed), outline titles, metadata, /Lang,
  XMP, attachments, every decoded stream, texts near the top or bottom edge of a page (headers and footers).
* :func:`rasterise`: one page to PNG with poppler's ``pdftoppm``.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from careplan.plan import Plan

CAPTURED_LOGGERS = ("weasyprint", "fontTools")

#: WeasyPrint 70 opens its sRGB ICC profile for every PDF/A render and never closes it
#: (weasyprint/pdf/__init__.py:151, ``files(__package__) / 'sRGB2014.icc').open('rb')``). With the project's
#: ``filterwarnings = ["error"]`` the resulting ResourceWarning fails whichever test is running when the file
#: object is collected. Render tests ignore exactly that leak, nothing else: ``pytestmark = SRGB_LEAK_FILTER``.
SRGB_LEAK_FILTER = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io\.FileIO name='[^']*sRGB2014\.icc'"
    r":pytest.PytestUnraisableExceptionWarning"
)

# --------------------------------------------------------------------------------------------------------------
# Warnings
# --------------------------------------------------------------------------------------------------------------


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.records.append(record)


def describe_records(records: list[logging.LogRecord]) -> str:
    return "\n".join(f"{r.name} {r.levelname}: {r.getMessage()}" for r in records)


@contextmanager
def capture_render_warnings() -> Iterator[list[logging.LogRecord]]:
    """Collect WARNING-or-worse records from the weasyprint and fontTools loggers (and their children)."""
    handler = _ListHandler()
    loggers = [logging.getLogger(name) for name in CAPTURED_LOGGERS]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.disabled = False
        if logger.level == logging.NOTSET or logger.level > logging.WARNING:
            logger.setLevel(logging.WARNING)
    try:
        yield handler.records
    finally:
        for logger, level, disabled in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.disabled = disabled


@contextmanager
def no_weasyprint_warnings() -> Iterator[list[logging.LogRecord]]:
    """Like :func:`capture_render_warnings`, but fails the test when the block logged any warning."""
    with capture_render_warnings() as records:
        yield records
    if records:
        pytest.fail("WeasyPrint/fontTools logged warnings:\n" + describe_records(records), pytrace=False)


def assert_no_warnings(records: list[logging.LogRecord], returned: list[str]) -> None:
    """Both the logger capture and render_pdf's own returned list must be empty."""
    assert not records, "WeasyPrint/fontTools logged warnings:\n" + describe_records(records)
    assert returned == [], f"render_pdf returned warnings: {returned}"


# --------------------------------------------------------------------------------------------------------------
# Audit: files opened, sockets connected
# --------------------------------------------------------------------------------------------------------------


@dataclass
class AuditLog:
    """While active, records the paths of files opened and the addresses of sockets connected by this process."""

    opened: list[str] = field(default_factory=list)
    connected: list[str] = field(default_factory=list)
    active: bool = False


_audit_lock = threading.Lock()
_audit_current: list[AuditLog] = []
_audit_installed = False


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    if not _audit_current:
        return
    log = _audit_current[-1]
    if event == "open" and args:
        target = args[0]
        if isinstance(target, bytes):
            target = target.decode("utf-8", "replace")
        log.opened.append(str(target))
    elif event in ("socket.connect", "socket.sendto") and len(args) > 1:
        log.connected.append(repr(args[1]))
    elif event == "socket.getaddrinfo" and args:
        log.connected.append(f"getaddrinfo {args[0]!r}")


@contextmanager
def audit() -> Iterator[AuditLog]:
    """Record file opens and socket connections for the duration of the block (audit hooks cannot be removed,
    so one hook is installed once and is idle outside these blocks)."""
    global _audit_installed
    with _audit_lock:
        if not _audit_installed:
            sys.addaudithook(_audit_hook)
            _audit_installed = True
    log = AuditLog(active=True)
    _audit_current.append(log)
    try:
        yield log
    finally:
        _audit_current.remove(log)
        log.active = False


# --------------------------------------------------------------------------------------------------------------
# Reading PDFs
# --------------------------------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    """Remove all whitespace: long strings wrapped across lines still match."""
    return re.sub(r"\s+", "", text)


def reader(pdf: str | Path) -> PdfReader:
    return PdfReader(str(pdf))


#: Text extraction is the slow part of these tests (about 0.1 s a page): each reader's pages are read once.
_TEXTS: weakref.WeakKeyDictionary[PdfReader, list[str]] = weakref.WeakKeyDictionary()
_PLACED: weakref.WeakKeyDictionary[PdfReader, dict[int, list[tuple[float, str]]]] = weakref.WeakKeyDictionary()


def page_texts(pdf: str | Path | PdfReader) -> list[str]:
    """The raw extracted text of every page (cached per reader)."""
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    if doc not in _TEXTS:
        _TEXTS[doc] = [page.extract_text() or "" for page in doc.pages]
    return _TEXTS[doc]


def full_text(pdf: str | Path | PdfReader) -> str:
    """All pages' text, whitespace normalised."""
    return norm("\n".join(page_texts(pdf)))


def body_fill(pdf: str | Path | PdfReader, index: int, *, top_mm: float = 22, bottom_mm: float = 20) -> float:
    """How far down the page's body (inside the page margins, so not the running header and footer) the text
    reaches, from the layout: 0.0 for an empty body, 1.0 when the longest column reaches the bottom margin."""
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    page = doc.pages[index]
    mm = 72 / 25.4
    top, bottom = float(page.mediabox.height) - top_mm * mm, bottom_mm * mm
    heights: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
        y = cm[3] * tm[5] + cm[5]  # the text's baseline in page space
        if text.strip() and bottom <= y <= top:
            heights.append(y)

    page.extract_text(visitor_text=visit)
    return (top - min(heights)) / (top - bottom) if heights else 0.0


def lines(pdf: str | Path | PdfReader) -> list[tuple[int, str]]:
    """(page index, normalised line) for every non-empty extracted line."""
    out: list[tuple[int, str]] = []
    for index, text in enumerate(page_texts(pdf)):
        out.extend((index, norm(line)) for line in text.splitlines() if norm(line))
    return out


def outline_titles(pdf: str | Path | PdfReader) -> list[tuple[int, str]]:
    """(level, title) of every bookmark, depth first; level 0 is the top."""
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    found: list[tuple[int, str]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title)))

    walk(doc.outline, 0)
    return found


def metadata(pdf: str | Path | PdfReader) -> dict[str, str]:
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    return {str(k): str(v) for k, v in (doc.metadata or {}).items()}


def catalog(pdf: str | Path | PdfReader) -> Any:
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    return doc.trailer["/Root"].get_object()


def language(pdf: str | Path | PdfReader) -> str | None:
    lang = catalog(pdf).get("/Lang")
    return None if lang is None else str(lang)


def xmp(pdf: str | Path | PdfReader) -> str:
    """The XMP metadata packet as text ('' when there is none)."""
    meta = catalog(pdf).get("/Metadata")
    if meta is None:
        return ""
    return bytes(meta.get_object().get_data()).decode("utf-8", "replace")


def xmp_attribute(packet: str, name: str) -> str | None:
    """The value of an XMP property such as 'pdfaid:part', written as an attribute or as an element."""
    match = re.search(rf'{re.escape(name)}="([^"]*)"', packet) or re.search(
        rf"<{re.escape(name)}>([^<]*)</{re.escape(name)}>", packet
    )
    return match.group(1) if match else None


def attachments(pdf: str | Path | PdfReader) -> dict[str, list[bytes]]:
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    return {name: list(data) for name, data in doc.attachments.items()}


def all_stream_data(pdf: str | Path | PdfReader) -> list[bytes]:
    """Every stream in the file, decoded (content streams, fonts, images, embedded files, XMP)."""
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    found: list[bytes] = []
    size = int(doc.trailer.get("/Size", 0))
    for number in range(1, size):
        try:
            obj = doc.get_object(IndirectObject(number, 0, doc))
        except Exception:  # noqa: S112 - free or compressed-away object numbers
            continue
        if isinstance(obj, StreamObject):
            try:
                found.append(bytes(obj.get_data()))
            except Exception:  # noqa: S112 - an undecodable image filter: skip, raw bytes are checked too
                continue
    return found


def font_names(pdf: str | Path | PdfReader) -> set[str]:
    """BaseFont names (subset tag removed) of every font used on any page."""
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    names: set[str] = set()
    for page in doc.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for font in (fonts.get_object() if fonts is not None else {}).values():
            base = str(font.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+", 1)[-1])
    return names


def page_size(pdf: str | Path | PdfReader, index: int = 0) -> tuple[float, float]:
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    box = doc.pages[index].mediabox
    return float(box.width), float(box.height)


def placed_text(pdf: str | Path | PdfReader, index: int) -> list[tuple[float, str]]:
    """(y from the bottom in points, text) for every piece of text drawn on a page (cached per reader)."""
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    pages = _PLACED.setdefault(doc, {})
    if index not in pages:
        parts: list[tuple[float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
            if text.strip():
                # The text origin in device space: the text matrix's translation through the CTM.
                parts.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

        doc.pages[index].extract_text(visitor_text=visit)
        pages[index] = parts
    return pages[index]


def edge_text(pdf: str | Path | PdfReader, index: int, *, top: bool, band_pt: float = 60.0) -> str:
    """The text drawn within ``band_pt`` points of the top (or bottom) edge of a page: the running header
    (or footer), told apart from body text by where it is drawn."""
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    height = float(doc.pages[index].mediabox.height)
    return norm(
        " ".join(text for y, text in placed_text(doc, index) if (y >= height - band_pt if top else y <= band_pt))
    )


def body_text(pdf: str | Path | PdfReader) -> str:
    """All pages' text with whitespace removed (see :func:`squash`) and each page's running header and footer
    taken out, so text that flows from one page to the next reads as one piece."""
    doc = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    out = []
    for index, text in enumerate(page_texts(doc)):
        flat = squash(text)
        for edge in (edge_text(doc, index, top=False), edge_text(doc, index, top=True)):
            edge = squash(edge)
            if edge and flat.endswith(edge):
                flat = flat[: -len(edge)]
            elif edge and edge in flat:
                head, _, tail = flat.rpartition(edge)
                flat = head + tail
        out.append(flat)
    return "".join(out)


# --------------------------------------------------------------------------------------------------------------
# The plan's structure
# --------------------------------------------------------------------------------------------------------------

#: Headings the templates always print (the rest come from the library's sections).
TITLE, URGENT_BOX, ACTIONS, HELP, DETAILS, EXPECT, LEFT_OUT, LOG, REFERENCES = (
    "Your relactation care plan",
    "Do this first",
    "What to do now",
    "When to get help",
    "Your plan in detail",
    "What to expect",
    "Left out on purpose",
    "Your tracking log",
    "References",
)
#: The heading of a follow-up's charts (templates/_progress.html).
PROGRESS = "Your progress"


def daily_heading(plan: Plan) -> str | None:
    """The heading of the sheet's schedule, which counts the sessions."""
    if plan.schedule is None:
        return None
    if plan.schedule.kind == "comfort":
        return "Your day and night"
    return f"Your day and night: take milk out {len(plan.schedule.sessions)} times"


def has_progress_charts(plan: Plan) -> bool:
    """A follow-up plan with something measured twice has "Your progress" after the consultant's part."""
    from careplan.documents.progress_charts import charts
    from careplan.locales import Formatter, locale_for

    return plan.visit == "follow_up" and bool(charts(plan, Formatter(locale_for(None, plan.jurisdiction))))


def expected_headings(plan: Plan) -> list[str]:
    """The level-1 headings in the order a parent meets them. The sheet (pages 1-2): the title, the urgent box when
    there is one, what to do now, the schedule, when to get help. Then the details: the consultant's part, the
    referrals, what to expect, the strategies, what was left out; then the log and the references."""
    titles = {section.id: section.title for section in plan.sections}
    headings = [TITLE]
    if "urgent" in titles:
        headings.append(URGENT_BOX)
    headings.append(ACTIONS)
    daily = daily_heading(plan)
    if daily is not None:
        headings.append(daily)
    headings += [HELP, DETAILS]
    if has_progress_charts(plan):
        headings.append(PROGRESS)
    if "referrals" in titles:
        headings.append(titles["referrals"])
    headings.append(EXPECT)
    headings += [
        s.title for s in plan.sections if s.id not in ("urgent", "referrals", "expectations", "when_to_get_help")
    ]
    if plan.exclusions:
        headings.append(LEFT_OUT)
    return [*headings, LOG, REFERENCES]


def heading_positions(pdf: str | Path | PdfReader, headings: list[str]) -> list[tuple[int, int]]:
    """(line number, page index) of each heading, found as a whole line, each after the one before; fails the
    test when one is missing or out of order."""
    found = lines(pdf)
    positions = []
    start = 0
    for heading in headings:
        index = next((i for i in range(start, len(found)) if found[i][1] == heading), None)
        assert index is not None, f"heading {heading!r} missing or out of order; expected order: {headings}"
        positions.append((index, found[index][0]))
        start = index + 1
    return positions


# --------------------------------------------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------------------------------------------


def rasterise(pdf: str | Path, page: int, out_dir: Path, *, dpi: int = 40) -> Path:
    """Render one page (1-based) to PNG with ``pdftoppm -png`` and return the PNG's path."""
    tool = shutil.which("pdftoppm")
    if tool is None:  # pragma: no cover - poppler-utils is part of the test environment
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    prefix = out_dir / f"{Path(pdf).stem}-p{page}"
    subprocess.run(
        [tool, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    png = prefix.with_suffix(".png")
    assert png.is_file(), f"pdftoppm wrote no {png}"
    return png


def ink_fraction(png: Path) -> float:
    """Share of pixels that are not (near) white: 0.0 for a blank page."""
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    total = sum(histogram)
    return sum(histogram[:240]) / total if total else 0.0


def colour_pixels(png: Path, rgb: tuple[int, int, int], *, tolerance: int = 40) -> int:
    """How many pixels are within ``tolerance`` (per channel) of ``rgb``: finds a logo of a known colour."""
    from PIL import Image

    with Image.open(png) as image:
        data = image.convert("RGB").tobytes()
    count = 0
    for offset in range(0, len(data), 3):
        r, g, b = data[offset], data[offset + 1], data[offset + 2]
        if abs(r - rgb[0]) <= tolerance and abs(g - rgb[1]) <= tolerance and abs(b - rgb[2]) <= tolerance:
            count += 1
    return count
