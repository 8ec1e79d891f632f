"""What a loaded library says about itself: every parent-facing English text (for the readability tests and for
translation, by file and key), and the lines ``careplan library check`` prints (its summary, the urgent entries
and referrals with no letter block)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from careplan.rules.entries import LETTER_KINDS, TEXT_PARTS, Entry

if TYPE_CHECKING:
    from careplan.rules.library import Library


def iter_texts(entry: Entry) -> Iterable[tuple[str, str, str]]:
    """Every parent-facing text of an entry as (part, language, text), for readability checks."""
    for part in TEXT_PARTS:
        for lang, text in (getattr(entry, part) or {}).items():
            yield part, lang, text
    for param, choices in entry.words.items():
        for key, value in choices.items():
            for lang, text in value.items():
                yield f"words.{param}.{key}", lang, text


#: Sections' texts are translated in this file, whichever library file a section came from.
SECTIONS_FILE = "sections"


def english_by_folder(library: Library) -> list[tuple[Path, str, dict[str, dict[str, str]]]]:
    """The plan type's English texts split by the library folder they come from (shared first), so that each
    folder's translations sit beside it: (folder, how messages name it, texts by file)."""
    every = english_texts(library)
    kind = library.plantype
    if kind is None:
        return []
    out = []
    for folder, shown in kind.libraries:
        mine = {entry_id for entry_id, rule in library.rules.items() if rule.origin.startswith(f"{shown}/")}
        texts: dict[str, dict[str, str]] = {}
        for file, pairs in every.items():
            if file == SECTIONS_FILE:
                if (folder / f"{SECTIONS_FILE}.yaml").is_file():
                    texts[file] = dict(pairs)
                continue
            kept = {key: text for key, text in pairs.items() if key.split(".", 1)[0] in mine}
            if kept:
                texts[file] = kept
        out.append((folder, shown, texts))
    return out


def english_texts(library: Library) -> dict[str, dict[str, str]]:
    """Every parent-facing English text of the library, by translation file and key: ``ENTRY.PART`` for an
    entry's texts, ``section.ID.title`` and ``section.ID.intro`` for a section's."""
    out: dict[str, dict[str, str]] = {}
    for entry_id in sorted(library.rules, key=lambda i: (library.files.get(i, ""), i)):
        entry = library.rules[entry_id].entry
        texts = out.setdefault(library.files.get(entry_id, "library"), {})
        for part in TEXT_PARTS:
            value = getattr(entry, part)
            if value is not None:
                texts[f"{entry.id}.{part}"] = value["en"]
        for param, choices in entry.words.items():
            for key, value in choices.items():
                texts[f"{entry.id}.words.{param}.{key}"] = value["en"]
    sections = out.setdefault(SECTIONS_FILE, {})
    for section in library.sections:
        sections[f"section.{section.id}.title"] = section.title["en"]
        if section.intro is not None:
            sections[f"section.{section.id}.intro"] = section.intro["en"]
    return out


def letter_warnings(library: Library) -> list[str]:
    """One line per urgent entry or referral with no ``letter`` block, for ``careplan library check`` to print as
    a warning. Not an error: the entry still reaches the plan, only the doctors' letter does not list it."""
    found = []
    for rule in library.rules.values():
        entry = rule.entry
        if entry.kind in LETTER_KINDS and entry.letter is None:
            what = "an urgent entry" if entry.kind == "urgent" else "a referral"
            found.append(f"{rule.origin}: entry '{entry.id}': {what} with no letter block "
                         "(the doctors' letter will not list it)")
    return found


def summary(library: Library) -> str:
    """One line for ``careplan library check``: entries by kind, sections, sources and where they came from."""
    kinds: dict[str, int] = {}
    for rule in library.rules.values():
        kinds[rule.entry.kind] = kinds.get(rule.entry.kind, 0) + 1
    counts = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return (
        f"ok: {len(library.rules)} entries ({counts}), {len(library.sections)} sections, "
        f"{len(library.sources)} sources, from {', '.join(library.origins)}"
    )
