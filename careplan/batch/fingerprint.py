"""What a plan depends on besides its intake: careplan's code, the library, the templates and fonts, the practice, the
PDF variant.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careplan._version import __version__

if TYPE_CHECKING:
    from careplan.practice import Practice


def _feed(hasher: Any, label: str, data: bytes) -> None:
    hasher.update(f"{label}\0{len(data)}\0".encode())
    hasher.update(data)


def _feed_tree(hasher: Any, label: str, folder: Path) -> None:
    if not folder.is_dir():
        _feed(hasher, label, b"(missing)")
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts) or path.suffix == ".pyc":
            continue
        if path.is_file():
            _feed(hasher, f"{label}/{relative.as_posix()}", path.read_bytes())


def settings_digest(practice_file: Path | None, practice: Practice, libraries: Sequence[Path], variant: str) -> str:
    """A digest of everything a plan depends on besides its intake: careplan (version, code, built-in library,
    medicine names), the templates, stylesheet and fonts, the practice file with its logo and templates, any
    practice library folders, the WeasyPrint version and the PDF variant. A change to any of them re-renders."""
    from importlib.metadata import PackageNotFoundError, version

    from careplan._resources import templates_dir

    hasher = hashlib.sha256()
    _feed(hasher, "careplan", __version__.encode())
    try:
        _feed(hasher, "weasyprint", version("weasyprint").encode())
    except PackageNotFoundError:  # pragma: no cover
        _feed(hasher, "weasyprint", b"?")
    _feed(hasher, "variant", variant.encode())
    _feed_tree(hasher, "code", Path(__file__).resolve().parent)
    _feed_tree(hasher, "templates", templates_dir())
    for number, folder in enumerate(libraries):
        _feed_tree(hasher, f"library{number}", folder)
    if practice_file is not None:
        _feed(hasher, "practice", practice_file.read_bytes())
    if practice.logo is not None:
        _feed(hasher, "logo", practice.logo.read_bytes())
    if practice.templates is not None:
        _feed_tree(hasher, "practice-templates", practice.templates)
    return hasher.hexdigest()
