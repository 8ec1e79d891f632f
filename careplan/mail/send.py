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
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Literal

from careplan._io import private_folder, write_private
from careplan.errors import CareplanError, TemplateError
from careplan.intake import Intake
from careplan.mail.ledger import Ledger, LedgerRow, default_data_folder
from careplan.mail.transport import MailSetupError, Progress, deliver, mask_address
from careplan.practice import Practice, Smtp
from careplan.templating import render_template

__all__ = [
    "ATTACHMENT_NAME",
    "EmailOutcome",
    "EmailRequest",
    "MailSetupError",
    "SendResult",
    "data_folder",
    "email_gate",
    "email_intakes",
    "ledger_status",
    "new_passphrase",
    "open_ledger",
    "report_lines",
    "resolve_password",
    "send_plan",
    "send_plans",
]

SendStatus = Literal["sent", "skipped-already-sent", "no-consent", "no-address", "failed", "unknown", "dry-run"]

ATTACHMENT_NAME = "care-plan.pdf"
KEYRING_SERVICE = "careplan"
DEFAULT_ATTEMPTS = 4
BACKOFF_SECONDS = 2.0
DEFAULT_SUBJECT_NAME = "your lactation consultant"
#: Digits and lower-case letters without the look-alikes 0/o, 1/l/i: easy to read out and to type.
PASSPHRASE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # noqa: S105 - the characters, not a password
PASSPHRASE_GROUPS = 5
PASSPHRASE_GROUP_SIZE = 4  # 20 characters from 31: about 99 bits


class PlanMismatch(CareplanError):
    """The PDF was not made from this intake."""


class MailTemplateError(TemplateError):
    """A message template (usually a practice's own) is broken or tried something the sandbox forbids."""


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


def normalise_address(address: str) -> str:
    return address.strip().casefold()


def plan_key(pdf: bytes, recipient: str) -> str:
    """The ledger key: the plan PDF (unencrypted) and the address it goes to."""
    digest = hashlib.sha256(pdf)
    digest.update(b"\0" + normalise_address(recipient).encode("utf-8"))
    return digest.hexdigest()


def intake_key(intake: Intake, recipient: str) -> str:
    """The same intake to the same address, whatever the PDF looks like (branding, careplan version)."""
    digest = hashlib.sha256(b"careplan intake\0" + intake.model_dump_json().encode("utf-8"))
    digest.update(b"\0" + normalise_address(recipient).encode("utf-8"))
    return digest.hexdigest()


def message_id_for(key: str, from_address: str, generation: int = 0) -> str:
    """``<hash@domain-of-the-from-address>``, the same for every send of the same plan to the same person.

    ``generation`` is above 0 only for an explicit resend of an encrypted plan whose first send is unknown: that
    message carries a new password, so it must not be collapsed with the first by the parent's mail client."""
    seed = f"careplan message-id\0{key}" + (f"\0resend {generation}" if generation else "")
    digest = hashlib.sha256(seed.encode("ascii")).hexdigest()[:40]
    domain = from_address.rpartition("@")[2]
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        domain = ""
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?", domain):
        domain = "careplan.invalid"
    return f"<{digest}@{domain}>"


# ---------------------------------------------------------------------------------------------------------------
# The password (SMTP) and the passphrase (PDF)
# ---------------------------------------------------------------------------------------------------------------


def resolve_password(smtp: Smtp) -> str | None:
    """The SMTP password: from the environment variable ``smtp.password_env``, else the system keyring (service
    "careplan", the SMTP user). None when the settings have no user (no login)."""
    if smtp.user is None:
        return None
    value: str | None = os.environ.get(smtp.password_env) or None
    if value is None:
        value = _keyring_password(smtp.user)
    if value is None:
        raise MailSetupError(
            [
                f"no SMTP password for {smtp.user}: set the environment variable {smtp.password_env}, or store it in "
                f"the system keyring (pip install keyring; then: keyring set {KEYRING_SERVICE} {smtp.user})"
            ]
        )
    return value


def _keyring_password(user: str) -> str | None:
    try:
        import keyring
    except ImportError:
        return None
    try:
        value: str | None = keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # no usable backend, a locked keyring...: the message above says what to do
        return None
    return value or None


def new_passphrase() -> str:
    """A random password for the PDF, easy to read out by phone: ``k7wm-3x9p-…`` (5 groups of 4, ~99 bits)."""
    groups = (
        "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(PASSPHRASE_GROUP_SIZE))
        for _ in range(PASSPHRASE_GROUPS)
    )
    return "-".join(groups)


def encrypt_pdf(pdf: bytes, passphrase: str) -> bytes:
    """A copy of ``pdf`` encrypted with AES-256 (never RC4); ``passphrase`` opens it. The original, the archival
    PDF/A, is left as it is: PDF/A does not allow encryption."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import DependencyError

    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        writer.encrypt(user_password=passphrase, owner_password=secrets.token_urlsafe(32), algorithm="AES-256")
        out = io.BytesIO()
        writer.write(out)
    except DependencyError:
        raise MailSetupError(
            ["encrypting the PDF needs the cryptography package: pip install 'pypdf[crypto]'"]
        ) from None
    return out.getvalue()


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


def _one_line(text: str) -> str:
    return " ".join(text.split())


def sender_name(practice: Practice) -> str:
    """Who the plan is from, in the subject and the greeting: the practice's name (or, where the practice file
    leaves the placeholder name, the from name or "your lactation consultant")."""
    name = practice.name
    if name == Practice.model_fields["name"].default:
        name = (practice.smtp.from_name if practice.smtp is not None else None) or DEFAULT_SUBJECT_NAME
    return _one_line(name)


def subject_for(practice: Practice) -> str:
    return f"Your care plan from {sender_name(practice)}"


def render_bodies(practice: Practice, *, encrypted: bool, language: str = "en") -> tuple[str, str]:
    """The text and HTML bodies. The templates see the practice's details and whether the PDF is encrypted; never
    the intake, the plan or the passphrase."""
    context = {
        "practice": practice,
        "sender": sender_name(practice),
        "encrypted": encrypted,
        "attachment": ATTACHMENT_NAME,
        "language": language,
        "reply_to": practice.smtp.reply_to if practice.smtp is not None else None,
    }
    text, html = (
        render_template(name, context, extra=practice.templates, what="email template", error=MailTemplateError)
        for name in ("email.txt", "email.html")
    )
    return text, html


def build_message(
    practice: Practice, *, recipient: str, pdf: bytes, encrypted: bool, message_id: str, language: str = "en"
) -> EmailMessage:
    """The message: text and HTML bodies, the PDF attached as ``care-plan.pdf``; no Bcc header (copies go in the
    envelope only)."""
    smtp = _settings(practice)
    text, html = render_bodies(practice, encrypted=encrypted, language=language)
    message = EmailMessage()
    message["Subject"] = subject_for(practice)
    try:
        message["From"] = Address(display_name=_one_line(smtp.from_name or practice.name), addr_spec=smtp.from_address)
    except (ValueError, IndexError) as exc:
        raise MailSetupError([f"smtp › from address: not a usable address ({type(exc).__name__})"]) from None
    message["To"] = recipient
    if smtp.reply_to:
        message["Reply-To"] = smtp.reply_to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=ATTACHMENT_NAME)
    return message


def _needs_smtputf8(*addresses: str | None) -> bool:
    return any(a is not None and not a.isascii() for a in addresses)


def _settings(practice: Practice) -> Smtp:
    if practice.smtp is None:
        raise MailSetupError(
            [
                "the practice file has no [smtp] section: add the server's host, security and from_address "
                "(see `careplan practice init`)"
            ]
        )
    return practice.smtp


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
    """
    smtp = _settings(practice)
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
        smtputf8 = _needs_smtputf8(recipient, smtp.from_address, smtp.copy_to, smtp.reply_to)
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
    copies = tuple(a for a in (smtp.copy_to,) if a and normalise_address(a) != normalise_address(recipient))
    progress = Progress()
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

PASSPHRASE_NOTE = "read it to the parent by phone; it is shown only now and is not stored"  # noqa: S105


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
        return _summary(self.results)


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
        smtp = _settings(loaded)
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
    with tempfile.TemporaryDirectory(prefix="careplan-email-") as scratch:
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


def _summary(results: list[SendResult]) -> str:
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
