"""The answers a practice file gives every consult (its ``[interview]`` table: the setting, where families live),
so the interview does not ask them.

Read here, not through :mod:`careplan.practice` (which the interview does not import, to start fast); a value the
question does not take is reported in one line and the question asked as usual. The whole practice file is checked,
and its problems reported, by ``careplan practice check`` and where the plan is made.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from careplan.interview.answers import plain_message
from careplan.interview.form import Form
from careplan.interview.nodes import Question

#: A practice file is a page of settings (careplan.practice reads at most this much too).
MAX_PRACTICE_BYTES = 256 * 1024
#: The practice file's ``[interview]`` keys, and the intake field each answers.
PRESET_FIELDS = {"setting": "consult.setting", "jurisdiction": "consult.jurisdiction"}


@dataclass
class Presets:
    answers: dict[str, Any] = field(default_factory=dict)  # slot key -> answer, in JSON form
    problems: list[str] = field(default_factory=list)  # one line each, naming the file and the key


def read_presets(path: Path, form: Form) -> Presets:
    """The presets of this practice file that the form asks (checked by the question's own field); none if the
    file cannot be read."""
    out = Presets()
    try:
        with path.open("rb") as handle:
            data = tomllib.loads(handle.read(MAX_PRACTICE_BYTES).decode("utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not TOML: reported where the plan is made
        return out
    table = data.get("interview")
    if not isinstance(table, dict):
        return out
    for key, field_path in PRESET_FIELDS.items():
        if key not in table:
            continue
        node = form.by_path.get(tuple(field_path.split(".")))
        if not isinstance(node, Question):
            continue
        try:
            value = node.adapter.dump_python(node.adapter.validate_python(table[key]), mode="json")
        except ValidationError as exc:
            out.problems.append(f"{path.name}: interview.{key}: {plain_message(exc.errors()[0])}; asked instead")
            continue
        out.answers[field_path] = value
    return out


def summary(form: Form, answers: dict[str, Any]) -> str:
    """``From the practice file: setting Clinic · country or region United States``."""
    parts = []
    for key, value in answers.items():
        node = form.by_path.get(tuple(key.split(".")))
        if isinstance(node, Question):
            parts.append(f"{node.title} {node.label(value)}")
    return "From the practice file: " + " · ".join(parts) + " (to change: Ctrl-G, or the review)"
