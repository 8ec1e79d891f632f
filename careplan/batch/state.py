"""A batch's state in OUTDIR/.careplan-batch/: the lock, the manifest of finished PDFs, the workers' journals, and the
temporary files a killed run leaves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careplan._io import PRIVATE_FILE, write_private
from careplan._version import __version__
from careplan.batch.worker import (
    JOURNAL_PREFIX,
    JOURNAL_SUFFIX,
)
from careplan.errors import CareplanError

if TYPE_CHECKING:
    pass


STATE_DIR = ".careplan-batch"


MANIFEST_NAME = "manifest.json"


LOCK_NAME = "lock"


MANIFEST_FORMAT = "careplan-batch/1"


#: Temporary files: a worker's ``.NAME.pdf.RANDOM.part`` and write_private's own ones beside it, and the manifest's.
_PART_FILE = re.compile(r"^\.+(careplan-render-[0-9a-f]+|.*\.pdf|manifest\.json)\..*part$")


@dataclass
class Manifest:
    """What earlier runs in this folder rendered: per input, its fingerprint and PDF; per PDF, its input."""

    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def record(self, key: str, fingerprint_: str, output: str) -> None:
        self.inputs[key] = {"fingerprint": fingerprint_, "output": output}
        self.outputs[output] = key

    def up_to_date(self, key: str, fingerprint_: str, outdir: Path) -> str | None:
        """The PDF's name if this input was rendered with this fingerprint and the PDF is still there."""
        entry = self.inputs.get(key)
        if entry is None or entry.get("fingerprint") != fingerprint_:
            return None
        output = entry.get("output", "")
        return output if output and (outdir / output).is_file() else None

    @classmethod
    def load(cls, path: Path, notes: list[str]) -> Manifest:
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            notes.append(f"{path}: unreadable; every intake is rendered again")
            return cls()
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            notes.append(f"{path}: not a manifest this careplan reads; every intake is rendered again")
            return cls()
        inputs = {
            str(k): {"fingerprint": str(v.get("fingerprint", "")), "output": str(v.get("output", ""))}
            for k, v in dict(data.get("inputs") or {}).items()
            if isinstance(v, dict)
        }
        outputs = {str(k): str(v) for k, v in dict(data.get("outputs") or {}).items()}
        return cls(inputs=inputs, outputs=outputs)

    def replay(self, state: Path, outdir: Path) -> list[Path]:
        """Apply the journals workers wrote (in time order); return the journal files read. A line counts only if
        its PDF is in place with the hash it names (a worker writes the line just before renaming the PDF)."""
        lines: list[dict[str, Any]] = []
        files = sorted(state.glob(f"{JOURNAL_PREFIX}*{JOURNAL_SUFFIX}"))
        for path in files:
            with contextlib.suppress(OSError):
                for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
                    with contextlib.suppress(ValueError):
                        entry = json.loads(text)
                        if isinstance(entry, dict) and {"input", "fingerprint", "output"} <= entry.keys():
                            lines.append(entry)
        hashes: dict[str, str | None] = {}
        for entry in sorted(lines, key=lambda e: float(e.get("time", 0))):
            output = Path(str(entry["output"])).name
            if output not in hashes:
                try:
                    hashes[output] = hashlib.sha256((outdir / output).read_bytes()).hexdigest()
                except OSError:
                    hashes[output] = None
            if hashes[output] is not None and entry.get("pdf_sha256") == hashes[output]:
                self.record(str(entry["input"]), str(entry["fingerprint"]), output)
        return files

    def save(self, path: Path, outdir: Path) -> None:
        """Write the manifest atomically (0600), forgetting PDFs that are no longer there."""
        present = {name for name in self.outputs if (outdir / name).is_file()}
        data = {
            "format": MANIFEST_FORMAT,
            "careplan": __version__,
            "inputs": {k: v for k, v in sorted(self.inputs.items()) if v.get("output") in present},
            "outputs": {k: v for k, v in sorted(self.outputs.items()) if k in present},
        }
        write_private(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


@contextlib.contextmanager
def locked(state: Path, outdir: Path) -> Iterator[None]:
    """Hold the output folder's lock: two batches writing the same folder would fight over names."""
    fd = os.open(state / LOCK_NAME, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CareplanError(
                    [f"{outdir}: another careplan batch is writing to this folder; wait for it to finish"]
                ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_temporary_files(*folders: Path) -> int:
    """Remove the temporary files (``.NAME.XXXX.part``) a killed batch left behind."""
    removed = 0
    for folder in folders:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if _PART_FILE.match(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed += 1
    return removed
