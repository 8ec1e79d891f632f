"""Output names from the intake, not the clock or the folder: CONSULT-DATE_PARENT_BABIES_ID.pdf, the readable part
folded to ASCII, the id stable while the consult is the same one."""

from __future__ import annotations

import hashlib
import json
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


#: Hex digits of the stable id in an output name: 40 bits, so two consults in one folder share one by chance about
#: once in a trillion pairs.
ID_LENGTH = 10


_ID_IN_NAME = re.compile(rf"_([0-9a-f]{{{ID_LENGTH}}})\.pdf$")


def stable_id(intake: Intake) -> str:
    """The consult's id in its output name: from the intake's ``record_id`` when it has one (set once by the
    interview, so a corrected name keeps it), otherwise from what identifies the consult: plan type, visit, consult
    date, the parent's name and each baby's name and birth date. Editing anything else (a goal, a medicine, a
    diaper count) keeps it."""
    if intake.record_id:
        identity: object = ["record", intake.record_id]
    else:
        identity = [
            "consult",
            intake.plan_type,
            intake.consult.visit,
            intake.consult.date.isoformat(),
            _fold(intake.parent.name),
            [[_fold(baby.name), baby.birth_date.isoformat()] for baby in intake.babies],
        ]
    text = json.dumps(identity, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_LENGTH]


def _fold(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def output_name(intake: Intake, fallback: str) -> str:
    """``2026-03-02_greta-mustermann-probe_ida-jonas_3f9a12c4d1.pdf``: consult date, a readable name, the stable
    id. When neither the parent's nor the babies' names have a Latin form, the input file's name stands in for
    them. The same intake always gets the same name, whatever the folder holds."""
    parent = slug(intake.parent.name)
    babies = ""
    for baby in intake.babies:
        first = slug(baby.name.split()[0] if baby.name.split() else "")
        if first and len(babies) + len(first) + 1 <= NAME_PART_LIMIT:
            babies = f"{babies}-{first}" if babies else first
    who = "_".join(part for part in (parent, babies) if part) or slug(fallback) or "plan"
    return f"{intake.consult.date.isoformat()}_{who}_{stable_id(intake)}.pdf"


def id_in_name(name: str) -> str | None:
    """The stable id an output name ends with, or None for a name careplan did not give."""
    found = _ID_IN_NAME.search(name)
    return found.group(1) if found else None


def duplicates(names: dict[str, str], kept: dict[str, str]) -> dict[str, str]:
    """Inputs that are another input's consult over again (the same stable id): input -> the input whose plan is
    kept. ``names`` are the outputs wanted now (input -> name), ``kept`` the up-to-date outputs of inputs not
    rendered this time (input -> name); among the rest, the first input by path keeps the id."""
    owner = {id_in_name(name): key for key, name in sorted(kept.items())}
    repeated: dict[str, str] = {}
    for key in sorted(names):
        found = id_in_name(names[key])
        if found in owner and owner[found] != key:
            repeated[key] = owner[found]
        else:
            owner[found] = key
    return repeated
