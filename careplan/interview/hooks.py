"""What the interview needs from the rest of careplan, given to it rather than imported.

The interview knows the intake and its form; it does not know the rules, the library or the renderer. The CLI
composes a :class:`Hooks` (``careplan.pipeline.PlanHooks``) and passes a factory for it to
:func:`~careplan.interview.session.run_interview`; a test can pass any object of this shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from careplan.intake import Intake


@dataclass(frozen=True)
class RedFlag:
    """An urgent item or a referral the answers so far raise."""

    id: str
    kind: str  # the library entry's kind: "urgent", "referral", ...
    title: str
    text: str
    babies: tuple[str, ...]  # the babies it is about (names), all of them when empty
    reads: tuple[str, ...]  # the intake values its conditions read ("baby.wet_diapers_24h", "consult.date", ...)
    findings: tuple[str, ...] = ()  # for the consultant: the conditions that held ("lost over 10 percent (11.2)")


class Hooks(Protocol):
    def load(self) -> None:
        """Load what red flags and the plan need (run in a background thread while questions are asked)."""

    def warm_up(self) -> None:
        """Prepare the PDF step, so the PDF is written quickly after the last answer (background thread)."""

    def red_flags(self, intake: Intake) -> list[RedFlag]:
        """The urgent items and referrals the intake raises."""

    def flag_roots(self, kinds: frozenset[str], entries: frozenset[str]) -> set[str]:
        """The parts of the intake ('babies', 'health', ...) the red-flag entries of these kinds or ids read."""

    def write_pdf(self, intake: Intake, pdf: Path) -> list[str]:
        """Write the plan's PDF for the intake; the renderer's warnings."""

    def finish(self, intake: Intake) -> tuple[Any, list[str]]:
        """The plan for the final intake, and a few lines that sum it up for the consultant (urgent first)."""


#: Makes the hooks for an interview from its settings (kept in the partial file, so a resumed interview gets
#: the same): the practice's library folders, the practice file, whether a PDF is wanted, and the plan type.
HooksFactory = Callable[[tuple[Path, ...], Path | None, bool, str], Hooks]
