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
import logging
import re
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
from careplan.documents.fonts import body_families, fonts_css, forget_fonts
from careplan.documents.pdf_fixes import attachments_once, svg_in_packaged_fonts
from careplan.errors import CareplanError, WriteError

if TYPE_CHECKING:
    pass

#: pdf/a-3a (the default) is archival and tagged at once: WeasyPrint 70 writes the structure tree for it.
Variant = Literal["pdf/a-3a", "pdf/a-3b", "pdf/ua-1"]
VARIANTS: tuple[Variant, ...] = ("pdf/a-3a", "pdf/a-3b", "pdf/ua-1")
MAX_ASSET_BYTES = 20 * 1024 * 1024


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
                        logo = svg_in_packaged_fonts(path.read_bytes(), body_families())
                        return URLFetcherResponse(url, logo, {"Content-Type": "image/svg+xml"})
                    return super().fetch(url, headers)
            self.refused.append(url[:200])
            raise FatalURLFetchingError("refused a URL outside careplan's assets")

    del weasyprint
    return AssetFetcher


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
    forget_fonts()


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
