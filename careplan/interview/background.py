"""Work done off the prompt path: the hooks' loading and warm-up, and the PDF drafts rendered while the review is read.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from careplan.interview.hooks import Hooks

if TYPE_CHECKING:
    pass


@dataclass
class Draft:
    """A PDF rendered in the background while the review is on the screen, for the intake as it stands."""

    key: str  # the intake's JSON: the draft is used only if the saved intake is the same
    path: Path
    thread: threading.Thread | None = None
    ok: bool = False
    warnings: list[str] = field(default_factory=list)


class Background:
    """Runs the hooks' loading (the library; then, for a PDF, the renderer's warm-up) off the prompt path."""

    def __init__(self, hooks: Hooks, render: bool, warm_up: bool, freeze: bool = True) -> None:
        self.hooks = hooks
        self.render = render and warm_up
        self.freeze = freeze
        self.error: BaseException | None = None
        self.warm_up_error: BaseException | None = None
        self.loaded = threading.Event()
        self.done = threading.Event()
        self.go = threading.Event()
        self.thread = threading.Thread(target=self._run, name="careplan-interview-warm-up", daemon=True)
        self.thread.start()

    def start(self) -> None:
        """Begin loading (called once the first prompt is on the screen, so it does not slow that one down)."""
        self.go.set()

    def _run(self) -> None:
        self.go.wait()
        try:
            self.hooks.load()
        except BaseException as exc:  # reported when the library is needed
            self.error = exc
        finally:
            self.loaded.set()
        try:
            if self.render:
                self.hooks.warm_up()
        except BaseException as exc:  # the render itself will report it
            self.warm_up_error = exc
        finally:
            if self.freeze:
                # What is loaded now lives as long as the process: keep the garbage collector from walking it
                # again and again (full collections otherwise pause a prompt for about 0.1 s).
                gc.freeze()
            self.done.set()

    def ready(self, wait: bool) -> bool:
        """Whether the hooks have loaded; with ``wait``, wait for them (and raise what stopped them)."""
        if not wait and not self.loaded.is_set():
            return False
        self.start()
        self.loaded.wait()
        if self.error is not None:
            if wait:
                raise self.error
            return False
        return True
