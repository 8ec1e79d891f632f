"""Output names from the intake, not the clock: CONSULT-DATE_PARENT_BABIES.pdf, folded to ASCII, never clashing."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from careplan.intake import Intake


#: Longest part of an output name taken from the parent's name, and from the babies' first names.
NAME_PART_LIMIT = 40


_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ł": "l",
                       "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "’": "", "'": ""})


def slug(text: str, limit: int = NAME_PART_LIMIT) -> str:
    """Lower-case ASCII words joined by hyphens, at most ``limit`` characters, cut between words:
    ``"Nguyễn Thị Lan"`` -> ``"nguyen-thi-lan"``. Scripts without a Latin form give ``""``."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            if not out:
                out = word[:limit]
            break
        out = candidate
    return out


def output_stem(intake: Intake, fallback: str) -> str:
    """The output name without ``.pdf``: ``2026-03-02_greta-mustermann-probe_ida-jonas``. When neither the
    parent's nor the babies' names have a Latin form, the input file's name stands in for them."""
    parent = slug(intake.parent.name)
    babies = ""
    for baby in intake.babies:
        first = slug(baby.name.split()[0] if baby.name.split() else "")
        if first and len(babies) + len(first) + 1 <= NAME_PART_LIMIT:
            babies = f"{babies}-{first}" if babies else first
    who = "_".join(part for part in (parent, babies) if part) or slug(fallback) or "plan"
    return f"{intake.consult.date.isoformat()}_{who}"


def _name(stem: str, number: int) -> str:
    return f"{stem}.pdf" if number == 1 else f"{stem}-{number}.pdf"


def assign_names(
    wanted: dict[str, str], current: dict[str, str], owners: dict[str, str], on_disk: set[str]
) -> dict[str, str]:
    """Output names for the inputs in ``wanted`` (key -> stem).

    ``current`` is each input's name from the last run (key -> name), ``owners`` who each PDF careplan wrote here
    was written for (name -> key), ``on_disk`` the file names now in the folder. An input keeps its name while its
    stem is unchanged; otherwise it gets ``STEM.pdf``, or ``STEM-2.pdf``, ``STEM-3.pdf`` ... in the order of the
    inputs' paths, skipping any name that holds another input's plan or a file careplan did not write.
    """
    claimed: dict[str, str] = {name: owners.get(name, "") for name in on_disk}
    names: dict[str, str] = {}
    for key in sorted(wanted):
        name = current.get(key)
        stem = re.escape(wanted[key])
        if name and re.fullmatch(rf"{stem}(-[0-9]+)?\.pdf", name) and claimed.get(name, key) == key:
            names[key] = name
            claimed[name] = key
    for key in sorted(wanted):
        if key in names:
            continue
        number = 1
        while claimed.get(_name(wanted[key], number), key) != key:
            number += 1
        names[key] = _name(wanted[key], number)
        claimed[names[key]] = key
    return names
