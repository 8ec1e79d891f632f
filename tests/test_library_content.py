"""The built-in library's content: plain words for parents, sources for every claim, no doses, no [U] facts."""

from __future__ import annotations

import re

import pyphen
import pytest

from careplan.library import Library, iter_texts, load_library
from careplan.schedule import FEEDING_SOURCES, SCHEDULE_SOURCES, STEP_DOWN_SOURCES

_HYPHENATOR = pyphen.Pyphen(lang="en_US")
#: US school grade the parent-facing text must not exceed (Flesch-Kincaid).
MAX_GRADE = 8.0
LIBRARY = load_library()
ENTRIES = sorted(LIBRARY.rules.values(), key=lambda rule: rule.entry.id)


def _syllables(word: str) -> int:
    vowel_groups = len(re.findall(r"[aeiouy]+", word.lower()))
    hyphen_parts = len(_HYPHENATOR.positions(word)) + 1
    return max(1, vowel_groups - (1 if word.lower().endswith("e") and vowel_groups > 1 else 0), hyphen_parts)


def flesch_kincaid_grade(text: str) -> float:
    """Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
    sentences = [s for s in re.split(r"[.!?:;]+(?:\s|$)", text) if s.strip()]
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    if not words:
        return 0.0
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / max(1, len(sentences)) + 11.8 * syllables / len(words) - 15.59


def test_grade_formula_tells_plain_from_dense() -> None:
    assert flesch_kincaid_grade("Hold your baby close. Take milk out often. Rest when you can.") < 4
    dense = (
        "Galactogogue pharmacotherapy necessitates individualized consideration of contraindications, "
        "particularly cardiovascular comorbidities and concomitant medications prolonging repolarization."
    )
    assert flesch_kincaid_grade(dense) > 14


@pytest.mark.parametrize("rule", ENTRIES, ids=lambda rule: rule.entry.id)
def test_parent_text_is_plain(rule) -> None:  # type: ignore[no-untyped-def]
    body = " ".join(text for part, lang, text in iter_texts(rule.entry) if lang == "en" and part != "title")
    grade = flesch_kincaid_grade(body)
    assert grade <= MAX_GRADE, f"{rule.entry.id}: grade {grade:.1f}: {body}"


@pytest.mark.parametrize("rule", ENTRIES, ids=lambda rule: rule.entry.id)
def test_parent_text_has_no_doses_or_evidence_tags(rule) -> None:  # type: ignore[no-untyped-def]
    for part, lang, text in iter_texts(rule.entry):
        assert not re.search(r"\d\s*(mg|mcg|µg|milligram)", text, re.IGNORECASE), f"{rule.entry.id} {part}: a dose"
        assert not re.search(r"\[(U|S|V)\]", text), f"{rule.entry.id} {part}.{lang}: an evidence tag"


def test_every_entry_has_sources_that_exist(library: Library) -> None:
    for rule in library.rules.values():
        assert rule.entry.sources
        for source in rule.entry.sources:
            assert source in library.sources, (rule.entry.id, source)


def test_sources_of_the_computed_parts_exist(library: Library) -> None:
    for source in [*SCHEDULE_SOURCES, *FEEDING_SOURCES, *STEP_DOWN_SOURCES]:
        assert source in library.sources, source
