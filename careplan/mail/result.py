"""What a send did, and how it reads for the consultant."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

SendStatus = Literal["sent", "skipped-already-sent", "no-consent", "no-address", "failed", "unknown", "dry-run"]


@dataclass(frozen=True)
class SendResult:
    """What happened to one plan. ``passphrase`` (encrypted PDFs) is for the consultant's eyes only: show it once,
    never log or store it. It is there whenever the message may have reached the parent (sent, unknown) and for a
    dry run's preview."""

    status: SendStatus
    intake: str
    recipient: str | None = None  # masked: r***@example.org
    message_id: str | None = None
    encrypted: bool = False
    passphrase: str | None = field(default=None, repr=False)
    detail: str | None = None
    eml: Path | None = None
    attempts: int = 0
    sent_at: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def problem(self) -> bool:
        """True when the consultant must act: the plan failed, or whether it arrived is unknown."""
        return self.status in ("failed", "unknown")

    def describe(self) -> str:
        """One line for the consultant, without the passphrase."""
        to = f" to {self.recipient}" if self.recipient else ""
        lock = "PDF encrypted" if self.encrypted else "PDF not encrypted, as the parent accepted"
        tries = f"{self.attempts} attempt{'' if self.attempts == 1 else 's'}"
        if self.status == "sent":
            return f"{self.intake}: sent{to}; {lock}; {tries}"
        if self.status == "dry-run":
            return f"{self.intake}: dry run, nothing sent: wrote {self.eml} (would go{to}; {lock})"
        if self.status == "skipped-already-sent":
            return f"{self.intake}: not sent again: {self.detail}"
        if self.status == "no-consent":
            return f"{self.intake}: not sent: the intake records no consent to receive the plan by email"
        if self.status == "no-address":
            return f"{self.intake}: not sent: the intake has no email address for the parent"
        if self.status == "unknown":
            return f"{self.intake}: UNKNOWN whether it arrived{to}: {self.detail}"
        return f"{self.intake}: FAILED{to}: {self.detail}"


PASSPHRASE_NOTE = "read it to the parent by phone; it is shown only now and is not stored"  # noqa: S105


def report_lines(result: SendResult) -> list[str]:
    """What to show the consultant: the result, its warnings, and the PDF's password when there is one (the only
    place it is ever shown). For ``careplan batch --email`` and ``careplan interview --render --email`` too."""
    lines = [result.describe(), *(f"  warning: {warning}" for warning in result.warnings)]
    if result.passphrase is not None:
        if result.status == "dry-run":
            lines.append(f"  password for this preview's PDF only (a real send makes a new one): {result.passphrase}")
        else:
            lines.append(f"  PDF password ({PASSPHRASE_NOTE}): {result.passphrase}")
    return lines


def summary_line(results: list[SendResult]) -> str:
    labels = {
        "sent": "sent",
        "dry-run": "written to the outbox",
        "skipped-already-sent": "already sent",
        "no-consent": "without consent",
        "no-address": "without an address",
        "failed": "failed",
        "unknown": "unknown",
    }
    counts = {label: sum(1 for r in results if r.status == status) for status, label in labels.items()}
    parts = [f"{count} {label}" for label, count in counts.items() if count]
    return "email: " + (", ".join(parts) if parts else "nothing to do")
