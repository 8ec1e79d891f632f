"""Lists in a sentence ("a, b and c") in the plan's language, by Babel's list patterns, with the one rule Babel's
patterns cannot hold: Spanish writes "e" for "and" before a word that starts with the sound i ("Mia e Isabel"),
but not before a diphthong ("agua y hielo")."""

from __future__ import annotations


def join_words(names: list[str], locale: str) -> str:
    """``names`` as one phrase in ``locale`` (a Babel code or a language tag: es, es_US, pt-BR)."""
    from babel.lists import format_list

    if not names:
        return ""
    code = locale.replace("-", "_")
    try:
        joined = str(format_list(list(names), locale=code))
    except (ValueError, LookupError):
        code = code.split("_")[0]
        joined = str(format_list(list(names), locale=code))
    last = names[-1]
    if code.split("_")[0] == "es" and len(names) > 1 and _i_sound(last) and joined.endswith(f" y {last}"):
        joined = joined[: -len(last) - 3] + f" e {last}"
    return joined


def _i_sound(word: str) -> bool:
    lowered = word.lower()
    return lowered.startswith(("i", "í", "hi", "hí")) and not lowered.startswith(("hie", "hia", "hio", "hiu"))
