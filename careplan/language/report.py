"""What ``careplan library check`` says about translations: per language, how many texts are ready, and each text
that is missing or stale (its English changed since it was translated), by file and key."""

from __future__ import annotations

from collections.abc import Mapping

from careplan.language.catalogue import Catalogue, audit, english_hash, placeholder_problems

#: At most this many missing or stale texts are listed per language and kind; the count is always given.
LISTED = 40


def report(label: str, english: Mapping[str, Mapping[str, str]], catalogues: Mapping[str, Catalogue],
           shown: str, detail: set[str] | None = None) -> tuple[list[str], list[str]]:
    """(lines to print, problems that are errors) for one set of English texts and its translations; the missing
    and stale texts are listed for the languages in ``detail`` (all when None), counted for the others."""
    lines: list[str] = []
    errors: list[str] = []
    total = sum(len(texts) for texts in english.values())
    for language in sorted(catalogues):
        found = audit(english, catalogues[language])
        ready = total - len(found.missing) - len(found.stale)
        state = "complete" if found.complete else "incomplete: plans stay in English"
        reviewed = "all reviewed" if not found.drafts else f"draft (not yet reviewed): {', '.join(found.drafts)}"
        lines.append(f"{label}: {language}: {ready} of {total} texts, {state}; {reviewed}")
        texts = {key: text for group in english.values() for key, text in group.items()}
        if detail is not None and language not in detail:
            errors += placeholder_problems(english, catalogues[language], shown)
            continue
        for kind, keys in (("missing", found.missing), ("stale", found.stale)):
            for file, key in keys[:LISTED]:
                if kind == "stale":
                    lines.append(f"  {language}: stale: {file}.yaml: {key}: the English changed; translate it "
                                 f"again and set from: {english_hash(texts[key])}")
                else:
                    lines.append(f"  {language}: missing: {file}.yaml: {key}")
            if len(keys) > LISTED:
                lines.append(f"  {language}: ... and {len(keys) - LISTED} more {kind}")
        for file, key in found.unused[:LISTED]:
            lines.append(f"  {language}: unused: {file}.yaml: {key}: no English text has this key")
        errors += placeholder_problems(english, catalogues[language], shown)
    return lines, errors
