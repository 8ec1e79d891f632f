"""Progress for ``careplan batch`` on standard error: a bar on a terminal, plain lines in a log.

Only counts and times are shown, never a name or anything else from an intake.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts renders as they finish and works out the rate and the time left. Subclasses show it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0  # plans to render in this run
        self.done = 0
        self.failed = 0
        self.started = time.monotonic()

    def begin(self, *, inputs: int, to_render: int, skipped: int, failed: int, where: str) -> None:
        """Before the first render: ``failed`` are inputs already refused (unreadable or invalid)."""
        self.total = to_render
        self.started = time.monotonic()
        self.failed = 0

    def advance(self, status: str) -> None:
        self.done += 1
        if status == "failed":
            self.failed += 1

    def tick(self) -> None:
        """Called about once a second while waiting, so a terminal's clock keeps moving."""

    def note(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def end(self) -> None:
        """After the last render (or on interruption)."""

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Plans per second so far (0 until the first one finishes)."""
        return self.done / self.elapsed if self.done and self.elapsed > 0 else 0.0

    @property
    def left(self) -> float | None:
        rate = self.rate
        return (self.total - self.done) / rate if rate else None

    def status_text(self) -> str:
        rate = f"{self.rate:.2f} plans/s" if self.done else "starting"
        left = self.left
        eta = f", {_clock(left)} left" if left is not None and self.done < self.total else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return f"{self.done}/{self.total} rendered{failed}, {rate}{eta}"


class QuietProgress(Progress):
    """No progress output (the summary is still printed)."""

    def note(self, line: str) -> None:
        pass


class LineProgress(Progress):
    """Plain lines for logs and pipes: one at the start, then about every ``every`` seconds and at 10% steps."""

    def __init__(self, stream: TextIO, every: float = 30.0) -> None:
        super().__init__(stream)
        self.every = every
        self.last_line = 0.0
        self.last_step = 0

    def begin(self, *, inputs: int, to_render: int, skipped: int, failed: int, where: str) -> None:
        super().begin(inputs=inputs, to_render=to_render, skipped=skipped, failed=failed, where=where)
        parts = [f"{inputs} intake{'s' if inputs != 1 else ''}"]
        if skipped:
            parts.append(f"{skipped} up to date")
        if failed:
            parts.append(f"{failed} refused")
        self.note(f"careplan batch: {', '.join(parts)}; rendering {to_render} on {where}")
        self.last_line = time.monotonic()

    def advance(self, status: str) -> None:
        super().advance(status)
        step = self.done * 10 // max(1, self.total)
        if step > self.last_step or time.monotonic() - self.last_line >= self.every:
            self.last_step = step
            self._line()

    def tick(self) -> None:
        if self.total and time.monotonic() - self.last_line >= self.every:
            self._line()

    def _line(self) -> None:
        self.last_line = time.monotonic()
        self.note(f"careplan batch: {self.status_text()}")


class BarProgress(Progress):
    """A one-line bar redrawn in place on a terminal: count, bar, rate, time left."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.drawn = False

    def begin(self, *, inputs: int, to_render: int, skipped: int, failed: int, where: str) -> None:
        super().begin(inputs=inputs, to_render=to_render, skipped=skipped, failed=failed, where=where)
        extra = "".join(
            [f", {skipped} up to date" if skipped else "", f", {failed} refused" if failed else ""]
        )
        self.note(f"Rendering {to_render} of {inputs} intakes{extra} on {where}")
        self._draw()

    def advance(self, status: str) -> None:
        super().advance(status)
        self._draw()

    def tick(self) -> None:
        self._draw()

    def note(self, line: str) -> None:
        self._clear()
        super().note(line)
        if self.drawn:
            self._draw()

    def end(self) -> None:
        if self.drawn:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[2K")

    def _draw(self) -> None:
        if not self.total:
            return
        width = shutil.get_terminal_size((80, 20)).columns
        text = self.status_text()
        bar_width = max(10, min(40, width - len(text) - 12))
        filled = bar_width * self.done // self.total
        bar = "#" * filled + "-" * (bar_width - filled)
        percent = 100 * self.done // self.total
        line = f"[{bar}] {percent:3d}% {text}"[: max(20, width - 1)]
        self.stream.write(f"\r\x1b[2K{line}")
        self.stream.flush()
        self.drawn = True


def progress_for(stream: TextIO, *, quiet: bool = False) -> Progress:
    """A bar on a terminal, plain lines otherwise, nothing with ``quiet``."""
    if quiet:
        return QuietProgress(stream)
    isatty = getattr(stream, "isatty", None)
    return BarProgress(stream) if isatty is not None and isatty() else LineProgress(stream)
