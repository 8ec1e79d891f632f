"""Emailing a plan to the parent: consent first, no health details in the message, encrypted and verified, once.

The library function is :func:`send_plan` (``careplan email``, ``careplan batch --email`` and
``careplan interview --render --email`` all use it, through :mod:`careplan.mail.outbox`). The
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
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from careplan._io import private_folder, write_private
from careplan.errors import CareplanError
from careplan.intake import Intake
from careplan.mail.credentials import encrypt_pdf, new_passphrase, resolve_password
from careplan.mail.keys import intake_key, message_id_for, normalise_address, plan_key
from careplan.mail.ledger import Ledger, LedgerRow, default_data_folder
from careplan.mail.message import build_message, smtp_settings, wire_bytes
from careplan.mail.result import SendResult, SendStatus
from careplan.mail.transport import AttemptProgress, deliver, mask_address
from careplan.practice import Practice, Smtp

DEFAULT_ATTEMPTS = 4
BACKOFF_SECONDS = 2.0
UNKNOWN_ADVICE = "Check with the parent; to send it again use --resend-unknown"


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
            language=pdf_language(pdf),
        )
        wire, smtputf8 = wire_bytes(message, smtp, recipient)
    except BaseException:
        if not dry_run:
            ledger.mark_failed(key, "the message could not be prepared; nothing was sent")
        raise

    if dry_run:
        folder = private_folder(outbox if outbox is not None else ledger.folder / "outbox")
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).stem)[:80] or "plan"
        eml = write_private(folder / f"{stem}-{key[:10]}.eml", wire)
        return SendResult("dry-run", name, masked, message_id, encrypted, passphrase, eml=eml)

    return send_with_retries(
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


def pdf_language(pdf: bytes) -> str:
    """The language the plan PDF is written in (its catalogue's /Lang, which careplan sets from the plan), so the
    email's body matches the plan it carries; English when the PDF does not say."""
    import io
    import re

    from pypdf import PdfReader

    try:
        tag = str(PdfReader(io.BytesIO(pdf)).root_object.get("/Lang", "en"))
    except Exception:  # an unreadable PDF is refused elsewhere; the body is then English
        return "en"
    return tag if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", tag) else "en"


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


def send_with_retries(
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
    if_unknown: str = UNKNOWN_ADVICE,
) -> SendResult:
    """Hand ``wire`` (already claimed in the ledger under ``key``) to the server, retrying temporary failures, and
    record what happened. ``if_unknown`` is what to tell the consultant when whether it arrived is unknown.

    Long on purpose: each kind of failure (temporary, permanent, interrupted) is handled where the attempt is
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
        detail = f"{outcome.detail}. {if_unknown}"
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


