"""The interview's answers: turned into an intake, saved as they come, carried into a follow-up visit.

* :func:`build_data` turns the flat answers into intake JSON (:func:`intake_data` adds the record id);
  :func:`provisional` does the same with placeholders for required fields not asked yet, so an unfinished intake
  can be validated and run through the rules.
* :func:`save_partial` writes the answers and where the interview is, atomically, readable by the owner only
  (mode 0600: it is health information), after every answer; :func:`load_partial` reads it back for ``--resume``.
* :func:`follow_up_answers` starts a follow-up visit from the last intake.
"""

from __future__ import annotations

import copy
import json
import re
import typing
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from careplan._io import write_private
from careplan.errors import InputError, submodel
from careplan.intake import Intake
from careplan.interview.answers import Unit
from careplan.interview.fields import MISSING
from careplan.interview.form import Form
from careplan.interview.nodes import Group, Path_, Question, Screen, split_key

PARTIAL_FORMAT = "careplan-interview-partial"
PARTIAL_VERSION = 1
MAX_PARTIAL_BYTES = 2 * 1024 * 1024
_RECORD_ID = re.compile(r"[0-9a-f]{32}")
PLACEHOLDER_TEXT = "?"
#: The units an amount may have been typed in (State.units' values).
UNITS: tuple[Unit, ...] = typing.get_args(Unit)


@dataclass
class State:
    """Everything needed to continue an interview: what the partial file holds."""

    answers: dict[str, Any]
    output: Path
    partial: Path
    previous: dict[str, Any] = field(default_factory=dict)  # the last visit's answers to questions asked afresh
    render: bool = False
    practice: str | None = None
    libraries: list[str] = field(default_factory=list)
    phase: str = "asking"
    position: str | None = None
    #: The intake's record id, made once when the interview starts (a follow-up is a new record).
    record_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: The unit each amount was typed in (answer key -> "g", "kg", "lb", "ml" or "oz"), to show it back so.
    units: dict[str, str] = field(default_factory=dict)
    #: Answers to questions that no longer apply after a change (answer key -> value), put back if they apply
    #: again; kept until the intake is saved (see :func:`prune_keeping`).
    hidden: dict[str, Any] = field(default_factory=dict)
    #: The plan type chosen at the start (its form asks the questions); older saved interviews are relactation's.
    plan_type: str = "relactation"


# --------------------------------------------------------------------------------------------------------------
# Answers -> intake
# --------------------------------------------------------------------------------------------------------------


def set_path(data: dict[str, Any], path: Path_, value: Any) -> None:
    target: Any = data
    for index, part in enumerate(path):
        last = index == len(path) - 1
        following = None if last else path[index + 1]
        blank: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            while len(target) <= part:
                target.append({})
            if last:
                target[part] = value
            else:
                if not isinstance(target[part], dict | list):
                    target[part] = blank
                target = target[part]
        elif last:
            target[part] = value
        else:
            if not isinstance(target.get(part), dict | list):
                target[part] = blank
            target = target[part]


def get_path(data: Any, path: Path_) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return MISSING
        elif not isinstance(data, dict) or part not in data:
            return MISSING
        data = data[part]
    return data


def intake_data(form: Form, state: State) -> dict[str, Any]:
    """The intake JSON the interview writes: the answers and the record id."""
    return {"record_id": state.record_id, **build_data(form, state.answers)}


def build_data(form: Form, answers: dict[str, Any]) -> dict[str, Any]:
    """The intake JSON these answers give (required fields not yet answered are simply absent)."""
    walk = form.walk(answers)
    data: dict[str, Any] = {"plan_type": form.plan_type}
    for slot in walk.slots:
        if slot.key not in answers:
            continue
        value = answers[slot.key]
        if slot.kind in ("field", "note"):
            set_path(data, slot.path, copy.deepcopy(value))
        elif slot.kind == "gate":
            if value == "unknown":
                set_path(data, slot.path, None)
            elif get_path(data, slot.path) is MISSING or value == "none":
                set_path(data, slot.path, [])
        elif slot.kind == "add" and slot.index == 0 and get_path(data, slot.path) is MISSING:
            set_path(data, slot.path, [])
    for key, value in walk.implied.items():
        set_path(data, tuple(int(p) if p.isdigit() else p for p in key.split(".")), copy.deepcopy(value))
    return data


def screen_answer_fits(screen: Screen, value: Any) -> bool:
    """A screen's answer: one of its specials alone, or ticks of its items."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return False
    if len(value) == 1 and value[0] in screen.spec.specials:
        return True
    return set(value) <= {item.id for item in screen.items}


def _placeholder(info: Any, on: str) -> Any:
    base = info.annotation
    if typing.get_origin(base) is typing.Literal:
        return typing.get_args(base)[0]
    if base is date:
        return on
    if base is str:
        return PLACEHOLDER_TEXT
    if base in (int, float):
        low = next((getattr(m, "ge", None) for m in info.metadata if getattr(m, "ge", None) is not None), 1)
        return low
    sub = submodel(base)
    if sub is not None:
        filled = fill_required(sub, {}, on)
        return [filled] if typing.get_origin(base) is list else filled
    return None


def fill_required(model: type[BaseModel], data: dict[str, Any], on: str) -> dict[str, Any]:
    """Put placeholders in required fields that have no value yet (in place); for checks only, never saved."""
    for name, info in model.model_fields.items():
        if name not in data or (info.is_required() and data[name] in ([], None)):
            if info.is_required():
                data[name] = _placeholder(info, on)
            continue
        sub = submodel(info.annotation)
        value = data[name]
        if sub is None or value is None:
            continue
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    fill_required(sub, item, on)
        elif isinstance(value, dict):
            fill_required(sub, value, on)
    return data


def provisional(form: Form, answers: dict[str, Any], today: date) -> dict[str, Any]:
    """The intake so far, with placeholders where a required answer is still missing."""
    data = build_data(form, answers)
    consult = data.get("consult") if isinstance(data.get("consult"), dict) else None
    on = consult.get("date") if consult and isinstance(consult.get("date"), str) else today.isoformat()
    return fill_required(Intake, data, on)


# --------------------------------------------------------------------------------------------------------------
# The partial file
# --------------------------------------------------------------------------------------------------------------


def partial_path_for(output: Path) -> Path:
    return output.with_name(f"{output.stem}.partial.json")


def save_partial(state: State) -> None:
    document = {
        "format": PARTIAL_FORMAT,
        "version": PARTIAL_VERSION,
        "output": str(state.output),
        "render": state.render,
        "practice": state.practice,
        "libraries": state.libraries,
        "phase": state.phase,
        "position": state.position,
        "answers": state.answers,
        "previous": state.previous,
        "record_id": state.record_id,
        "units": state.units,
        "hidden": state.hidden,
        "plan_type": state.plan_type,
    }
    write_private(state.partial, json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8"))


def load_partial(path: Path) -> State:
    label = str(path)
    try:
        raw = path.read_bytes()[: MAX_PARTIAL_BYTES + 1]
    except FileNotFoundError:
        raise InputError([f"{label}: no such file"]) from None
    except OSError as exc:
        raise InputError([f"{label}: cannot be read ({exc.strerror or 'I/O error'})"]) from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError([f"{label}: not a saved interview (not valid JSON)"]) from None
    if not isinstance(document, dict) or document.get("format") != PARTIAL_FORMAT:
        raise InputError([f"{label}: not a saved interview"])
    if document.get("version") != PARTIAL_VERSION:
        raise InputError([f"{label}: saved by another version of careplan (format {document.get('version')})"])
    answers = document.get("answers")
    if not isinstance(answers, dict) or not isinstance(document.get("output"), str):
        raise InputError([f"{label}: the saved interview is damaged"])
    previous = document.get("previous")
    units, hidden = document.get("units"), document.get("hidden")  # optional: older files have neither
    return State(
        answers=answers,
        output=Path(document["output"]),
        partial=path,
        previous=previous if isinstance(previous, dict) else {},
        render=bool(document.get("render")),
        practice=document.get("practice") if isinstance(document.get("practice"), str) else None,
        libraries=[str(x) for x in document.get("libraries") or []],
        phase=str(document.get("phase") or "asking"),
        position=document.get("position") if isinstance(document.get("position"), str) else None,
        **({"record_id": document["record_id"]} if _RECORD_ID.fullmatch(str(document.get("record_id"))) else {}),
        units={str(k): v for k, v in units.items() if v in UNITS} if isinstance(units, dict) else {},
        hidden={str(k): v for k, v in hidden.items()} if isinstance(hidden, dict) else {},
        plan_type=str(document.get("plan_type") or "relactation"),
    )


def revalidate(form: Form, answers: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Keep the saved answers that still fit the questions (the file or careplan may have changed since);
    returns them and how many were dropped, to be asked again."""
    kept = {key: value for key, value in answers.items() if _still_fits(form, key, value)}
    dropped = len(answers) - len(kept)
    pruned = form.prune(kept)
    return pruned, dropped + len(kept) - len(pruned)


# --------------------------------------------------------------------------------------------------------------
# Units typed, and answers hidden by a change
# --------------------------------------------------------------------------------------------------------------


def remember_unit(state: State, key: str, unit: str | None) -> None:
    """Keep the unit an answer was typed in (``read_answer(...).unit``), to show it back so; an answer with no unit
    (not an amount, or skipped) forgets any unit typed before."""
    if unit in UNITS:
        state.units[key] = unit
    else:
        state.units.pop(key, None)


def unit_for(state: State, key: str) -> Unit | None:
    """The unit the answer in this slot was typed in, if known (for :func:`careplan.interview.answers.show_value`)."""
    unit = state.units.get(key)
    return next((u for u in UNITS if u == unit), None)


def _still_fits(form: Form, key: str, value: Any) -> bool:
    """Whether a kept answer is still one the question takes (the question file or careplan may have changed)."""
    base, marker, _ = split_key(key)
    node = form.by_path.get(tuple(p for p in base.split(".") if not p.isdigit()))
    if marker == "gate":
        return value in ("some", "none", "unknown") and node is not None
    if marker == "screen":
        return isinstance(node, Screen) and screen_answer_fits(node, value)
    if marker == "add":
        return isinstance(value, bool) and isinstance(node, Group)
    if not isinstance(node, Question):
        return False
    try:
        return bool(node.adapter.dump_python(node.adapter.validate_python(value), mode="json") == value)
    except ValueError:
        return False


def prune_keeping(
    form: Form, answers: dict[str, Any], hidden: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """:meth:`Form.prune`, keeping what it drops: the answers to questions that no longer apply go to ``hidden``,
    and hidden answers whose questions apply again (a choice changed and changed back) come back, with whatever
    depends on them. Returns the new (answers, hidden); neither argument is changed. An answer given since wins
    over a hidden one for the same question."""
    kept = {k: v for k, v in hidden.items() if k not in answers}
    current = dict(answers)
    for _ in range(len(kept) + 2):  # each round puts back at least one answer, or it is the last
        pruned = form.prune(current)
        kept.update((k, v) for k, v in current.items() if k not in pruned)
        reachable = {slot.key for slot in form.walk(pruned).slots}
        back = {k: v for k, v in kept.items() if k in reachable and k not in pruned and _still_fits(form, k, v)}
        for key in back:
            del kept[key]
        current = {**pruned, **back}
        if not back:
            return pruned, kept
    pruned = form.prune(current)
    kept.update((k, v) for k, v in current.items() if k not in pruned)
    return pruned, kept
