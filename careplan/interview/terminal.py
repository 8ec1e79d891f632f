"""The interview's terminal: the check that there is one, SIGHUP and SIGTERM as a clean stop, garbage collection while
a prompt waits, and the file names it suggests.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careplan.errors import CareplanError

if TYPE_CHECKING:
    pass


IDLE_GC_AFTER = 0.05  # seconds after a prompt appears


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


def resume_command(partial: Path) -> str:
    return f"careplan interview --resume {partial}"


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
