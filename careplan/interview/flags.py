"""Red flags shown the moment the answers raise them, and taken back when an answer changes."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from careplan.intake import Intake
from careplan.interview.common import Flag
from careplan.interview.console import WIDTH
from careplan.interview.nodes import Path_, Question, dotted
from careplan.interview.partial import (
    provisional,
)

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:
    from careplan.interview.session import Interview


class Flags:
    """Red flags shown the moment the answers raise them, and taken back when an answer changes."""

    def __init__(self, session: Interview) -> None:
        self.session = session

    def current_flags(self, wait: bool) -> list[Flag] | None:
        if not self.session.background.ready(wait):
            return None
        try:
            intake = Intake.model_validate(provisional(self.session.form, self.session.answers, self.session.today))
        except ValidationError:
            return None
        names = [b.name for b in intake.babies]
        walk = self.session.form.walk(self.session.answers)
        flags = []
        for raised in self.session.background.hooks.red_flags(intake):
            if (
                raised.kind not in self.session.form.red_flag_kinds
                and raised.id not in self.session.form.red_flag_entries
            ):
                continue
            babies = [i for i, name in enumerate(names) if name in raised.babies] or list(range(len(names)))
            if self._answered(raised.reads, babies, walk.implied):
                flags.append(Flag(raised.id, raised.title, raised.text, raised.babies, raised.kind, raised.findings))
        return flags

    def _answered(self, reads: tuple[str, ...], babies: list[int], implied: dict[str, Any]) -> bool:
        """Only raise a flag once the answers it rests on were given (an unanswered count reads as unknown)."""
        for name in reads:
            root, _, rest = name.partition(".")
            parts = tuple(rest.split(".")) if rest else ()
            paths: list[Path_] = [("babies", i, *parts) for i in babies] if root == "baby" else [(root, *parts)]
            for path in paths:
                node = self.session.form.by_path.get(tuple(p for p in path if isinstance(p, str)))
                if not isinstance(node, Question):
                    continue  # a computed value: it follows from answered fields
                key = dotted(path)
                if key not in self.session.answers and f"{key}#gate" not in self.session.answers and key not in implied:
                    return False
        return True

    def flag_roots(self) -> set[str]:
        """The parts of the intake the red-flag rules read (any answer elsewhere cannot change a red flag)."""
        if self.session.known_flag_roots is None:
            if not self.session.background.ready(wait=False):
                return set()
            kinds, entries = frozenset(self.session.form.red_flag_kinds), frozenset(self.session.form.red_flag_entries)
            self.session.known_flag_roots = self.session.background.hooks.flag_roots(kinds, entries)
        return self.session.known_flag_roots

    def check_red_flags(self, wait: bool = False) -> None:
        flags = self.current_flags(wait=wait)
        self.session.flags_pending = flags is None
        if flags is None:
            return
        now = {(f.id, f.babies): f for f in flags}
        for key, flag in now.items():
            if key not in self.session.flags:
                self.show_flag(flag)
        for key, flag in self.session.flags.items():
            if key not in now:
                self.session.console.say(f"✓ No longer flagged: {flag.summary}", "ok")
        self.session.flags = now

    def show_flag(self, flag: Flag) -> None:
        """A new red flag, boxed, in clinical words; the plan item it adds is named (the parent's wording is in
        the plan, not here)."""
        rule = "─" * (WIDTH - 2)
        self.session.console.say(f"┌{rule}", "alert")
        for line in textwrap.wrap(f"RED FLAG, {flag.summary}", WIDTH - 4):
            self.session.console.say(f"│ {line}", "alert")
        self.session.console.say(f"│ In the plan: {flag.title}", "alert")
        self.session.console.say(f"└{rule}", "alert")

    def status_line(self) -> str | None:
        """Shown above every question while red flags stand: how many, and the most urgent first."""
        if not self.session.flags:
            return None
        flags = sorted(self.session.flags.values(), key=lambda f: f.kind != "urgent")
        text = f"⚑ {len(flags)} red flag{'s' if len(flags) > 1 else ''}: " + " · ".join(f.summary for f in flags)
        return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"

    def show_on_resume(self) -> None:
        """A resumed interview starts with the red flags its answers already raise (waiting for the rules)."""
        if not self.session.answers or self.session.flags:
            return
        self.check_red_flags(wait=True)
