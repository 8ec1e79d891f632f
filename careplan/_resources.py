"""Where careplan's data folders are: inside the installed package (a wheel), or at the top of a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str, marker: str) -> Path:
    """``careplan/<name>`` in a wheel, ``<name>/`` at the top of a source checkout or an editable install; the
    folder must hold ``marker``."""
    for folder in (_PACKAGE / name, _PACKAGE.parent / name):
        if (folder / marker).exists():
            return folder
    raise FileNotFoundError(f"careplan's {name} folder is missing; reinstall careplan")


@cache
def templates_dir() -> Path:
    """The folder with plan.html, plan.css and fonts/."""
    return _find("templates", "plan.html")


@cache
def intake_forms_dir() -> Path:
    """The folder with each plan type's interview questions and example intakes (``<type>/``)."""
    return _find("intake_forms", "intake.schema.json")
