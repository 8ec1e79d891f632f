"""Files and folders that hold health information: owner-only, and all or nothing.

A file is written to a temporary name beside its target (``.NAME.RANDOM.part``) and renamed into place only once
it is complete and on disk, so a crash, a full disk or Ctrl-C never leaves half a file, and an existing file is
kept until the new one is whole. Files are 0600; a folder careplan creates is 0700.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from careplan.errors import WriteError

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
#: The suffix of every temporary file careplan writes (batch clean-up looks for it).
PART_SUFFIX = ".part"


def why_not(exc: OSError) -> str:
    """A failed write in plain words."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a file stands where a folder should be",
    errno.EEXIST: "a file stands where a folder should be",
    errno.ENAMETOOLONG: "the name is too long",
}


def private_folder(folder: str | Path) -> Path:
    """Create ``folder`` and any missing parents, each owner-only (0700); an existing folder is left as it is.
    Raises :class:`~careplan.errors.WriteError` (an OSError) naming the folder and why."""
    folder = Path(folder)
    try:
        return _make_folders(folder)
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError([f"{folder}: cannot create the folder: {why_not(exc)}"]) from None


def _make_folders(folder: Path) -> Path:
    missing = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:
            if not path.is_dir():
                raise
        else:
            os.chmod(path, PRIVATE_FOLDER)  # mkdir's mode is filtered by the umask
    return folder


def write_private(target: str | Path, content: bytes | Callable[[Path], None]) -> Path:
    """Write ``content`` (bytes, or a function that writes to the path it is given) to ``target``, owner-only,
    all or nothing: a short write, a full disk or a read-only folder leaves no temporary file and the old
    ``target`` as it was, and raises :class:`~careplan.errors.WriteError` naming the file and why. A missing
    folder is created owner-only."""
    target = Path(target)
    try:
        return _write(target, content)
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError([f"{target}: not written: {why_not(exc)}"]) from None


def _write(target: Path, content: bytes | Callable[[Path], None]) -> Path:
    folder = private_folder(target.parent if str(target.parent) else Path("."))
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PART_SUFFIX, dir=folder)
    temp = Path(temp_name)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        if isinstance(content, bytes):
            with os.fdopen(fd, "wb") as handle:
                fd = -1
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            os.close(fd)
            fd = -1
            content(temp)
            os.chmod(temp, PRIVATE_FILE)
            with temp.open("rb") as handle:
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    return target


def load_yaml(text: str) -> Any:
    """Safe YAML, read with PyYAML's C parser when it is built in (several times faster), else the Python one.
    Raises yaml.YAMLError."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def read_capped(path: Path, limit: int) -> bytes:
    """A file's bytes, only if it is a regular file of at most ``limit`` bytes: a FIFO or a device would block or
    never end, and a huge file is not what careplan reads. Raises ValueError with the reason in words (the caller
    names the file), or OSError when it cannot be read."""
    import stat

    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    if info.st_size > limit:
        raise ValueError(f"larger than {limit // 1024} KB")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // 1024} KB")
    return data
