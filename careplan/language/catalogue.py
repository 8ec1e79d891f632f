"""Translations as data: per language and per file, each text with the hash of the English it was made from.

A translation file (``<folder>/translations/<language>/<name>.yaml``, beside the English it translates) reads::

    language: es
    status: draft          # or reviewed, with reviewed_by and reviewed_on
    reviewed_by: null
    reviewed_on: null
    texts:
      offer-the-breast.title:
        # en (3f2a9c01d4e7): Offer the breast often
        from: "3f2a9c01d4e7"
        text: Ofrezca el pecho seguido

``from`` is the first 12 hex digits of the SHA-256 of the English text the translation was made from. When the
English changes, the hash no longer matches and the translation is *stale*: it is not used until someone
translates the new English and sets ``from`` to its hash (``careplan library check`` prints it). An empty ``text``
is a text not yet translated (*missing*). ``careplan library translate LANG`` writes the files: new keys with an
empty text, every key's English in the comment above it, existing translations kept as they are.

Nothing here knows what the texts are: the library (entries and sections) and careplan's own phrases
(:mod:`careplan.language.phrases`) each give their English as ``{file: {key: text}}``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

#: The folder, beside the English, that holds one folder of translation files per language.
FOLDER = "translations"
HASH_DIGITS = 12
Status = Literal["draft", "reviewed"]
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
#: A translation file is a few hundred texts.
MAX_FILE_BYTES = 1024 * 1024


def english_hash(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of ``text`` (UTF-8): what a translation's ``from`` must match."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_DIGITS]


class Translated(BaseModel):
    """One translated text and the hash of the English it was made from."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: Annotated[str, Field(alias="from", pattern=rf"^[0-9a-f]{{{HASH_DIGITS}}}$")]
    text: str = ""


class TranslationFile(BaseModel):
    """One file of one language's translations, with its review status."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Annotated[str, Field(pattern=LANGUAGE)]
    status: Status
    reviewed_by: str | None = None
    reviewed_on: dt.date | None = None
    texts: dict[str, Translated] = {}

    @model_validator(mode="after")
    def _reviewed_by_someone(self) -> TranslationFile:
        if self.status == "reviewed" and not (self.reviewed_by and self.reviewed_on):
            raise ValueError("a reviewed file needs reviewed_by and reviewed_on")
        return self


@dataclass(frozen=True)
class Entry:
    """A usable translation: its text and the status of the file it is in."""

    text: str
    source: str
    status: Status
    file: str


@dataclass
class Catalogue:
    """One language's translations of one set of English texts, by key."""

    language: str
    entries: dict[str, Entry] = field(default_factory=dict)
    files: dict[str, Status] = field(default_factory=dict)  # file label -> status

    def lookup(self, key: str, english: str) -> Entry | None:
        """The translation of ``key`` when it exists, is not empty and was made from this ``english``."""
        entry = self.entries.get(key)
        if entry is None or not entry.text or entry.source != english_hash(english):
            return None
        return entry


@dataclass
class Audit:
    """What one language lacks for one set of English texts."""

    language: str
    missing: list[tuple[str, str]] = field(default_factory=list)  # (file, key)
    stale: list[tuple[str, str]] = field(default_factory=list)  # (file, key)
    unused: list[tuple[str, str]] = field(default_factory=list)  # (file, key): no English text has this key
    drafts: list[str] = field(default_factory=list)  # files not yet reviewed

    @property
    def complete(self) -> bool:
        return not self.missing and not self.stale


def languages(folder: Path) -> list[str]:
    """The languages with a translations folder under ``folder``."""
    base = folder / FOLDER
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and re.match(LANGUAGE, p.name))


def read_file(path: Path, label: str) -> tuple[TranslationFile | None, list[str]]:
    """One translation file, or None and one line per problem, each naming the file and the field."""
    import yaml

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [f"{label}: larger than {MAX_FILE_BYTES // 1024} KB"]
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{label}: cannot be read ({type(exc).__name__})"]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f": line {mark.line + 1}" if mark is not None else ""
        return None, [f"{label}{where}: not valid YAML"]
    try:
        return TranslationFile.model_validate(data), []
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            place = ".".join(str(part) for part in error["loc"]) or "(file)"
            lines.append(f"{label}: {place}: {error['msg']}")
        return None, lines


def load(folder: Path, language: str, shown: str) -> tuple[Catalogue, list[str]]:
    """The ``language`` translations under ``folder``/translations, and one line per problem found."""
    catalogue = Catalogue(language)
    problems: list[str] = []
    base = folder / FOLDER / language
    if not base.is_dir():
        return catalogue, problems
    for path in sorted(base.glob("*.yaml")):
        label = f"{shown}/{FOLDER}/{language}/{path.name}"
        parsed, found = read_file(path, label)
        problems += found
        if parsed is None:
            continue
        if parsed.language != language:
            problems.append(f"{label}: language: is {parsed.language!r}, but the file is in the {language!r} folder")
            continue
        catalogue.files[path.stem] = parsed.status
        for key, translated in parsed.texts.items():
            if key in catalogue.entries:
                problems.append(f"{label}: texts: {key}: also in {catalogue.entries[key].file}.yaml")
                continue
            catalogue.entries[key] = Entry(translated.text, translated.source, parsed.status, path.stem)
    return catalogue, problems


def audit(english: Mapping[str, Mapping[str, str]], catalogue: Catalogue) -> Audit:
    """Which English texts (``{file: {key: text}}``) ``catalogue`` lacks or has translated from older English."""
    found = Audit(catalogue.language)
    known: set[str] = set()
    for file, texts in english.items():
        for key, text in texts.items():
            known.add(key)
            entry = catalogue.entries.get(key)
            if entry is None or not entry.text:
                found.missing.append((file, key))
            elif entry.source != english_hash(text):
                found.stale.append((file, key))
    found.unused = sorted((e.file, key) for key, e in catalogue.entries.items() if key not in known)
    found.drafts = sorted(file for file, status in catalogue.files.items() if status != "reviewed")
    return found


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a text (``{{`` and ``}}`` are literal braces)."""
    return set(re.findall(r"(?<!\{)\{([a-z_][a-z0-9_]*)[^{}]*\}", text.replace("{{", "").replace("}}", "")))


def placeholder_problems(english: Mapping[str, Mapping[str, str]], catalogue: Catalogue, shown: str) -> list[str]:
    """One line per translation whose placeholders differ from its English text's (a value would go missing)."""
    lines = []
    for texts in english.values():
        for key, text in texts.items():
            entry = catalogue.lookup(key, text)
            if entry is not None and placeholders(entry.text) != placeholders(text):
                want = ", ".join(sorted(placeholders(text))) or "none"
                lines.append(f"{shown}/{FOLDER}/{catalogue.language}/{entry.file}.yaml: texts: {key}: "
                             f"needs the placeholders of its English ({want})")
    return lines


# ---------------------------------------------------------------------------------------------------------------
# Writing the files a translator fills in
# ---------------------------------------------------------------------------------------------------------------

HEADER = """\
# careplan translations: {language} for {file}.yaml.
# Each text's "from" is the SHA-256 (first 12 hex digits) of the English it was translated from, shown in the
# comment above it. When the English changes, the text is stale and not used until it is translated again and
# "from" set to the new hash. An empty text is not yet translated. Set status to reviewed, with reviewed_by and
# reviewed_on, once a clinician fluent in the language has checked every text in this file.
"""


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render_file(language: str, file: str, english: Mapping[str, str], old: TranslationFile | None) -> str:
    """A translation file for ``english`` (key -> text), keeping what ``old`` already holds."""
    lines = [HEADER.format(language=language, file=file).rstrip("\n")]
    status = old.status if old else "draft"
    lines += [f"language: {language}", f"status: {status}",
              f"reviewed_by: {_quoted(old.reviewed_by) if old and old.reviewed_by else 'null'}",
              f"reviewed_on: {old.reviewed_on.isoformat() if old and old.reviewed_on else 'null'}", "texts:"]
    kept = old.texts if old else {}
    for key, text in english.items():
        digest = english_hash(text)
        english_lines = text.splitlines() or [""]
        lines.append(f"  {key}:")
        lines.append(f"    # en ({digest}): {english_lines[0]}")
        lines += [f"    #   {line}" for line in english_lines[1:]]
        previous = kept.get(key)
        lines.append(f'    from: "{previous.source if previous else digest}"')  # quoted: 12 digits read as a number
        lines.append(f"    text: {_quoted(previous.text if previous else '')}")
    return "\n".join(lines) + "\n"


def write_files(folder: Path, language: str, english: Mapping[str, Mapping[str, str]], shown: str) -> list[str]:
    """Write (or refresh) ``folder``/translations/``language``/<file>.yaml for every file of English texts; what
    was done, one line per file. A file that cannot be read is left alone and named."""
    base = folder / FOLDER / language
    base.mkdir(parents=True, exist_ok=True)
    done = []
    for file, texts in english.items():
        path = base / f"{file}.yaml"
        label = f"{shown}/{FOLDER}/{language}/{file}.yaml"
        old = None
        if path.exists():
            old, problems = read_file(path, label)
            if old is None:
                done += [f"{line} (left as it is)" for line in problems]
                continue
        dropped = sorted(set(old.texts) - set(texts)) if old else []
        _replace(path, render_file(language, file, texts, old))
        done.append(f"{label}: {len(texts)} texts" + (f"; dropped {len(dropped)} no longer in English" if dropped
                                                      else ""))
    return done


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file beside it, then a rename)."""
    import os
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
