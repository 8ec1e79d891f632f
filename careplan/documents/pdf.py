"""HTML -> PDF with WeasyPrint: safe, archival, reproducible, written atomically.

One public function, :func:`render_pdf`. WeasyPrint is imported here only, inside the function's first use, so
``careplan --help`` never pays for it. :func:`check_printable` stops a render before it starts when an intake has
text in a script no packaged font covers.

Safety: every URL WeasyPrint asks for (HTML, CSS, fonts, images, attachments, SVG) goes through
:class:`AssetFetcher`, which serves ``data:`` URLs and regular files under the allowed folders (the templates and
the practice's logo folder) and nothing else: no network, no other file on disk, whatever an intake says.

Reproducibility: the document dates come from the consult date and the PDF identifier from the content, so the same
inputs give a byte-identical PDF.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit
from urllib.request import url2pathname

from careplan._io import write_private
from careplan._resources import templates_dir
from careplan.documents.pdf_fixes import attachments_once, svg_in_packaged_fonts
from careplan.errors import CareplanError, InputError, WriteError, field_path

if TYPE_CHECKING:
    from careplan.intake import Intake

#: pdf/a-3a (the default) is archival and tagged at once: WeasyPrint 70 writes the structure tree for it.
Variant = Literal["pdf/a-3a", "pdf/a-3b", "pdf/ua-1"]
VARIANTS: tuple[Variant, ...] = ("pdf/a-3a", "pdf/a-3b", "pdf/ua-1")
MAX_ASSET_BYTES = 20 * 1024 * 1024
BODY_FONT = "Atkinson Hyperlegible"


class RenderError(CareplanError):
    """The PDF could not be written."""


@dataclass(frozen=True)
class EmbeddedFile:
    name: str
    data: bytes
    description: str
    media_type: str = "application/json"


@cache
def _weasyprint() -> Any:
    import weasyprint

    return weasyprint


def _fetcher_class() -> Any:
    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """Serves data: URLs and files under the allowed folders; refuses everything else and stops the render."""

        def __init__(self, roots: tuple[Path, ...]) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)
            self.roots = tuple(root.resolve() for root in roots)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and not parts.netloc:
                path = Path(url2pathname(parts.path)).resolve()
                allowed = any(path.is_relative_to(root) for root in self.roots)
                if allowed and path.is_file() and path.stat().st_size <= MAX_ASSET_BYTES:
                    if path.suffix.lower() == ".svg":  # a practice's logo: its words in careplan's fonts
                        logo = svg_in_packaged_fonts(path.read_bytes(), _body_families())
                        return URLFetcherResponse(url, logo, {"Content-Type": "image/svg+xml"})
                    return super().fetch(url, headers)
            self.refused.append(url[:200])
            raise FatalURLFetchingError("refused a URL outside careplan's assets")

    del weasyprint
    return AssetFetcher


@cache
def _font_faces() -> list[dict[str, Any]]:
    manifest = json.loads((templates_dir() / "fonts" / "fonts.json").read_text(encoding="utf-8"))
    faces: list[dict[str, Any]] = manifest["faces"]
    for face in faces:
        face["ranges"] = _parse_ranges(face["unicode_range"])
    return faces


def _parse_ranges(text: str) -> list[tuple[int, int]]:
    ranges = []
    for part in text.split(","):
        part = part.strip().upper().removeprefix("U+")
        if "?" in part:
            low, high = int(part.replace("?", "0"), 16), int(part.replace("?", "F"), 16)
        elif "-" in part:
            first, last = part.split("-")
            low, high = int(first, 16), int(last, 16)
        else:
            low = high = int(part, 16)
        ranges.append((low, high))
    return ranges


def _body_families() -> list[str]:
    """The body font's families, the one every document loads (Latin) first."""
    body = [_face_family(face) for face in _font_faces() if face["family"] == BODY_FONT]
    return sorted(dict.fromkeys(body), key=lambda family: family.endswith("-ext"))


def _face_family(face: dict[str, Any]) -> str:
    """Each subset file is its own family ('Noto Sans SC 42'): WeasyPrint's unicode-range support is not reliable
    enough to mix subsets under one name, and Pango's fallback along the font-family list does the same job."""
    subset = Path(face["file"]).name.removesuffix(".woff2").rsplit("-", 2)[0]
    return f"careplan {subset}"


def fonts_css(characters: set[int]) -> str:
    """@font-face rules and the font-family list for this document.

    The body font is always loaded; a fallback font (accents, Cyrillic, Greek, Arabic, Hebrew, Indic scripts,
    Ethiopic, Thai, Myanmar, Khmer, Chinese, Korean, emoji) only when a character the body font lacks needs it.
    A plan in English loads four small files, not the CJK and emoji sets.
    """
    faces = _font_faces()
    core = [face for face in faces if face["family"] == BODY_FONT and "-latin-ext-" not in face["file"]]
    covered = {c for c in characters for face in core for low, high in face["ranges"] if low <= c <= high}
    missing = characters - covered
    rules = []
    families: list[str] = []
    chosen: dict[tuple[str, str], bool] = {}  # a subset's weights and styles go together
    for face in faces:
        subset = (face["family"], face["unicode_range"])
        if subset not in chosen:
            # A fallback subset is loaded only for characters no earlier one covers: the manifest's order is the
            # order of preference (Korean's font also covers Han and Greek, but Chinese and Greek come first).
            needed = {c for c in missing for low, high in face["ranges"] if low <= c <= high}
            chosen[subset] = bool(needed)
            missing -= needed
        if face in core or chosen[subset]:
            family = _face_family(face)
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {face["weight"]}; '
                f'font-style: {face["style"]}; src: url("fonts/{face["file"]}") format("woff2"); }}'
            )
            if family not in families:
                families.append(family)
    stack = ", ".join(f'"{family}"' for family in families)
    return "\n".join(rules) + f"\nhtml {{ font-family: {stack}; }}\n"


#: Unicode categories that never print, so need no font: controls, format characters (joiners, direction marks)
#: and separators.
_SILENT = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})
#: Words that end a script's name in a character's Unicode name ('OL CHIKI LETTER LA', 'CHEROKEE SMALL LETTER A').
_NAME_ENDS = frozenset(
    {
        *("LETTER", "CAPITAL", "SMALL", "DIGIT", "NUMBER", "SIGN", "VOWEL", "CONSONANT", "SYLLABLE", "MARK"),
        *("LIGATURE", "IDEOGRAPH", "HIEROGLYPH", "CHARACTER", "PUNCTUATION", "FRACTION", "NUMERAL", "TONE"),
        *("INDEPENDENT", "DEPENDENT", "MEDIAL", "FINAL", "INITIAL", "SUBJOINED", "VOCALIC", "UNIFIED"),
        "COMPATIBILITY",
    }
)
#: Variation selectors choose a glyph's form; they never print on their own.
_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
#: Intake text that never prints in a plan: an address, not words.
_NOT_PRINTED = frozenset({"email"})


@cache
def _coverage() -> tuple[list[int], list[int]]:
    """Every packaged face's unicode ranges merged into sorted, disjoint spans: (first code points, last ones)."""
    spans: list[list[int]] = []
    for low, high in sorted(span for face in _font_faces() for span in face["ranges"]):
        if spans and low <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], high)
        else:
            spans.append([low, high])
    return [low for low, _ in spans], [high for _, high in spans]


def first_uncovered(text: str) -> str | None:
    """The first character of ``text`` that would print but that no font careplan ships covers (by the unicode
    ranges in fonts.json); None when every one is covered."""
    lows, highs = _coverage()
    for char in text:
        code = ord(char)
        at = bisect_right(lows, code) - 1
        covered = at >= 0 and code <= highs[at]
        silent = unicodedata.category(char) in _SILENT or any(low <= code <= high for low, high in _SELECTORS)
        if not covered and not silent:
            return char
    return None


def script_of(char: str) -> str:
    """The script a letter, digit or mark belongs to, in plain words from its Unicode name: 'OL CHIKI LETTER LA'
    gives 'Ol Chiki'; '' for a symbol, a styled letter ('MATHEMATICAL BOLD CAPITAL A') or a character with no
    name (private use, unassigned)."""
    name = unicodedata.name(char, "")
    category = unicodedata.category(char)
    if not name or category[0] not in "LMN" or category in ("Nl", "No") or name.startswith("COMBINING"):
        return ""
    if unicodedata.decomposition(char).startswith("<font>"):
        return ""
    words = name.split()
    cut = next((i for i, w in enumerate(words) if i and w.split("-")[0] in _NAME_ENDS), max(len(words) - 1, 1))
    script = " ".join(word.capitalize() for word in words[:cut])
    return "Han (CJK)" if script == "Cjk" else script


def _texts(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))
    elif hasattr(type(value), "model_fields"):  # a nested intake model
        for name in type(value).model_fields:
            if name not in _NOT_PRINTED:
                yield from _texts(getattr(value, name), (*loc, name))


def uncovered_fields(intake: Intake) -> list[tuple[tuple[str | int, ...], str]]:
    """(field location, script) for every text value of the intake with a character no packaged font covers;
    the script is '' when that character is a symbol or has no Unicode name. Every text value is checked, not
    just the names and goals the templates print: a library's rules may print any of them. The email address is
    left out: a plan never prints it."""
    found = []
    for loc, text in _texts(intake, ()):
        char = first_uncovered(text)
        if char is not None:
            found.append((loc, script_of(char)))
    return found


def check_printable(intake: Intake, label: str) -> None:
    """Stop before rendering when some intake text has characters no packaged font covers (they would print as
    empty boxes): an :class:`InputError` with one line per field, naming ``label``, the field and the script,
    never the text."""
    from careplan.intake import Intake

    lines = []
    for loc, script in uncovered_fields(intake):
        where = f"{label}: {field_path(Intake, loc)}"
        if script:
            lines.append(
                f"{where}: has {script} characters, and careplan ships no font for {script}: they would print as "
                "empty boxes (write it in a script careplan prints; Latin letters always do)"
            )
        else:
            lines.append(f"{where}: has a symbol or mark careplan ships no font for: it would print as an empty box")
    if lines:
        raise InputError(lines)


class _Renderer:
    """Per-process state: parsed stylesheets and the font configuration, reused across documents."""

    def __init__(self) -> None:
        weasyprint = _weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        self.base = templates_dir()
        self.base_url = self.base.as_uri() + "/"
        self.fetcher_class = _fetcher_class()
        self.font_config = FontConfiguration()
        self.default_fetcher = self.fetcher_class((self.base,))
        self.main_css = weasyprint.CSS(
            filename=str(self.base / "plan.css"),
            url_fetcher=self.default_fetcher,
            font_config=self.font_config,
        )
        self.font_css: dict[str, Any] = {}
        self.cache: dict[str, Any] = {}

    def fonts(self, css_text: str) -> Any:
        if css_text not in self.font_css:
            self.font_css[css_text] = _weasyprint().CSS(
                string=css_text, base_url=self.base_url, url_fetcher=self.default_fetcher, font_config=self.font_config
            )
        return self.font_css[css_text]


@cache
def _renderer() -> _Renderer:
    return _Renderer()


def warm_up() -> None:
    """Import WeasyPrint and parse the stylesheets now, so the first render is fast."""
    _renderer()


def reset() -> None:
    """Forget the parsed stylesheets and font faces (their files may have changed); the next render reads them."""
    _renderer.cache_clear()
    _font_faces.cache_clear()
    _coverage.cache_clear()


def plain_warning(message: str) -> str:
    """A renderer warning without the text it is about: WeasyPrint quotes the characters or words it could not
    draw, which may be a family's names. What a consultant needs is what went wrong, not which letters."""
    if ".notdef glyph" in message:
        return "some characters have no font careplan ships, so they print as empty boxes"
    without_quotes = re.sub(r"\"[^\"]*\"|'[^']*'", "…", message)
    return re.sub(r"U\+[0-9A-Fa-f]{4,6}", "…", without_quotes)


@contextmanager
def _collect_warnings() -> Iterator[list[str]]:
    messages: list[str] = []

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(plain_warning(record.getMessage()))

    handler = _Handler()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def render_pdf(
    html: str,
    output: str | Path,
    *,
    page_css: str = "",
    created: datetime | None = None,
    embed: list[EmbeddedFile] | None = None,
    variant: Variant = "pdf/a-3a",
    asset_folders: tuple[Path, ...] = (),
) -> list[str]:
    """Write ``html`` as a PDF to ``output`` and return WeasyPrint's warnings (empty when all went well).

    ``page_css`` is extra CSS for this document (colours, paper, running headers); ``created`` sets the document
    dates; ``embed`` lists files to attach (the intake); ``asset_folders`` are extra folders the fetcher may read
    (the practice's logo folder).

    Long on purpose: the fetcher, the render, its warnings and the atomic write are one guarded sequence: a
    failure anywhere leaves no file.
    """
    if variant not in VARIANTS:
        raise RenderError([f"unknown PDF variant {variant!r}; use one of: {', '.join(VARIANTS)}"])
    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    renderer = _renderer()
    from careplan.documents.care_plan import used_characters

    when = created or datetime(2000, 1, 1, tzinfo=UTC)
    fetcher = renderer.fetcher_class((renderer.base, *asset_folders))
    characters = used_characters(html) | {ord(c) for c in page_css}  # the running header and footer too
    stylesheets = [renderer.main_css, renderer.fonts(fonts_css(characters))]
    if page_css:
        stylesheets.append(weasyprint.CSS(string=page_css, url_fetcher=fetcher, font_config=renderer.font_config))
    attachments = [
        weasyprint.Attachment(
            file_obj=io.BytesIO(item.data),
            name=item.name,
            description=item.description,
            created=when,
            modified=when,
            relationship="Source",
            url_fetcher=fetcher,
        )
        for item in embed or []
    ]
    identifier = hashlib.sha256(html.encode("utf-8") + page_css.encode("utf-8")).hexdigest()[:32].encode("ascii")

    def write(path: Path) -> None:
        document = weasyprint.HTML(string=html, base_url=renderer.base_url, url_fetcher=fetcher)
        document.write_pdf(
            str(path),
            stylesheets=stylesheets,
            font_config=renderer.font_config,
            attachments=attachments,
            pdf_variant=variant,
            pdf_identifier=identifier,
            pdf_tags=variant in ("pdf/a-3a", "pdf/ua-1"),
            cache=renderer.cache,
            uncompressed_pdf=False,
            finisher=attachments_once,
        )

    with _collect_warnings() as warnings:
        try:
            write_private(Path(output), write)
        except FatalURLFetchingError:
            raise RenderError(
                [f"{output}: not written: the document asked for a file or address outside careplan's assets"]
            ) from None
        except WriteError as exc:
            raise RenderError(exc.lines) from None
        except OSError as exc:
            raise RenderError([f"{output}: not written ({exc.strerror or type(exc).__name__})"]) from None
    return warnings
