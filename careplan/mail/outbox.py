"""The ways in to sending: many intakes for `careplan email` (each rendered by the caller, or its PDF given), rendered
plans after `batch --email` or `interview --render --email`, and the ledger's status.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from careplan.errors import CareplanError
from careplan.intake import Intake
from careplan.mail.credentials import resolve_password
from careplan.mail.ledger import SCRATCH_PREFIX, Ledger
from careplan.mail.message import ATTACHMENT_NAME, smtp_settings
from careplan.mail.result import SendResult, summary_line
from careplan.mail.send import email_gate, open_ledger, send_plan
from careplan.mail.transport import MailSetupError
from careplan.practice import Practice


@dataclass(frozen=True)
class EmailRequest:
    """What ``careplan email`` was asked to do."""

    intakes: list[Path]
    pdf: Path | None = None
    dry_run: bool = False
    outbox: Path | None = None
    encrypt: bool = False
    resend_unknown: bool = False
    resend_changed: bool = False
    libraries: tuple[Path, ...] = ()


@dataclass(frozen=True)
class EmailOutcome:
    results: list[SendResult]

    @property
    def problem(self) -> bool:
        return any(r.problem for r in self.results)

    @property
    def summary(self) -> str:
        return summary_line(self.results)


#: Makes the plan PDF for an intake at the path given (mail never renders: the caller brings the renderer).
RenderPlan = Callable[[Intake, Path, Practice], Path]


Say = Callable[[str], None]


def warn_recovered(ledger: Ledger, warn: Say) -> None:
    for row in ledger.recovered:
        warn(
            f"warning: {row.intake} to {row.recipient}: careplan stopped while sending it; it may or may "
            "not have arrived (now marked unknown)"
        )


def ledger_status(practice_file: Path | None, warn: Say) -> list[str]:
    """The plans the send ledger knows, one line each (``careplan email --status``)."""
    from careplan.practice import load_practice

    with open_ledger(load_practice(practice_file)) as ledger:
        warn_recovered(ledger, warn)
        rows = ledger.rows()
        if not rows:
            return [f"no plans in the send ledger ({ledger.path})"]
        return [row.line() for row in rows]


def email_intakes(
    request: EmailRequest,
    practice_file: Path | None,
    *,
    render: RenderPlan,
    warn: Say,
    shown: Callable[[SendResult], None],
) -> EmailOutcome:
    """Email each intake's plan (the PDF given, or one ``render`` makes in a private scratch folder) to its
    parent, once, with consent. ``shown`` is called with each result as it comes."""
    from careplan.practice import load_practice

    loaded = load_practice(practice_file)
    with open_ledger(loaded) as ledger:
        warn_recovered(ledger, warn)
        smtp = smtp_settings(loaded)
        password = resolve_password(smtp) if not request.dry_run else None
        results = []
        for path in request.intakes:
            result = email_one(path, request, loaded, ledger, password=password, render=render, warn=warn)
            shown(result)  # at once: a PDF's password is shown only here, and a later failure must not lose it
            results.append(result)
    return EmailOutcome(results)


def email_one(
    path: Path,
    request: EmailRequest,
    practice: Practice,
    ledger: Ledger,
    *,
    password: str | None,
    render: RenderPlan,
    warn: Say,
) -> SendResult:
    from careplan.intake import load_intake

    try:
        intake = load_intake(path)
    except CareplanError as exc:
        for line in exc.lines:
            warn(line)
        return SendResult("failed", path.name, detail="the intake could not be read")
    gate = email_gate(intake)
    if gate is not None:
        return SendResult(gate, path.name)
    # The plan is rendered into the ledger's own folder (0700), never the shared temporary folder: a kill here
    # leaves it only where the family's other records are, and the next run removes it (Ledger.__init__).
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=ledger.folder) as scratch:
        plan_pdf = request.pdf
        if plan_pdf is None:
            try:
                plan_pdf = render(intake, Path(scratch) / ATTACHMENT_NAME, practice)
            except CareplanError as exc:  # this plan only; the others go on
                for line in exc.lines:
                    warn(line)
                return SendResult("failed", path.name, detail="the plan could not be rendered")
        return send_plan(
            intake,
            plan_pdf,
            practice,
            ledger=ledger,
            dry_run=request.dry_run,
            outbox=request.outbox,
            force_encrypt=request.encrypt,
            password=password,
            intake_name=path.name,
            resend_unknown=request.resend_unknown,
            resend_changed=request.resend_changed,
        )


def send_plans(
    plans: Sequence[tuple[Intake, Path, str]], practice_file: Path, shown: Callable[[SendResult], None]
) -> list[SendResult]:
    """Email rendered plans (intake, PDF, intake file name) to their parents, with consent, each once: the one
    sending loop behind ``batch --email`` and ``interview --render --email``. ``shown`` gets each result at once."""
    from careplan.practice import load_practice

    loaded = load_practice(practice_file)
    if loaded.smtp is None:
        raise MailSetupError([f"{practice_file}: no [smtp] section; see `careplan practice init`"])
    password = resolve_password(loaded.smtp)
    results = []
    with open_ledger(loaded) as ledger:
        for intake, pdf, name in plans:
            results.append(send_plan(intake, pdf, loaded, ledger=ledger, password=password, intake_name=name))
            shown(results[-1])
    return results
