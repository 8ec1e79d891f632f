"""Which language a plan is written in: the family's, only when careplan can write all of it in that language.

A language is used when careplan's phrases are all translated into it and not stale, the library has translations
into it, and (when the practice asks for it) every one of them has been reviewed. The rule engine then checks the
texts this plan needs (:func:`careplan.rules.engine.build_plan`); one missing or stale text and the plan is built
in English instead. A plan is never a mix. When the family's language is not used, the plan says so in English and,
where careplan has the sentence, in the family's language (``phrases/fallback.yaml`` and its translations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from careplan.language.catalogue import Catalogue, audit, placeholder_problems
from careplan.language.phrases import catalogue, english

#: Languages whose script runs right to left: the page turns round for them.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb"})

Reason = Literal["no_translation", "incomplete", "not_reviewed"]


@dataclass(frozen=True)
class Candidate:
    """The language to try for a plan, or why the family's language cannot be used."""

    language: str  # a language careplan has translations for (or "en")
    requested: str
    reason: Reason | None = None  # why ``requested`` is not ``language``


def candidates(requested: str) -> list[str]:
    """The tags to try for a requested language, most specific first: ``es-MX`` then ``es``."""
    tags = [requested]
    base = requested.split("-")[0]
    if base != requested:
        tags.append(base)
    return tags


def phrases_ready(language: str, reviewed_only: bool) -> Reason | None:
    """None when all of careplan's phrases are translated into ``language`` (and reviewed, when asked)."""
    found, problems = catalogue(language)
    if not found.entries:
        return "no_translation"
    checked = audit(english(), found)
    if problems or not checked.complete or placeholder_problems(english(), found, ""):
        return "incomplete"
    if reviewed_only and checked.drafts:
        return "not_reviewed"
    return None


def choose(requested: str, library_languages: dict[str, Catalogue], reviewed_only: bool = False) -> Candidate:
    """The language to build the plan in, before the library texts of this plan are checked."""
    reason: Reason = "no_translation"
    for tag in candidates(requested):
        if tag == "en":
            return Candidate("en", requested)
        if tag not in library_languages:
            continue
        why = phrases_ready(tag, reviewed_only)
        if why is None:
            return Candidate(tag, requested)
        reason = why
    return Candidate("en", requested, None if requested.split("-")[0] == "en" else reason)


def fallback_note(requested: str) -> tuple[str, str | None]:
    """The sentence that says the plan is in English: in English, and in the family's language when careplan has
    it translated (None otherwise)."""
    from careplan.language.phrases import words

    english_note = words("en")("fallback.note")
    for tag in candidates(requested):
        if tag == "en":
            return english_note, None
        found, _ = catalogue(tag)
        translated = found.lookup("fallback.note", english_note)
        if translated is not None:
            return english_note, translated.text
    return english_note, None


def direction(language: str) -> str:
    """``rtl`` for a language written right to left, else ``ltr``."""
    return "rtl" if language.split("-")[0] in RIGHT_TO_LEFT else "ltr"
