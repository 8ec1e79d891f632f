"""A pseudo-translation for layout tests: every English word replaced by a word of another script, placeholders,
numbers, punctuation and line breaks kept, so a page can be laid out in a language careplan has not translated
yet (Arabic, right to left)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from careplan.language import phrases
from careplan.language.catalogue import write_files

#: Arabic words (milk, your baby, day, night, hour, time, water, warm, hand, mother) to stand for English ones.
ARABIC = ["حليب", "طفلك", "يوم", "ليل", "ساعة", "مرة", "ماء", "دافئ", "يد", "صدر"]


def pseudo(text: str, vocabulary: list[str]) -> str:
    """``text`` with each run of Latin letters replaced by a word of ``vocabulary``; placeholders kept."""
    out = []
    for index, piece in enumerate(re.split(r"(\{[^{}]*\})", text)):
        if index % 2:
            out.append(piece)
            continue
        words = iter(vocabulary * (len(piece) // len(vocabulary) + 1))
        out.append(re.sub(r"[A-Za-z']+", lambda _match, words=words: next(words), piece))
    return "".join(out)


def fill(folder: Path, language: str, english: Mapping[str, Mapping[str, str]], vocabulary: list[str]) -> None:
    """Write ``language`` files for ``english`` under ``folder``/translations with every text pseudo-translated."""
    import yaml

    write_files(folder, language, english, str(folder))
    for file, texts in english.items():
        path = folder / "translations" / language / f"{file}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, text in texts.items():
            data["texts"][key]["text"] = pseudo(text, vocabulary)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@contextmanager
def pseudo_phrases(tmp: Path, language: str, monkeypatch: pytest.MonkeyPatch,
                   vocabulary: list[str] = ARABIC) -> Iterator[Path]:
    """careplan's phrases read from a copy under ``tmp`` that also holds a pseudo-translation into ``language``."""
    folder = tmp / "phrases"
    shutil.copytree(phrases.FOLDER, folder, ignore=shutil.ignore_patterns("translations"))
    english = phrases.english()
    fill(folder, language, english, vocabulary)
    caches = (phrases.english, phrases._flat, phrases.catalogue, phrases.words, phrases._all)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(phrases, "FOLDER", folder)
    monkeypatch.setenv("CAREPLAN_CACHE", "off")  # the copy is read, not a cached catalogue
    try:
        yield folder
    finally:
        monkeypatch.undo()
        for cached in caches:
            cached.cache_clear()
