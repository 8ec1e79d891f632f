"""careplan's own words: every parent-facing sentence of the templates and of the computed parts, by key.

The English lives in ``careplan/language/phrases/<group>.yaml`` (``key: text``; a key is used as ``group.key``),
its translations beside it in ``phrases/translations/<language>/<group>.yaml`` (see
:mod:`careplan.language.catalogue`). Code asks ``words(language)("schedule.night_rough")``; templates ask
``doc.t("sheet.help_title")``. Values go in ``{name}`` placeholders with :meth:`str.format`.

A language is only chosen for a plan when all of its phrases are present and fresh
(:mod:`careplan.language.choice`), so a plan never mixes them; :class:`Words` falls back to the English for a
phrase it lacks only so that a half-translated catalogue can still be previewed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from careplan.language.catalogue import Catalogue
from careplan.language.catalogue import load as load_catalogue

FOLDER = Path(__file__).resolve().parent / "phrases"
SHOWN = "careplan/language/phrases"


@cache
def _all() -> tuple[dict[str, dict[str, str]], dict[str, tuple[Catalogue, tuple[str, ...]]]]:
    """The English phrases and every language's translations of them, read once; kept in careplan's cache folder
    (:mod:`careplan._cache`) keyed by the content of every phrase file and of the code that reads them, so a
    command does not parse them again (about 50 ms for English and Spanish)."""
    from careplan import _cache

    key = _cache_key()
    cached = _cache.read(key) if key is not None else None
    if isinstance(cached, tuple) and len(cached) == 2:
        return cached
    built = _read_all()
    if key is not None:
        _cache.write(key, built)
    return built


def _cache_key() -> str | None:
    import hashlib

    digest = hashlib.sha256()
    try:
        digest.update(f"{FOLDER}".encode())
        for path in [Path(__file__), Path(__file__).with_name("catalogue.py")]:
            digest.update(path.read_bytes())
        for path in sorted(FOLDER.rglob("*.yaml")):
            digest.update(f"\0{path.relative_to(FOLDER).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    except OSError:
        return None
    return f"phrases-{digest.hexdigest()[:32]}.pickle"


def _read_all() -> tuple[dict[str, dict[str, str]], dict[str, tuple[Catalogue, tuple[str, ...]]]]:
    from careplan._io import load_yaml
    from careplan.language.catalogue import languages

    english_texts: dict[str, dict[str, str]] = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        english_texts[path.stem] = {f"{path.stem}.{name}": str(text) for name, text in data.items()}
    translated = {}
    for language in languages(FOLDER):
        found, problems = load_catalogue(FOLDER, language, SHOWN)
        translated[language] = (found, tuple(problems))
    return english_texts, translated


@cache
def english() -> dict[str, dict[str, str]]:
    """Every English phrase by group (file) and key (``group.name``)."""
    return _all()[0]


@cache
def _flat() -> dict[str, str]:
    return {key: text for texts in english().values() for key, text in texts.items()}


@cache
def catalogue(language: str) -> tuple[Catalogue, tuple[str, ...]]:
    """The phrases' translations into ``language`` and the problems found reading them."""
    return _all()[1].get(language, (Catalogue(language), ()))


class Words:
    """One language's phrases: ``words("group.key", name=value)``. With a plan type, a phrase that has a variant
    for it (``cover_title@low-supply`` beside ``cover_title``) reads as the variant: the few sentences that name
    the kind of plan."""

    def __init__(self, language: str, plan_type: str | None = None) -> None:
        self.language = language
        self.plan_type = plan_type
        self._catalogue = None if language == "en" else catalogue(language)[0]

    def __call__(self, key: str, /, **values: Any) -> str:
        if self.plan_type is not None and f"{key}@{self.plan_type}" in _flat():
            key = f"{key}@{self.plan_type}"
        english_text = _flat()[key]  # a KeyError here is a misspelt key in careplan's own code
        text = english_text
        if self._catalogue is not None:
            found = self._catalogue.lookup(key, english_text)
            text = found.text if found is not None else english_text
        return text.format(**values) if values else text


@cache
def words(language: str, plan_type: str | None = None) -> Words:
    """The phrases in ``language`` (English for ``en``), with ``plan_type``'s variants where it has them."""
    return Words(language, plan_type)
