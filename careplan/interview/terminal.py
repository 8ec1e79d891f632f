"""The interview's terminal: the check that there is one, SIGHUP and SIGTERM as a clean stop, garbage collection while
a prompt waits, the file names and the resume command it suggests, and the terminal put right after a kill -9.

Nothing can run in a process killed with ``kill -9``, so a terminal it left without echo cannot be restored by it.
Instead, while an interview runs on a terminal, :func:`running` keeps a small marker in careplan's state folder
(``$XDG_STATE_HOME/careplan/running``, else ``~/.local/state/careplan/running``; 0700, files 0600): the process id,
the partial file's path and the terminal's modes, never an answer. The next interview's start
(:func:`recover_terminal`) makes its terminal usable again, finds the markers whose process is gone, puts back
their terminal modes when it is the same terminal, says where their answers are and how to continue, and removes
them. Markers of live processes (or of another machine, on a shared home folder) are left alone.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shlex
import shutil
import signal
import sys
import termios
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from careplan._io import write_private
from careplan.errors import CareplanError

IDLE_GC_AFTER = 0.05  # seconds after a prompt appears
MARKER_FORMAT = "careplan-interview-running"
#: What a killed full-screen program leaves off and ``stty sane`` turns back on: echo, line editing, Ctrl-C and
#: Ctrl-Z, Enter read as a new line, and output new lines as carriage return + line feed.
SANE_LFLAG = termios.ECHO | termios.ECHOE | termios.ECHOK | termios.ICANON | termios.ISIG | termios.IEXTEN
SANE_IFLAG_ON = termios.ICRNL
SANE_IFLAG_OFF = termios.INLCR | termios.IGNCR
SANE_OFLAG = termios.OPOST | termios.ONLCR

Modes = list[Any]  # termios.tcgetattr's list: iflag, oflag, cflag, lflag, ispeed, ospeed, control characters


class NoTerminal(CareplanError):
    """The interview needs a terminal and there is none."""


class Hangup(KeyboardInterrupt):
    """The terminal was closed (SIGHUP) or the process was asked to stop (SIGTERM)."""


async def collect_when_idle() -> None:
    import asyncio

    await asyncio.sleep(IDLE_GC_AFTER)
    gc.collect()


def default_output(now: float | None = None) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return Path(f"intake-{stamp}.json")


# --------------------------------------------------------------------------------------------------------------
# The resume command
# --------------------------------------------------------------------------------------------------------------


def program() -> list[str]:
    """How to run careplan again, as this process was run: the program path typed (``.venv/bin/careplan``), just
    ``careplan`` when that is what PATH finds, ``python -m careplan`` for that; ``sys.executable -m careplan`` when
    careplan runs inside another program."""
    argv0 = sys.argv[0] if sys.argv else ""
    path = Path(argv0)
    if path.name == "__main__.py" and path.parent.name == "careplan":
        return [sys.executable, "-m", "careplan"]
    if not argv0 or not path.name.lower().startswith("careplan"):
        return [sys.executable, "-m", "careplan"]
    if path.is_absolute() and _found_on_path(path):
        return [path.name]
    return [argv0]


def _found_on_path(program_path: Path) -> bool:
    found = shutil.which(program_path.name)
    try:
        return found is not None and os.path.samefile(found, program_path)
    except OSError:
        return False


def resume_command(partial: Path) -> str:
    """The command line that continues the interview saved in ``partial``, quoted for a POSIX shell."""
    return shlex.join([*program(), "interview", "--resume", str(partial)])


# --------------------------------------------------------------------------------------------------------------
# Signals and the terminal check
# --------------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def signals(enabled: bool) -> Iterator[None]:
    """A closed terminal (SIGHUP) or a polite kill (SIGTERM) stops the interview like Ctrl-C."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        hangup = Hangup("terminal closed" if signum == signal.SIGHUP else "asked to stop")
        # Inside a prompt, raising here could land in one of prompt_toolkit's event-loop callbacks, which would
        # report it and carry on; ask the running prompt to end with it instead.
        from prompt_toolkit.application.current import get_app_or_none

        app = get_app_or_none()
        if app is not None and app.is_running:
            with contextlib.suppress(Exception):
                app.exit(exception=hangup)
                return
        raise hangup

    saved = {sig: signal.signal(sig, stop) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def require_terminal() -> None:
    for name, stream in (("standard input", sys.stdin), ("standard output", sys.stdout)):
        try:
            is_tty = stream is not None and stream.isatty()
        except (ValueError, OSError):
            is_tty = False
        if not is_tty:
            raise NoTerminal(
                [
                    f"careplan interview needs a terminal, and {name} is not one.",
                    "To make a plan from an intake you already have as JSON:",
                    "  careplan validate INTAKE.json && careplan render INTAKE.json -o PLAN.pdf",
                ]
            )


# --------------------------------------------------------------------------------------------------------------
# Terminal modes
# --------------------------------------------------------------------------------------------------------------


def get_modes(fd: int) -> Modes | None:
    """The terminal's modes, control characters as numbers (so they can be kept as JSON); None if not a terminal."""
    try:
        modes = termios.tcgetattr(fd)
    except (termios.error, OSError, ValueError):
        return None
    return [*modes[:6], [c[0] if isinstance(c, bytes) else int(c) for c in modes[6]]]


def set_modes(fd: int, modes: Any) -> bool:
    """Put back modes from :func:`get_modes`; False when they are not such modes or the terminal refuses them."""
    if not (isinstance(modes, list) and len(modes) == 7 and all(isinstance(m, int) for m in modes[:6])
            and isinstance(modes[6], list) and all(isinstance(c, int) and 0 <= c < 256 for c in modes[6])):
        return False
    try:
        termios.tcsetattr(fd, termios.TCSANOW, [*modes[:6], [bytes([c]) for c in modes[6]]])
    except (termios.error, OSError, ValueError, TypeError):
        return False
    return True


def make_sane(fd: int) -> None:
    """Echo, line editing and Ctrl-C back on, as ``stty sane`` would, if anything left them off (a program killed
    while it read keys one at a time); a terminal already sane is not touched."""
    modes = get_modes(fd)
    if modes is None:
        return
    sane = [(modes[0] | SANE_IFLAG_ON) & ~SANE_IFLAG_OFF, modes[1] | SANE_OFLAG, modes[2], modes[3] | SANE_LFLAG,
            *modes[4:]]
    if sane != modes:
        set_modes(fd, sane)


def tty_name(fd: int) -> str | None:
    try:
        return os.ttyname(fd)
    except (OSError, ValueError):
        return None


def stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno() if sys.stdin is not None else None
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------------------------------------------
# The running-interview marker
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A running interview, as its marker file says (no answers: where they are saved, and the terminal's modes)."""

    path: Path
    pid: int
    host: str
    started: str | None  # when the process started (Linux), so that a reused process id is not taken for it
    partial: Path
    tty: str | None
    modes: Any


def marker_folder() -> Path | None:
    base = os.environ.get("XDG_STATE_HOME")
    try:
        root = Path(base).expanduser() if base else Path.home() / ".local" / "state"
    except RuntimeError:  # no home folder
        return None
    return root / "careplan" / "running"


def process_start(pid: int) -> tuple[str, str] | None:
    """(state, start time) of a process from /proc (Linux); None where there is no /proc or no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return (fields[0], fields[19]) if len(fields) > 19 else None


def is_alive(pid: int, started: str | None) -> bool:
    """Whether the process is still running (a zombie, or another process given the same id, is not)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    proc = process_start(pid)
    if proc is not None:
        return proc[0] != "Z" and (started is None or proc[1] == started)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def write_marker(partial: Path, fd: int | None, folder: Path | None) -> Path | None:
    """Note that this process runs an interview on this terminal; the marker's path, or None if it cannot be kept."""
    folder = folder if folder is not None else marker_folder()
    if folder is None:
        return None
    pid = os.getpid()
    proc = process_start(pid)
    document = {
        "format": MARKER_FORMAT,
        "pid": pid,
        "host": os.uname().nodename,
        "started": proc[1] if proc else None,
        "partial": str(partial),
        "tty": tty_name(fd) if fd is not None else None,
        "modes": get_modes(fd) if fd is not None else None,
    }
    path = folder / f"interview-{pid}.json"
    try:
        write_private(path, json.dumps(document).encode("utf-8"))
    except (OSError, CareplanError):
        return None
    return path


def read_marker(path: Path) -> Marker | None:
    try:
        document = json.loads(path.read_bytes()[:65536])
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("format") != MARKER_FORMAT:
        return None
    pid, partial, started, tty = (document.get(k) for k in ("pid", "partial", "started", "tty"))
    if not isinstance(pid, int) or not isinstance(partial, str):
        return None
    return Marker(path=path, pid=pid, host=str(document.get("host")), started=started if isinstance(started, str)
                  else None, partial=Path(partial), tty=tty if isinstance(tty, str) else None,
                  modes=document.get("modes"))


def stale_markers(folder: Path | None = None) -> list[Marker]:
    """The markers of interviews on this machine whose process is gone (killed before it could remove them)."""
    folder = folder if folder is not None else marker_folder()
    if folder is None:
        return []
    try:
        paths = sorted(folder.glob("interview-*.json"))
    except OSError:
        return []
    markers = [m for m in map(read_marker, paths) if m is not None]
    return [m for m in markers if m.host == os.uname().nodename and not is_alive(m.pid, m.started)]


@contextlib.contextmanager
def running(partial: Path, enabled: bool, fd: int | None = None, folder: Path | None = None) -> Iterator[None]:
    """While the interview runs on a terminal, a marker says so; it is removed however the interview ends, except
    by kill -9, which is what the next start's :func:`recover_terminal` looks for."""
    marker = write_marker(partial, stdin_fd() if fd is None else fd, folder) if enabled else None
    try:
        yield
    finally:
        if marker is not None:
            with contextlib.suppress(OSError):
                marker.unlink(missing_ok=True)


def recover_terminal(resume: Path | None = None, fd: int | None = None, folder: Path | None = None) -> list[str]:
    """At the start of an interview on a terminal: put right what a killed interview (or any killed program) left
    on it, and for each interview killed without closing, the line saying where its answers are and how to continue
    (none for the one being resumed)."""
    fd = stdin_fd() if fd is None else fd
    here = tty_name(fd) if fd is not None else None
    lines: list[str] = []
    for marker in stale_markers(folder):
        if fd is not None and here is not None and marker.tty == here:
            set_modes(fd, marker.modes)
        with contextlib.suppress(OSError):
            marker.path.unlink(missing_ok=True)
        if resume is None or os.path.abspath(resume) != os.path.abspath(marker.partial):
            lines.append(stopped_line(marker.partial))
    if fd is not None:
        make_sane(fd)
    return lines


def stopped_line(partial: Path) -> str:
    if not partial.exists():
        return "The last interview stopped without closing, before any answer was saved."
    command = resume_command(partial)
    return f"The last interview stopped without closing (saved to {partial}); continue it with: {command}"
