"""Reading an intake file: size cap, UTF-8, JSON, and one readable line per problem."""

from __future__ import annotations

import json
import math
import os
import stat
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import (
    ValidationError,
)

from careplan.errors import InputError, describe_validation_error
from careplan.intake.common import MAX_INTAKE_BYTES
from careplan.intake.model import Intake


def load_intake(path: str | Path) -> Intake:
    """Read and validate an intake JSON file.

    Raises :class:`~careplan.errors.InputError` with one line per problem, each naming the file and the field.
    The messages never repeat the values typed into the intake.
    """
    return parse_intake(read_intake_bytes(path, str(path)), str(path))


def read_intake_bytes(path: str | Path, label: str) -> bytes:
    """An intake file's bytes (at most the size limit plus one, so a huge file is refused without reading it),
    with one clear line, naming ``label``, when the file cannot be read."""
    try:
        # Only a regular file: a FIFO or a device would block or never end (checked before opening, which could
        # itself block on a FIFO).
        if Path(path).is_symlink() and not Path(path).exists():
            raise InputError([f"{label}: a symbolic link that leads nowhere (or round in a loop)"])
        if Path(path).exists() and not Path(path).is_dir() and not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError([f"{label}: not a regular file (a pipe, device or socket is not an intake)"])
        with Path(path).open("rb") as handle:
            return handle.read(MAX_INTAKE_BYTES + 1)
    except FileNotFoundError:
        raise InputError([f"{label}: no such file"]) from None
    except IsADirectoryError:
        raise InputError([f"{label}: is a folder, not an intake file"]) from None
    except PermissionError:
        raise InputError([f"{label}: permission denied"]) from None
    except OSError as exc:
        raise InputError([f"{label}: cannot be read ({exc.strerror or 'I/O error'})"]) from None


def parse_intake(raw: bytes | str, label: str = "<intake>") -> Intake:
    """Validate intake JSON given as bytes or text; ``label`` names it in messages."""
    if len(raw) > MAX_INTAKE_BYTES:
        limit = MAX_INTAKE_BYTES // (1024 * 1024)
        raise InputError([f"{label}: file is too large (over {limit} MB); an intake is a few kilobytes"])
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError([f"{label}: not UTF-8 text (bad byte at position {exc.start})"]) from None
    else:
        text = raw
    if not text.strip():
        raise InputError([f"{label}: file is empty"])
    try:
        data = json.loads(
            text, object_pairs_hook=_no_repeated_keys, parse_constant=_not_a_number, parse_float=_finite
        )
    except json.JSONDecodeError as exc:
        raise InputError([f"{label}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]) from None
    except RecursionError:
        raise InputError([f"{label}: not valid JSON: nested too deeply"]) from None
    except _NotANumber:
        raise InputError([f"{label}: not valid JSON: NaN, Infinity or a number too large to hold"]) from None
    except _RepeatedKey as exc:
        which = f"the key {exc.key!r}" if exc.key is not None else "a key (not an intake field)"
        raise InputError([f"{label}: not valid JSON: {which} appears twice in one object"]) from None
    except ValueError:  # an integer with thousands of digits (Python's int-string limit)
        raise InputError([f"{label}: not valid JSON: a number is far too long"]) from None
    if not isinstance(data, dict):
        raise InputError([f"{label}: the top level must be a JSON object {{...}}"])
    try:
        return Intake.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, Intake, label, name_unknown_keys=False)) from None


class _NotANumber(ValueError):
    pass


def _not_a_number(_constant: str) -> float:
    """``NaN``, ``Infinity`` and ``-Infinity``: Python's json reads them; JSON has no such numbers."""
    raise _NotANumber


def _finite(text: str) -> float:
    """A JSON number as a float, refusing one past the float range (``1e999`` would be infinity)."""
    value = float(text)
    if math.isinf(value):
        raise _NotANumber
    return value


class _RepeatedKey(ValueError):
    def __init__(self, key: str | None) -> None:
        super().__init__("repeated key")
        self.key = key


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (JSON would silently keep the last one). The key
    named in the message is a field name of the intake format, never a value typed into it."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _RepeatedKey(key if key in _field_names() else None)
        out[key] = value
    return out


@cache
def _field_names() -> frozenset[str]:
    """Every field name of the intake format, at any depth (safe to print: they are the format's, not the
    family's)."""
    from pydantic import BaseModel

    from careplan.errors import submodel

    names: set[str] = set()
    todo: list[type[BaseModel]] = [Intake]
    while todo:
        model = todo.pop()
        for name, info in model.model_fields.items():
            names.add(name)
            inner = submodel(info.annotation)
            if inner is not None and inner not in todo:
                todo.append(inner)
    return frozenset(names)
