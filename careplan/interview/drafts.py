"""The PDF drafted in the background while the review is read, so it is on disk the moment the consultant confirms."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from careplan.intake import Intake
from careplan.interview.background import Draft
from careplan.interview.partial import (
    intake_data,
)

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:
    from careplan.interview.session import Interview


class Drafts:
    """The session's PDF drafts: one render at a time, the newest kept if the answers have not changed."""

    def __init__(self, session: Interview) -> None:
        self.session = session

    def draft(self) -> None:
        """Render the PDF for the intake as it stands, in the background: if it is saved unchanged, the PDF is
        on disk the moment the consultant confirms."""
        if not self.session.state.render or not self.session.background.render:
            return
        try:
            intake = Intake.model_validate(intake_data(self.session.form, self.session.state))
        except ValidationError:
            return
        key = intake.model_dump_json()
        if self.session.drafts and self.session.drafts[-1].key == key:
            return
        pdf = self.session.state.output.with_suffix(".pdf")
        draft = Draft(key, pdf.with_name(f".{pdf.stem}.draft{len(self.session.drafts)}.pdf"))
        before = self.session.drafts[-1].thread if self.session.drafts else None
        draft.thread = threading.Thread(
            target=self._render_draft, args=(draft, intake, before), name="careplan-interview-draft", daemon=True
        )
        self.session.drafts.append(draft)
        draft.thread.start()

    def _render_draft(self, draft: Draft, intake: Intake, before: threading.Thread | None) -> None:
        if before is not None:
            before.join()  # one render at a time
        self.session.background.done.wait()
        if self.session.background.error is not None:
            return
        try:
            warnings = self.session.background.hooks.write_pdf(intake, draft.path)
        except Exception:  # the render after confirming reports it
            draft.path.unlink(missing_ok=True)
            return
        draft.warnings = list(warnings)
        draft.ok = True

    def use_draft(self, intake: Intake, pdf: Path) -> list[str] | None:
        """Move the draft for this intake into place; None when there is none (then render now)."""
        key = intake.model_dump_json()
        for draft in self.session.drafts:
            if draft.thread is not None:
                draft.thread.join()
        chosen = next((d for d in reversed(self.session.drafts) if d.key == key and d.ok), None)
        if chosen is not None:
            chosen.path.replace(pdf)
        self.discard_drafts()
        return chosen.warnings if chosen is not None else None

    def discard_drafts(self, wait: float | None = None) -> None:
        for draft in self.session.drafts:
            if draft.thread is not None:
                draft.thread.join(wait)
            draft.path.unlink(missing_ok=True)
        self.session.drafts.clear()
