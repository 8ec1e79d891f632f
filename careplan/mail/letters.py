"""Sending a letter to one of the family's clinicians: by email, or by fax through the practice's email-to-fax
gateway; once, like a plan.

One public function sends, :func:`send_letter`; ``careplan letter --send`` (:mod:`careplan.cli.letter_send`) calls
it for each letter, only when the intake records the family's consent to share with the care team. It reuses the
plan's machinery: the ledger (keyed by the letter PDF and the address, so a rerun sends nothing twice), the
message builder, the encryption and the retrying transport (:mod:`careplan.mail.send`).

The rules it keeps:

* **The letter only.** The PDF goes as ``letter.pdf``. A careplan letter never carries the intake; a PDF with an
  embedded file named like the intake attachment (``intake.json``) is refused, in case a plan was given instead.
* **No health details in the message.** The subject is "Letter from <practice>"; the body comes from the
  ``letter_email.txt`` template and sees only the practice's details. The recipient is the address alone.
* **Email is encrypted** (AES-256) with a random password returned once, for the consultant to give the clinic by
  phone, as for parents.
* **Fax goes through TLS.** The address is the practice's ``smtp.fax_gateway`` with ``{number}`` replaced by the
  fax number's digits (a gateway written ``+{number}`` wants international numbers: a number without its leading
  ``+`` is refused rather than guessed). A fax gateway must read the PDF, so it is not encrypted; it is therefore
  sent only when the practice's SMTP security is ``tls`` or ``starttls``.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from careplan.errors import CareplanError
from careplan.intake import ATTACHMENT, Intake
from careplan.mail.credentials import encrypt_pdf, new_passphrase, resolve_password
from careplan.mail.keys import intake_key, message_id_for, plan_key
from careplan.mail.ledger import Ledger, LedgerRow
from careplan.mail.message import MailTemplateError, compose_message, sender_name, smtp_settings, wire_bytes
from careplan.mail.result import SendResult, SendStatus
from careplan.mail.send import DEFAULT_ATTEMPTS, send_with_retries
from careplan.mail.transport import MailSetupError, mask_address
from careplan.practice import FAX_NUMBER, Practice, template_data
from careplan.templating import render_template

LETTER_ATTACHMENT = "letter.pdf"
LETTER_TEMPLATE = "letter_email.txt"
LetterKind = Literal["email", "fax"]
#: What to do when a letter may or may not have arrived (``careplan letter`` never resends one on its own).
UNKNOWN_LETTER_ADVICE = "Check with the clinic before sending it again: careplan will not resend it on its own"
MIN_FAX_DIGITS = 5


class LetterRefused(CareplanError):
    """This letter cannot go: the PDF carries an intake, or the fax number cannot be used."""


def letter_subject(practice: Practice) -> str:
    return f"Letter from {sender_name(practice)}"


def check_fax_setup(practice: Practice, label: str = "the practice file") -> None:
    """Refuse, in one line naming ``label`` (the practice file) and the key, settings that cannot fax: no [smtp],
    security other than TLS or STARTTLS, no ``fax_gateway``."""
    if practice.smtp is None:
        raise MailSetupError([f"{label}: no [smtp] section: faxes go through the practice's email server"])
    if practice.smtp.security not in ("tls", "starttls"):
        raise MailSetupError(
            [
                f'{label}: smtp › security: faxes are sent only over TLS (security is "{practice.smtp.security}"); '
                'set security = "tls" or "starttls"'
            ]
        )
    if practice.smtp.fax_gateway is None:
        raise MailSetupError(
            [
                f"{label}: smtp › fax_gateway: not set; add your email-to-fax service's address, "
                f'like "{FAX_NUMBER}@fax.example.net"'
            ]
        )


def fax_address(practice: Practice, number: str) -> str:
    """The fax gateway's address for ``number``: ``{number}`` replaced by its digits. Raises
    :class:`MailSetupError` for settings that cannot fax and :class:`LetterRefused` for a number it cannot use."""
    check_fax_setup(practice)
    gateway = practice.smtp.fax_gateway if practice.smtp is not None else None
    if gateway is None:  # checked above; for the type checker
        raise MailSetupError(["smtp › fax_gateway: not set"])
    digits = re.sub(r"\D", "", number)
    if len(digits) < MIN_FAX_DIGITS:
        raise LetterRefused([f"the fax number has fewer than {MIN_FAX_DIGITS} digits"])
    if f"+{FAX_NUMBER}" in gateway and not number.strip().startswith("+"):
        raise LetterRefused(
            [
                "the practice's fax gateway wants international numbers, and this fax number has no leading + "
                "(country code): add it in the care team"
            ]
        )
    return gateway.replace(FAX_NUMBER, digits)


def letter_key(intake: Intake, role: str, kind: LetterKind, address: str) -> str:
    """The same letter (intake, recipient role, email or fax, address) whatever its PDF looks like: a letter already
    sent is not sent again just because it was rendered again with new branding or a newer careplan."""
    seed = f"careplan letter\0{intake_key(intake, address)}\0{role}\0{kind}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def check_no_intake(pdf: bytes, label: str) -> None:
    """Refuse a PDF with an embedded file named like the intake attachment: letters never carry the intake."""
    from pypdf import PdfReader

    try:
        names = list(PdfReader(io.BytesIO(pdf)).attachments)
    except Exception as exc:
        raise LetterRefused([f"{label}: the PDF cannot be read ({type(exc).__name__})"]) from None
    stem = Path(ATTACHMENT).stem.casefold()
    if any(stem in str(name).casefold() for name in names):
        raise LetterRefused(
            [
                f"{label}: the PDF carries an embedded file named like the intake ({ATTACHMENT}); a letter never does "
                "(is it a plan?); not sent"
            ]
        )


def build_letter_message(
    practice: Practice, *, recipient: str, pdf: bytes, encrypted: bool, fax: bool, message_id: str
) -> EmailMessage:
    """The message: the subject and the plain-text body (practice details only), the PDF as ``letter.pdf``."""
    context = {
        "practice": template_data(practice),
        "sender": sender_name(practice),
        "encrypted": encrypted,
        "fax": fax,
        "attachment": LETTER_ATTACHMENT,
    }
    text = render_template(
        LETTER_TEMPLATE, context, extra=practice.templates, what="letter email template", error=MailTemplateError
    )
    return compose_message(
        practice,
        recipient=recipient,
        subject=letter_subject(practice),
        text=text,
        html=None,
        pdf=pdf,
        filename=LETTER_ATTACHMENT,
        message_id=message_id,
    )


def send_letter(
    pdf: Path,
    *,
    address: str,
    practice: Practice,
    ledger: Ledger,
    kind: LetterKind,
    label: str | None = None,
    same_letter: str | None = None,
    password: str | None = None,
    encrypt: bool = True,
    resend_unknown: bool = False,
    resend_changed: bool = False,
    attempts: int = DEFAULT_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """Send the letter ``pdf`` to ``address`` (an email address, or for ``kind="fax"`` the fax number), at most once.

    ``label`` names the letter in the result and the ledger (default: the PDF's file name); ``same_letter`` (see
    :func:`letter_key`) holds back a different PDF of a letter already sent to the same address unless
    ``resend_changed``. ``password`` is the SMTP password (resolved when None and a login is needed). By email the
    PDF is encrypted unless ``encrypt`` is False; by fax never (the gateway must read it), and only over TLS.

    Problems with this letter come back as a ``failed`` result; problems with the settings raise
    :class:`MailSetupError`.

    Long on purpose: as in :func:`careplan.mail.send.send_plan`, the order of its steps is the safety argument
    (address, intake check, ledger claim, message, send, record), so they stay in one function, read top to bottom.
    """
    smtp = smtp_settings(practice)
    name = label or pdf.name
    try:
        recipient = fax_address(practice, address) if kind == "fax" else address.strip()
    except LetterRefused as exc:
        return SendResult("failed", name, detail="; ".join(exc.lines))
    masked = mask_address(recipient)
    try:
        data = pdf.read_bytes()
        check_no_intake(data, str(pdf))
    except OSError as exc:
        return SendResult(
            "failed", name, masked, detail=f"{pdf}: cannot be read ({exc.strerror or type(exc).__name__})"
        )
    except LetterRefused as exc:
        return SendResult("failed", name, masked, detail="; ".join(exc.lines))

    key = plan_key(data, recipient)
    encrypted = encrypt and kind == "email"
    prior = ledger.get(key)
    generation = prior.attempts if prior is not None and prior.status == "unknown" and encrypted else 0
    message_id = message_id_for(key, smtp.from_address, generation)
    if password is None and smtp.user is not None:
        password = resolve_password(smtp)
    stopped = ledger.claim(
        key,
        intake_key=same_letter or key,
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
        attachment = encrypt_pdf(data, passphrase) if passphrase is not None else data
        message = build_letter_message(
            practice, recipient=recipient, pdf=attachment, encrypted=encrypted, fax=kind == "fax", message_id=message_id
        )
        wire, smtputf8 = wire_bytes(message, smtp, recipient)
    except BaseException:
        ledger.mark_failed(key, "the message could not be prepared; nothing was sent")
        raise
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
        if_unknown=UNKNOWN_LETTER_ADVICE,
    )


def _skipped(row: LedgerRow, key: str, name: str, masked: str) -> SendResult:
    """What the ledger says about a letter it stops: sent already, being sent, or unknown."""
    when = row.sent_at or row.updated_at
    status: SendStatus = "unknown"
    if row.status == "sent":
        status = "skipped-already-sent"
        detail = f"sent to {masked} on {when}"
        if row.key != key:
            detail = f"sent to {masked} on {when} (an earlier render of the same letter, from the same intake)"
    elif row.status == "pending":
        detail = "another careplan is sending this letter right now"
    else:
        detail = (
            f"an earlier send ({when}) may or may not have arrived: {row.error or 'no reply from the server'}. "
            f"{UNKNOWN_LETTER_ADVICE}"
        )
    return SendResult(
        status, name, masked, row.message_id, row.encrypted, detail=detail, attempts=row.attempts, sent_at=row.sent_at
    )
