"""The fonts careplan ships (templates/fonts/fonts.json): which faces a document loads (:func:`fonts_css`), and
whether they can print an intake's text at all (:func:`check_printable`: a script no packaged font covers stops the
render, naming the field and the script, never the text)."""

from __future__ import annotations

import json
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careplan._resources import templates_dir
from careplan.errors import InputError, field_path

if TYPE_CHECKING:
    from careplan.intake import Intake

BODY_FONT = "Atkinson Hyperlegible"


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


def body_families() -> list[str]:
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


def forget_fonts() -> None:
    """Forget the font manifest and its coverage (the files may have changed)."""
    _font_faces.cache_clear()
    _coverage.cache_clear()
