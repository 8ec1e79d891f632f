"""Where the templates, stylesheets and fonts are: inside the installed package, or at the top of a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def templates_dir() -> Path:
    """The folder with plan.html, plan.css and fonts/ (``careplan/templates`` in a wheel, ``templates/`` in a
    source checkout or an editable install)."""
    packaged = Path(__file__).resolve().parent / "templates"
    if (packaged / "plan.html").is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "templates"
    if (checkout / "plan.html").is_file():
        return checkout
    raise FileNotFoundError("careplan's templates are missing; reinstall careplan")
