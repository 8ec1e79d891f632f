"""Writing files that hold health information: owner-only (0600), and all or nothing.

A file is written to a temporary name beside its target and renamed into place only once it is complete, so a
crash, a full disk or Ctrl-C never leaves half a file, and an existing file is kept until the new one is whole.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

PRIVATE = 0o600


def write_atomic(target: str | Path, content: bytes | Callable[[Path], None]) -> Path:
    """Write ``content`` (bytes, or a function that writes to the path it is given) to ``target``."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    temp = Path(temp_name)
    try:
        os.fchmod(fd, PRIVATE)
        if isinstance(content, bytes):
            os.write(fd, content)
            os.close(fd)
        else:
            os.close(fd)
            content(temp)
            os.chmod(temp, PRIVATE)
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    return target
