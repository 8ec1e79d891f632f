"""Emailing a plan to the parent: consent first, no health details in the message, encrypted and verified, once.

The library function is :func:`send_plan` (``careplan email``, ``careplan batch --email`` and
``careplan interview --render --email`` all use it, through :func:`email_intakes` and :func:`send_plans`). The
command is in :mod:`careplan.cli.email`; mail never renders a plan: it is given the PDF, or a function that
makes it.

The rules it keeps:

* **Consent.** No ``consent.email_plan`` in the intake, no email. The PDF goes unencrypted only where the intake
  records ``consent.unencrypted_email_accepted`` (the parent accepted it after a warning); otherwise it is encrypted
  (AES-256) with a random password that is returned once, for the consultant to give the parent by phone. It is
  never written anywhere: not to the ledger, not to a file, not to a log.
* **No health details in the message.** The subject is "Your care plan from <practice>"; the bodies come from the
  ``email.txt`` and ``email.html`` templates (a practice may override them; they run in Jinja's sandbox) and see
  only the practice's details, never the intake or the plan. The attachment is called ``care-plan.pdf``. The
  recipient is the intake's address alone, without a name.
* **The right person.** The address comes from the intake only, and a PDF given with ``--pdf`` must carry that
  same intake (careplan embeds it in every plan), so one family's plan cannot go to another.
* **Once.** A SQLite ledger (:mod:`careplan.mail.ledger`) keyed by the plan PDF and the address: a plan already sent is
  skipped; a send interrupted mid-way is *unknown* and not repeated unless asked (``--resend-unknown``); a new
  version of an already-sent plan (same intake and address, different PDF) waits for ``--resend-changed``. The
  Message-ID is derived from the same key, so a duplicate that slips through can be recognised by mail clients.
* **Failures.** Temporary ones (4xx, timeouts, refused connections) are retried with exponential backoff;
  permanent ones (5xx, refused recipient, bad login, unverifiable certificate) are reported at once; in a batch one
  failure never stops the others.

Long on purpose: the send rules (consent, the check that the PDF is this family's, the ledger claim, retries, what
each outcome means) are read together; each function is one step of them.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email import policy
from pathlib import Path
from typing import Literal

from careplan._io import private_folder, write_private
from careplan.errors import CareplanError
from careplan.intake import Intake
from careplan.mail.credentials import encrypt_pdf, new_passphrase, resolve_password
from careplan.mail.keys import intake_key, message_id_for, normalise_address, plan_key
from careplan.mail.ledger import SCRATCH_PREFIX, Ledger, LedgerRow, default_data_folder
from careplan.mail.message import ATTACHMENT_NAME, build_message, needs_smtputf8, smtp_settings
from careplan.mail.result import SendResult, SendStatus, summary_line
from careplan.mail.transport import AttemptProgress, MailSetupError, deliver, mask_address
from careplan.practice import Practice, Smtp

DEFAULT_ATTEMPTS = 4
BACKOFF_SECONDS = 2.0


class PlanMismatch(CareplanError):
    """The PDF was not made from this intake."""


# ---------------------------------------------------------------------------------------------------------------
# Consent, addresses, keys
# ---------------------------------------------------------------------------------------------------------------


def email_gate(intake: Intake) -> Literal["no-consent", "no-address"] | None:
    """Why this intake's plan may not be emailed, or None when it may. Check it before rendering."""
    if not intake.consent.email_plan:
        return "no-consent"
    if not intake.parent.email:
        return "no-address"
    return None


# ---------------------------------------------------------------------------------------------------------------
# The password (SMTP) and the passphrase (PDF)
# ---------------------------------------------------------------------------------------------------------------


def check_plan_matches(intake: Intake, pdf: bytes, label: str) -> None:
    """Refuse a PDF that was not made from ``intake``: a plan must never go to another family."""
    from careplan.intake import embedded_intake, parse_intake

    try:
        embedded = embedded_intake(pdf)
    except Exception as exc:
        raise PlanMismatch([f"{label}: the PDF cannot be read ({type(exc).__name__})"]) from None
    if embedded is None:
        raise PlanMismatch([f"{label}: the PDF carries no intake, so careplan cannot check it is this family's plan"])
    try:
        same = parse_intake(embedded).model_dump(mode="json") == intake.model_dump(mode="json")
    except CareplanError:
        same = False
    if not same:
        raise PlanMismatch([f"{label}: the PDF was made from a different intake; it is not this family's plan"])


# ---------------------------------------------------------------------------------------------------------------
# The message
# ---------------------------------------------------------------------------------------------------------------




# ---------------------------------------------------------------------------------------------------------------
# The ledger's place
# ---------------------------------------------------------------------------------------------------------------


def data_folder(practice: Practice) -> Path:
    """Where the ledger lives: the practice's ``data_folder``, else ``$CAREPLAN_DATA``, else
    ``~/.local/share/careplan``."""
    return default_data_folder(practice.data_folder)


def open_ledger(practice: Practice) -> Ledger:
    return Ledger(data_folder(practice))


# ---------------------------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------------------------


def send_plan(
    intake: Intake,
    pdf_path: Path,
    practice: Practice,
    *,
    ledger: Ledger,
    dry_run: bool = False,
    outbox: Path | None = None,
    force_encrypt: bool = False,
    password: str | None = None,
    intake_name: str | None = None,
    resend_unknown: bool = False,
    resend_changed: bool = False,
    attempts: int = DEFAULT_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """Email the plan ``pdf_path`` (made from ``intake``) to the parent, at most once.

    ``password`` is the SMTP password (resolved with :func:`resolve_password` when None and a login is needed;
    a batch should resolve it once and pass it). ``dry_run`` writes the message to ``outbox`` (default: the data
    folder's ``outbox``) as an .eml file and sends nothing. ``force_encrypt`` encrypts the PDF even where the parent
    accepted unencrypted email. ``resend_unknown`` sends a plan whose earlier send is unknown; ``resend_changed``
    sends a plan whose earlier version (same intake and address, different PDF) was already sent.

    Problems with one plan come back as a ``failed`` result; problems with the settings (no [smtp], no password,
    an unreadable CA file, plain SMTP off this computer) raise :class:`MailSetupError`.

    Long on purpose: the order of its steps is the safety argument (consent gate, plan check, ledger claim,
    message, send, record), so they stay in one function, read top to bottom.
    """
    smtp = smtp_settings(practice)
    name = intake_name or pdf_path.name
    gate = email_gate(intake)
    if gate is not None:
        return SendResult(status=gate, intake=name)
    recipient = str(intake.parent.email)
    masked = mask_address(recipient)
    try:
        pdf = pdf_path.read_bytes()
    except OSError as exc:
        return SendResult(
            "failed", name, masked, detail=f"{pdf_path}: cannot be read ({exc.strerror or type(exc).__name__})"
        )
    try:
        check_plan_matches(intake, pdf, str(pdf_path))
    except PlanMismatch as exc:
        return SendResult("failed", name, masked, detail="; ".join(exc.lines))

    key = plan_key(pdf, recipient)
    same_intake = intake_key(intake, recipient)
    encrypted = force_encrypt or not intake.consent.unencrypted_email_accepted
    prior = ledger.get(key)
    generation = prior.attempts if prior is not None and prior.status == "unknown" and encrypted else 0
    message_id = message_id_for(key, smtp.from_address, generation)

    if dry_run:
        stopped = _stopped_by(ledger, key, same_intake, resend_unknown, resend_changed)
        if stopped is not None:
            return _skipped(stopped, key, name, masked)
    else:
        if password is None and smtp.user is not None:
            password = resolve_password(smtp)
        stopped = ledger.claim(
            key,
            intake_key=same_intake,
            recipient=masked,
            intake=name,
            message_id=message_id,
            encrypted=encrypted,
            allow_unknown=resend_unknown,
            allow_changed=resend_changed,
        )
        if stopped is not None:
            return _skipped(stopped, key, name, masked)

    try:
        passphrase = new_passphrase() if encrypted else None
        attachment = encrypt_pdf(pdf, passphrase) if passphrase is not None else pdf
        message = build_message(
            practice,
            recipient=recipient,
            pdf=attachment,
            encrypted=encrypted,
            message_id=message_id,
            language=intake.parent.preferred_language,
        )
        smtputf8 = needs_smtputf8(recipient, smtp.from_address, smtp.copy_to, smtp.reply_to)
        wire = message.as_bytes(policy=policy.SMTPUTF8 if smtputf8 else policy.SMTP)
    except BaseException:
        if not dry_run:
            ledger.mark_failed(key, "the message could not be prepared; nothing was sent")
        raise

    if dry_run:
        folder = private_folder(outbox if outbox is not None else ledger.folder / "outbox")
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).stem)[:80] or "plan"
        eml = write_private(folder / f"{stem}-{key[:10]}.eml", wire)
        return SendResult("dry-run", name, masked, message_id, encrypted, passphrase, eml=eml)

    return _send_with_retries(
        smtp,
        ledger=ledger,
        key=key,
        name=name,
        masked=masked,
        message_id=message_id,
        encrypted=encrypted,
        passphrase=passphrase,
        password=password,
        recipient=recipient,
        wire=wire,
        smtputf8=smtputf8,
        attempts=max(1, attempts),
        sleep=sleep,
    )


def _stopped_by(
    ledger: Ledger, key: str, same_intake: str, resend_unknown: bool, resend_changed: bool
) -> LedgerRow | None:
    """What :meth:`Ledger.claim` would stop on, read-only (for dry runs)."""
    row = ledger.get(key)
    if row is not None and (row.status in ("sent", "pending") or (row.status == "unknown" and not resend_unknown)):
        return row
    if not resend_changed:
        others = [r for r in ledger.rows() if r.intake_key == same_intake and r.key != key and r.status != "failed"]
        if others:
            return others[-1]
    return None


def _skipped(row: LedgerRow, key: str, name: str, masked: str) -> SendResult:
    when = row.sent_at or row.updated_at
    status: SendStatus = "unknown"
    if row.key != key:
        if row.status == "sent":
            status = "skipped-already-sent"
            detail = (
                f"a plan for this intake was already sent to {masked} on {when} ({row.intake}); this PDF differs "
                "(new branding or a newer careplan?): send it with --resend-changed"
            )
        else:
            detail = (
                f"an earlier version of this plan may or may not have reached {masked} ({row.status} since {when}); "
                "check with the parent, then send this one with --resend-changed"
            )
    elif row.status == "sent":
        status = "skipped-already-sent"
        detail = f"already sent to {masked} on {when}"
    elif row.status == "pending":
        detail = "another careplan is sending this plan right now; check `careplan email --status` later"
    else:
        lost = (
            " If that copy arrived, its PDF password is the one shown then (if any); a resend has a new one."
            if row.encrypted
            else ""
        )
        detail = (
            f"an earlier send ({when}) stopped part-way: {row.error or 'no reply from the server'}.{lost} "
            "Check with the parent; to send it again use --resend-unknown"
        )
    return SendResult(
        status,
        name,
        masked,
        row.message_id,
        row.encrypted,
        detail=detail,
        attempts=row.attempts,
        sent_at=row.sent_at,
    )


def _send_with_retries(
    smtp: Smtp,
    *,
    ledger: Ledger,
    key: str,
    name: str,
    masked: str,
    message_id: str,
    encrypted: bool,
    passphrase: str | None,
    password: str | None,
    recipient: str,
    wire: bytes,
    smtputf8: bool,
    attempts: int,
    sleep: Callable[[float], None],
) -> SendResult:
    """Long on purpose: each kind of failure (temporary, permanent, interrupted) is handled where the attempt is
    made, so none is lost between functions."""
    copies = tuple(a for a in (smtp.copy_to,) if a and normalise_address(a) != normalise_address(recipient))
    progress = AttemptProgress()
    made = 0
    try:
        while True:
            made += 1
            ledger.count_attempt(key)
            outcome = deliver(
                smtp,
                password=password,
                sender=smtp.from_address,
                recipient=recipient,
                copies=copies,
                message=wire,
                smtputf8=smtputf8,
                progress=progress,
            )
            if outcome.kind != "temporary" or made >= attempts:
                break
            # The server refused this attempt, so nothing was sent: a stop during the wait is "failed", not
            # "unknown" (the last attempt's phase no longer says anything about the message).
            progress = AttemptProgress()
            sleep(BACKOFF_SECONDS * 2 ** (made - 1))
    except BaseException:  # Ctrl-C, or a settings problem found while connecting
        if progress.phase == "done":
            _record(ledger.mark_sent, key)
        elif progress.phase == "data":
            _record(ledger.mark_unknown, key, "interrupted while the server was receiving the message")
        else:
            _record(ledger.mark_failed, key, "interrupted or stopped before the message was sent")
        raise
    if outcome.kind == "sent":
        warnings = list(outcome.warnings)
        try:
            ledger.mark_sent(key)
        except CareplanError as exc:
            warnings.append("sent, but the ledger could not record it: " + "; ".join(exc.lines))
        return SendResult(
            "sent", name, masked, message_id, encrypted, passphrase, attempts=made, warnings=tuple(warnings)
        )
    if outcome.kind == "ambiguous":
        ledger.mark_unknown(key, outcome.detail)
        detail = f"{outcome.detail}. Check with the parent; to send it again use --resend-unknown"
        return SendResult("unknown", name, masked, message_id, encrypted, passphrase, detail=detail, attempts=made)
    if outcome.kind == "temporary":
        detail = f"{outcome.detail} (gave up after {made} attempts; nothing was sent)"
    elif "nothing was sent" in outcome.detail:
        detail = outcome.detail
    else:
        detail = f"{outcome.detail} (nothing was sent)"
    ledger.mark_failed(key, detail)
    return SendResult("failed", name, masked, message_id, encrypted, detail=detail, attempts=made)


def _record(action: Callable[..., None], *args: str) -> None:
    """Best effort while an exception is already on its way out."""
    with contextlib.suppress(CareplanError):
        action(*args)


# ---------------------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------------------


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


def _warn_recovered(ledger: Ledger, warn: Say) -> None:
    for row in ledger.recovered:
        warn(
            f"warning: {row.intake} to {row.recipient}: careplan stopped while sending it; it may or may "
            "not have arrived (now marked unknown)"
        )


def ledger_status(practice_file: Path | None, warn: Say) -> list[str]:
    """The plans the send ledger knows, one line each (``careplan email --status``)."""
    from careplan.practice import load_practice

    with open_ledger(load_practice(practice_file)) as ledger:
        _warn_recovered(ledger, warn)
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
        _warn_recovered(ledger, warn)
        smtp = smtp_settings(loaded)
        password = resolve_password(smtp) if not request.dry_run else None
        results = []
        for path in request.intakes:
            result = _email_one(path, request, loaded, ledger, password=password, render=render, warn=warn)
            shown(result)  # at once: a PDF's password is shown only here, and a later failure must not lose it
            results.append(result)
    return EmailOutcome(results)


def _email_one(
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


