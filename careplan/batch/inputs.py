"""The inputs of a batch: intake files, folders of them and globs, each named as the user gave it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from careplan.batch.state import STATE_DIR

if TYPE_CHECKING:
    pass


_GLOB_CHARS = frozenset("*?[")


def expand_inputs(
    specs: Sequence[str | Path], exclude: Sequence[Path] = ()
) -> tuple[list[tuple[str, Path]], list[str]]:
    """Files, folders (their ``*.json`` files, not subfolders) and globs (``**`` recurses) -> (label, absolute
    path) pairs, each file once, and notes for folders and patterns that found nothing.

    A path that does not exist and is not a pattern is kept: it fails with "no such file", like a missing file
    given to ``careplan validate``.
    """
    import glob

    skip = {p.resolve() for p in exclude}
    found: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    notes: list[str] = []

    def add(label: str, path: Path) -> None:
        # A link that loops or leads nowhere is kept as given, so reading it says so.
        resolved = path.absolute() if path.is_symlink() and not path.exists() else path.resolve()
        if resolved not in seen and resolved not in skip and STATE_DIR not in resolved.parts:
            seen.add(resolved)
            found.append((label, resolved))

    for spec in map(str, specs):
        path = Path(spec)
        if path.is_dir():
            matches = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith("."))
            matches = [p for p in matches if p.is_file()]
            if not matches:
                notes.append(f"{spec}: no .json files in this folder")
            for match in matches:
                add(str(match), match)
        elif not path.exists() and _GLOB_CHARS & set(spec):
            hits = [Path(p) for p in sorted(glob.glob(spec, recursive=True))]
            hits = [p for p in hits if p.is_file()]
            if not hits:
                notes.append(f"{spec}: matches no files")
            for hit in hits:
                add(str(hit), hit)
        else:
            add(spec, path)
    return found, notes
