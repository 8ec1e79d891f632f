"""careplan: evidence-based relactation care plans for lactation consultants.

The public API follows the data, one function per step::

    intake = load_intake("intake.json")     # careplan.intake
    library = load_library()                 # careplan.rules.library
    plan = build_plan(intake, library)       # careplan.rules.engine

Every name is imported on first use, so ``import careplan`` (and ``careplan --help``) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from careplan._version import __version__

if TYPE_CHECKING:
    from careplan.errors import CareplanError, InputError, LibraryError
    from careplan.intake import Intake, load_intake, parse_intake
    from careplan.plan import Plan
    from careplan.rules.engine import build_plan
    from careplan.rules.library import Library, load_library

__all__ = [
    "CareplanError",
    "InputError",
    "Intake",
    "Library",
    "LibraryError",
    "Plan",
    "__version__",
    "build_plan",
    "load_intake",
    "load_library",
    "parse_intake",
]

_LAZY = {
    "CareplanError": "careplan.errors",
    "InputError": "careplan.errors",
    "LibraryError": "careplan.errors",
    "Intake": "careplan.intake",
    "load_intake": "careplan.intake",
    "parse_intake": "careplan.intake",
    "Library": "careplan.rules.library",
    "load_library": "careplan.rules.library",
    "Plan": "careplan.plan",
    "build_plan": "careplan.rules.engine",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'careplan' has no attribute {name!r}")
