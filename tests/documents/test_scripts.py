"""Names in every script careplan ships a font for print from that font; text in a script it ships none for stops
the render in one clear line.

For each script added with its own Noto font (Bengali, Gurmukhi, Tamil, Gujarati, Ethiopic, Myanmar, Khmer) a
name in that script is the parent's and the baby's name in a real render: WeasyPrint logs no warning (so no
character fell to the .notdef glyph), the script's own packaged font is embedded and no system font is, and the
name comes back out of the PDF's text layer. Bengali, Gurmukhi, Gujarati, Myanmar and Khmer reorder glyphs when
shaped (a vowel sign drawn before its consonant); pdftotext can then split a word with a space, so the text is
compared with whitespace removed. Each of these names was also checked by eye at 60 and 150 dpi: real letters,
conjuncts and stacked marks, no boxes.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from careplan._resources import templates_dir
from careplan.cli import cli
from careplan.documents.fonts import check_printable, first_uncovered, script_of, uncovered_fields
from careplan.errors import InputError
from careplan.intake import Intake
from careplan.pipeline import write_plan_pdf
from careplan.practice import Practice
from careplan.rules.library import Library
from tests.conftest import BASE_INTAKE
from tests.helpers.pdf import (
    SRGB_LEAK_FILTER,
    assert_no_warnings,
    capture_render_warnings,
    font_names,
    ink_fraction,
    page_texts,
    rasterise,
    squash,
)

pytestmark = [SRGB_LEAK_FILTER, pytest.mark.slow]  # slow: renders a plan per script

#: script (as in the font's folder name) -> (a name in it, the script's Unicode block).
SCRIPTS: dict[str, tuple[str, tuple[int, int]]] = {
    "bengali": ("রহিম", (0x0980, 0x09FF)),
    "gurmukhi": ("ਗੁਰਪ੍ਰੀਤ", (0x0A00, 0x0A7F)),
    "tamil": ("முருகன்", (0x0B80, 0x0BFF)),
    "gujarati": ("પ્રિયા", (0x0A80, 0x0AFF)),
    "ethiopic": ("አበበ", (0x1200, 0x137F)),
    "myanmar": ("အောင်", (0x1000, 0x109F)),
    "khmer": ("សុខា", (0x1780, 0x17FF)),
}
#: Ol Chiki (Santali): no font careplan ships covers it.
UNSUPPORTED = "ᱥᱟᱱᱛᱟᱲᱤ"


def _intake_data(parent: str, baby: str) -> dict[str, Any]:
    data = copy.deepcopy(BASE_INTAKE)
    data["parent"]["name"] = parent
    data["babies"][0]["name"] = baby
    return data


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:  # pragma: no cover - poppler-utils is part of the test environment
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return found


def embedded_fonts(pdf: Path) -> dict[str, bool]:
    """Font name (subset tag removed) -> embedded, as ``pdffonts`` lists them."""
    listing = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True, timeout=60)
    fonts: dict[str, bool] = {}
    for line in listing.stdout.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 6:
            fonts[parts[0].split("+", 1)[-1]] = parts[-5] == "yes"  # columns from the end: emb sub uni object gen
    return fonts


def pdftotext(pdf: Path, page: int = 1) -> str:
    done = subprocess.run(
        [_tool("pdftotext"), "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


# --------------------------------------------------------------------------------------------------------------
# The fonts as shipped
# --------------------------------------------------------------------------------------------------------------


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((templates_dir() / "fonts" / "fonts.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_script_has_its_own_font_regular_and_bold_with_its_licence(script: str) -> None:
    manifest = _manifest()
    faces = [face for face in manifest["faces"] if face["file"].startswith(f"noto-sans-{script}/")]
    assert sorted((face["weight"], face["style"]) for face in faces) == [(400, "normal"), (700, "normal")]
    folder = templates_dir() / "fonts" / f"noto-sans-{script}"
    listed = {Path(face["file"]).name for face in faces}
    assert {path.name for path in folder.iterdir()} == listed | {"LICENSE"}, "only the files the manifest uses"
    assert "SIL Open Font License, Version 1.1" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert f"noto-sans-{script} 5.3.0" in manifest["source"]
    assert manifest["source"].endswith("(SIL Open Font License 1.1)")


def test_the_new_fonts_come_after_the_fonts_before_them() -> None:
    """The manifest's order is the order of preference: the fonts careplan had keep theirs, the new ones follow."""
    folders = list(dict.fromkeys(face["file"].split("/")[0] for face in _manifest()["faces"]))
    assert folders[: folders.index("noto-sans-kr") + 1] == [
        "atkinson-hyperlegible",
        "noto-sans-arabic",
        "noto-sans-sc",
        "noto-color-emoji",
        "noto-sans",
        "noto-sans-hebrew",
        "noto-sans-thai",
        "noto-sans-kr",
    ]
    assert folders[folders.index("noto-sans-kr") + 1 :] == [f"noto-sans-{script}" for script in SCRIPTS]


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_font_has_a_glyph_for_every_letter_of_its_script(script: str) -> None:
    """The unicode ranges in fonts.json are what the coverage check trusts: the font itself must back them for
    every assigned character of the script's block."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    first, last = SCRIPTS[script][1]
    for face in _manifest()["faces"]:
        if not face["file"].startswith(f"noto-sans-{script}/"):
            continue
        with TTFont(str(templates_dir() / "fonts" / face["file"])) as font:
            cmap = font.getBestCmap()
        wanted = [c for c in range(first, last + 1) if unicodedata.category(chr(c)) != "Cn"]
        missing = [f"U+{c:04X}" for c in wanted if c not in cmap]
        assert missing == [], f"{face['file']} lacks {missing}"


# --------------------------------------------------------------------------------------------------------------
# A name in each script, rendered
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(SCRIPTS))
def rendered(
    request: pytest.FixtureRequest, library: Library, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, list[str], list[Any]]:
    script: str = request.param
    name = SCRIPTS[script][0]
    intake = Intake.model_validate(_intake_data(f"{name} {name}", name))
    output = tmp_path_factory.mktemp(script) / "plan.pdf"
    with capture_render_warnings() as records:
        result = write_plan_pdf(intake, output, library=library, practice=Practice())
    return script, output, result.warnings, list(records)


def test_a_name_in_the_script_renders_without_warnings(rendered: tuple[str, Path, list[str], list[Any]]) -> None:
    """No warning: WeasyPrint warns when a character has no glyph and prints as .notdef (an empty box)."""
    _, _, warnings, records = rendered
    assert_no_warnings(records, warnings)


def test_a_name_in_the_script_is_set_in_its_packaged_font(rendered: tuple[str, Path, list[str], list[Any]]) -> None:
    script, pdf, _, _ = rendered
    fonts = embedded_fonts(pdf)
    own = f"careplan-noto-sans-{script}-{script}"
    assert fonts.get(own), f"{own} is not embedded: {fonts}"
    assert all(fonts.values()), f"a font is not embedded: {fonts}"
    foreign = sorted(name for name in fonts if not name.startswith("careplan-"))
    assert foreign == [], f"system fonts used: {foreign}"
    assert font_names(pdf) == set(fonts), "pypdf and pdffonts disagree on the fonts"


def test_a_name_in_the_script_comes_back_out_of_the_pdf(rendered: tuple[str, Path, list[str], list[Any]]) -> None:
    """pdftotext (whitespace removed: a reordered vowel sign can come back split off by a space) and pypdf both
    read the name back on the cover, as the parent's and as the baby's."""
    script, pdf, _, _ = rendered
    name = SCRIPTS[script][0]
    for cover in (pdftotext(pdf), page_texts(pdf)[0]):
        flat = squash(cover)
        assert squash(f"For{name}{name}") in flat, f"the parent's name does not come back: {script}"
        assert squash(f"{name}(") in flat, f"the baby's name does not come back: {script}"


def test_a_name_in_the_script_draws_the_cover(rendered: tuple[str, Path, list[str], list[Any]], tmp_path: Path) -> None:
    _, pdf, _, _ = rendered
    assert ink_fraction(rasterise(pdf, 1, tmp_path, dpi=60)) > 0.02


def test_english_loads_none_of_the_script_fonts(library: Library, tmp_path: Path) -> None:
    result = write_plan_pdf(
        Intake.model_validate(BASE_INTAKE), tmp_path / "plan.pdf", library=library, practice=Practice()
    )
    assert result.warnings == []
    assert all(name.startswith("careplan-atkinson-hyperlegible") for name in embedded_fonts(tmp_path / "plan.pdf"))


# --------------------------------------------------------------------------------------------------------------
# A script with no packaged font stops the render
# --------------------------------------------------------------------------------------------------------------


def test_every_shipped_script_and_the_worlds_names_pass_the_check() -> None:
    names = [name for name, _ in SCRIPTS.values()]
    names += ["فاطمة الزهراء 👩‍🍼 שרה כהן", "李明 😀", "Zoë Ñúñez-Łukasz 🍼", "김민지", "Ελένη", "Анна", "देवी", "สมชาย"]
    names += ["Nguyễn Thị Minh Khai", "Renée\u00a0O\u2019Brien", "a\u200db\u200cc\ttab\nline", "👍🏽 🇺🇦 ❤️"]
    assert {name: first_uncovered(name) for name in names} == dict.fromkeys(names)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        (UNSUPPORTED, "Ol Chiki"),
        ("ᏣᎳᎩ", "Cherokee"),
        ("ⵜⴰⵎⴰⵣⵉⵖⵜ", "Tifinagh"),
        ("Robin ᐃᓄᒃᑎᑐᑦ", "Canadian Syllabics"),
        ("ვანო", "Georgian"),
        ("𠀀", "Han (CJK)"),
        ("𝐀", ""),  # a styled letter: a symbol, not a script
        ("\ue000", ""),  # private use
    ],
)
def test_the_first_uncovered_character_names_its_script(text: str, script: str) -> None:
    char = first_uncovered(text)
    assert char is not None
    assert script_of(char) == script


def test_uncovered_fields_names_each_field_once_and_skips_the_email() -> None:
    data = _intake_data("Robin", "ᏣᎳᎩ")
    data["babies"].append({**copy.deepcopy(data["babies"][0]), "name": "Sky"})
    data["goals"]["what_matters_most"] = f"{UNSUPPORTED} {UNSUPPORTED}"
    data["health"]["medications"] = [{"name": "ⵜⴰⵎ"}]
    intake = Intake.model_validate(data)
    assert uncovered_fields(intake) == [
        (("babies", 0, "name"), "Cherokee"),
        (("health", "medications", 0, "name"), "Tifinagh"),
        (("goals", "what_matters_most"), "Ol Chiki"),
    ]
    with pytest.raises(InputError) as caught:
        check_printable(intake, "family.json")
    assert caught.value.lines[0].startswith("family.json: babies › 1 › baby's name [babies.0.name]: has Cherokee ")
    assert len(caught.value.lines) == 3
    for char in "ᏣᎳᎩⵜⴰⵎ" + UNSUPPORTED:
        assert char not in str(caught.value)
    assert uncovered_fields(Intake.model_validate(_intake_data("Robin", "Sky"))) == []


def test_a_name_in_a_script_with_no_font_stops_the_render_in_one_line(tmp_path: Path) -> None:
    """`careplan render` exits 1 with one line naming the file, the field and the script, never the name, and
    writes no PDF."""
    path = tmp_path / "family.json"
    path.write_text(json.dumps(_intake_data(f"{UNSUPPORTED} Murmu", "Sky"), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(path), "-o", str(tmp_path / "plan.pdf")])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: parent › parent's name [parent.name]: has Ol Chiki characters"), lines
    assert "careplan ships no font for Ol Chiki" in lines[0]
    assert "Murmu" not in result.output
    for char in UNSUPPORTED:
        assert char not in result.output and f"{ord(char):04X}" not in result.output.upper()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["family.json"]
