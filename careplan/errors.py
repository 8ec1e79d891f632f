"""careplan's errors, and the plain-words description of validation problems.

Every error meant for the person at the keyboard derives from :class:`CareplanError` and carries one line per
problem. The CLI prints those lines and exits with the error's code; it never shows a traceback for them.
Messages name files and fields, never the health details typed into an intake.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic is imported where it is used, so `careplan --help` does not load it
    from pydantic import BaseModel, ValidationError


class ExitStatus(IntEnum):
    """careplan's exit statuses, the same for every command."""

    OK = 0
    PROBLEM = 1  # an input, a template, the library, a render or a send went wrong; the lines say which
    USAGE = 2  # the command line itself is wrong (click's own status)
    INTERRUPTED = 130  # Ctrl-C, or the terminal went away


class CareplanError(Exception):
    """A problem to report to the user: one line per problem. Every error careplan raises for the person at the
    keyboard is one of these; the CLI prints the lines and exits with ``exit_code``, never with a traceback."""

    exit_code: int = ExitStatus.PROBLEM

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines: list[str] = list(lines) or ["unknown problem"]
        super().__init__("\n".join(self.lines))


class InputError(CareplanError):
    """An intake (or another input file) is missing, unreadable or invalid."""


class LibraryError(CareplanError):
    """The strategy library is malformed: a file, an entry or an expression is wrong."""


class WriteError(CareplanError, OSError):
    """A file or folder could not be written (disk full, read-only, no permission): one line naming it and why.
    Also an OSError, so code that handles any failed write still catches it."""


class TemplateError(CareplanError):
    """A template (usually a practice's own) is broken or tried something the sandbox forbids."""


class Interrupted(CareplanError):
    """The work was stopped (Ctrl-C or a closed terminal); the lines say what was kept."""

    exit_code = ExitStatus.INTERRUPTED


def submodel(annotation: Any) -> type[BaseModel] | None:
    """The Pydantic model inside an annotation such as ``Baby``, ``list[Baby]`` or ``Baby | None``."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return submodel(typing.get_args(annotation)[0])
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = submodel(arg)
            if found is not None:
                return found
    return None


def field_path(model: type[BaseModel], loc: Sequence[int | str]) -> str:
    """Turn a Pydantic error location into plain words: ``('babies', 0, 'birth_weight_g')`` becomes
    ``babies › 1 › birth weight (grams) [babies.0.birth_weight_g]``."""
    words: list[str] = []
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            words.append(str(part + 1))
            continue
        field = current.model_fields.get(part) if current is not None else None
        if field is None:
            # a tag such as 'literal[...]' or a function name from a union branch: not a field
            if current is None or part.startswith(("function-", "literal[", "list[", "union[")):
                continue
            words.append(part)
            current = None
            continue
        words.append(field.title or part.replace("_", " "))
        current = submodel(field.annotation)
    dotted = ".".join(str(p) for p in loc if isinstance(p, int) or not p.startswith(("function-", "literal[")))
    plain = " › ".join(words) if words else "(whole file)"
    return f"{plain} [{dotted}]" if dotted else plain


_PLAIN = {
    "missing": "is required",
    "extra_forbidden": "is not a known field (check the spelling)",
}


def describe_validation_error(
    exc: ValidationError, model: type[BaseModel], label: str, *, name_unknown_keys: bool = True
) -> list[str]:
    """One line per problem: ``FILE: field path: message``. Input values are never echoed; with
    ``name_unknown_keys=False`` (intakes, whose keys may be anything typed) neither is an unknown key."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        message = _PLAIN.get(error["type"]) or error["msg"]
        if error["loc"] and error["loc"][-1] == "email" and error["type"] == "value_error":
            message = "is not a valid email address"  # the validator's own words may quote what was typed
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        loc = error["loc"]
        if error["type"] == "extra_forbidden" and loc and not name_unknown_keys:
            # The unknown key may be anything typed into the file (a name, say): say where, never what.
            where = field_path(model, loc[:-1]) if len(loc) > 1 else "(top level)"
            lines.append(f"{label}: {where}: a field careplan does not know (check the spelling of the field names)")
        elif loc:
            lines.append(f"{label}: {field_path(model, loc)}: {message}")
        else:
            lines.extend(f"{label}: {part}" for part in message.split("; "))
    return lines
