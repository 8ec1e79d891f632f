"""Two adjustments to what WeasyPrint writes, kept apart from the renderer: a practice's SVG logo draws its text in
careplan's own fonts, and each attachment is listed once in a PDF/A catalog."""

from __future__ import annotations

import re
from typing import Any

_SVG_OPENING = re.compile(rb"<svg\b[^>]*>")


def svg_in_packaged_fonts(svg: bytes, families: list[str]) -> bytes:
    """The SVG with a style rule right after its opening tag that sets every text element's font to ``families``
    (careplan's body font, loaded for the document): it outranks the file's own font attributes and styles, so
    no system font draws a logo's words. ``families`` must start with a family the document loads."""
    found = _SVG_OPENING.search(svg)
    if found is None or not families:
        return svg
    names = ", ".join('"' + family.replace('"', "") + '"' for family in families)
    rule = f"<style>text, tspan, textPath {{ font-family: {names} !important; }}</style>".encode()
    return svg[: found.end()] + rule + svg[found.end():]


def attachments_once(_document: Any, pdf: Any) -> None:
    """A WeasyPrint finisher: list each attachment once in the catalog's /AF (WeasyPrint 70's PDF/A writer adds
    it twice: Kozea/WeasyPrint#2917, fixed after 70.0)."""
    listed = pdf.catalog.get("AF")
    if listed:
        unique = list(dict.fromkeys(listed))
        listed.clear()
        listed.extend(unique)
