"""Translation files: hashes of the English, missing and stale texts, the files a translator fills in."""

from __future__ import annotations

from pathlib import Path

import pytest

from careplan.language.catalogue import (
    audit,
    english_hash,
    load,
    placeholder_problems,
    placeholders,
    read_file,
    render_file,
    write_files,
)

ENGLISH = {"feeding": {"a.title": "Offer the breast often", "a.text": "Feed {baby_name} every {hours} hours."},
           "sections": {"section.x.title": "Feeding your baby"}}


def _folder(tmp_path: Path) -> Path:
    write_files(tmp_path, "es", ENGLISH, "lib")
    return tmp_path


def _fill(path: Path, key: str, text: str, source: str | None = None) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index(f"  {key}:")
    for index in range(at + 1, len(lines)):
        if lines[index].startswith("    text:"):
            lines[index] = f'    text: "{text}"'
            break
        if lines[index].startswith("    from:") and source is not None:
            lines[index] = f"    from: {source}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_hash_is_the_first_12_hex_digits_of_sha256() -> None:
    assert english_hash("Offer the breast often") == english_hash("Offer the breast often")
    assert len(english_hash("x")) == 12
    assert english_hash("Offer the breast often") != english_hash("Offer the breast often.")


def test_new_files_hold_every_key_empty_with_its_english_in_a_comment(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    text = (folder / "translations/es/feeding.yaml").read_text(encoding="utf-8")
    assert f"# en ({english_hash('Offer the breast often')}): Offer the breast often" in text
    catalogue, problems = load(folder, "es", "lib")
    assert problems == []
    found = audit(ENGLISH, catalogue)
    assert sorted(found.missing) == [("feeding", "a.text"), ("feeding", "a.title"), ("sections", "section.x.title")]
    assert found.stale == [] and not found.complete
    assert found.drafts == ["feeding", "sections"]


def test_a_changed_english_text_makes_its_translation_stale(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _fill(folder / "translations/es/feeding.yaml", "a.title", "Ofrezca el pecho seguido")
    catalogue, _ = load(folder, "es", "lib")
    found = catalogue.lookup("a.title", "Offer the breast often")
    assert found is not None and found.text == "Ofrezca el pecho seguido"
    changed = {**ENGLISH, "feeding": {**ENGLISH["feeding"], "a.title": "Offer the breast very often"}}
    assert catalogue.lookup("a.title", "Offer the breast very often") is None
    assert ("feeding", "a.title") in audit(changed, catalogue).stale
    # Refreshing the files keeps the old translation (still stale) and shows the new English and its hash.
    write_files(folder, "es", changed, "lib")
    text = (folder / "translations/es/feeding.yaml").read_text(encoding="utf-8")
    assert "Ofrezca el pecho seguido" in text
    assert f"# en ({english_hash('Offer the breast very often')}): Offer the breast very often" in text
    again, _ = load(folder, "es", "lib")
    assert ("feeding", "a.title") in audit(changed, again).stale
    # Translated again, with the new hash: fresh.
    _fill(folder / "translations/es/feeding.yaml", "a.title", "Ofrezca el pecho muy seguido",
          english_hash("Offer the breast very often"))
    fresh, _ = load(folder, "es", "lib")
    translated = fresh.lookup("a.title", "Offer the breast very often")
    assert translated is not None and translated.text == "Ofrezca el pecho muy seguido"


def test_keys_no_longer_in_english_are_unused_and_dropped_on_refresh(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    fewer = {"feeding": {"a.title": "Offer the breast often"}, "sections": ENGLISH["sections"]}
    catalogue, _ = load(folder, "es", "lib")
    assert audit(fewer, catalogue).unused == [("feeding", "a.text")]
    lines = write_files(folder, "es", fewer, "lib")
    assert any("dropped 1" in line for line in lines)


def test_placeholders_must_match_the_english(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _fill(folder / "translations/es/feeding.yaml", "a.text", "Alimente a {bebe} cada {hours} horas.")
    catalogue, _ = load(folder, "es", "lib")
    problems = placeholder_problems(ENGLISH, catalogue, "lib")
    assert problems == ["lib/translations/es/feeding.yaml: texts: a.text: needs the placeholders of its English "
                        "(baby_name, hours)"]
    assert placeholders("{ml:.0f} mL for {baby_name}, {{literal}}") == {"ml", "baby_name"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("language: es\nstatus: reviewed\ntexts: {}\n", "(file): Value error, a reviewed file needs reviewed_by"),
        ("language: es\nstatus: final\ntexts: {}\n", "status: Input should be 'draft' or 'reviewed'"),
        ("language: es\nstatus: draft\ntexts:\n  a.title: {from: xyz, text: hola}\n", "texts.a.title.from:"),
        ("language: es\nstatus: draft\ntexts: [\n", "line"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_file_and_field(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    parsed, problems = read_file(path, "lib/translations/es/bad.yaml")
    assert parsed is None
    assert len(problems) == 1
    assert problems[0].startswith("lib/translations/es/bad.yaml")
    assert expected in problems[0]


def test_a_file_in_the_wrong_language_folder_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "translations/fr").mkdir()
    (folder / "translations/es/feeding.yaml").rename(folder / "translations/fr/feeding.yaml")
    _, problems = load(folder, "fr", "lib")
    assert problems == ["lib/translations/fr/feeding.yaml: language: is 'es', but the file is in the 'fr' folder"]


def test_rendered_files_read_back_as_written(tmp_path: Path) -> None:
    text = render_file("es", "feeding", {"k.text": 'Line one "quoted"\nLine two'}, None)
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    parsed, problems = read_file(path, "f")
    assert problems == [] and parsed is not None
    assert parsed.texts["k.text"].source == english_hash('Line one "quoted"\nLine two')
    assert "#   Line two" in text


def test_the_phrase_cache_is_keyed_by_every_phrase_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """careplan keeps the parsed phrases in its cache folder: any change to a phrase file or a translation is a
    new entry, so a stale catalogue is never read as current."""
    import shutil

    from careplan.language import phrases

    folder = tmp_path / "phrases"
    shutil.copytree(phrases.FOLDER, folder)
    monkeypatch.setattr(phrases, "FOLDER", folder)
    first = phrases._cache_key()
    translation = folder / "translations/es/sheet.yaml"
    translation.write_text(translation.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = phrases._cache_key()
    (folder / "units.yaml").write_text("range: '{low} - {high}'\n", encoding="utf-8")
    assert len({first, second, phrases._cache_key()}) == 3


# --- careplan library translate ----------------------------------------------------------------------------------


def _translate(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[dict[str, dict[str, dict[str, str]]], str]:
    """Run the command with the writing replaced by a record: folder (as shown) -> the texts it would get."""
    from click.testing import CliRunner

    import careplan.language.catalogue as catalogue
    from careplan.cli import cli

    written: dict[str, dict[str, dict[str, str]]] = {}

    def record(folder: Path, language: str, english: dict[str, dict[str, str]], shown: str) -> list[str]:
        written[shown] = english
        return [f"{shown}: recorded"]

    monkeypatch.setattr(catalogue, "write_files", record)
    result = CliRunner().invoke(cli, ["library", "translate", *args])
    return written, result.output


def test_one_plan_type_keeps_the_shared_texts_another_plan_type_replaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Low supply replaces the shared supplement-amount by its id; translating only low supply must not drop the
    shared entry's texts, which relactation still uses (found: 16 Spanish texts were dropped)."""
    written, _ = _translate(monkeypatch, "es", "--plan-type", "low-supply")
    shared = next(texts for shown, texts in written.items() if shown.endswith("shared/library"))
    assert "supplement-amount.text" in shared["supplement"]
    assert "amounts-set-with-doctor.text" in shared["supplement"]
    assert not any(shown.endswith("relactation/library") for shown in written)
    assert any(shown.endswith("low-supply/library") for shown in written)


def test_an_unknown_plan_type_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    written, output = _translate(monkeypatch, "es", "--plan-type", "mastitis")
    assert "no plan type 'mastitis'" in output and "Traceback" not in output
    assert written == {}
