"""The message: subject, bodies from the practice's templates (never the intake or the plan), the PDF attached."""

from __future__ import annotations

from collections.abc import Callable
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from careplan.errors import TemplateError
from careplan.mail.transport import MailSetupError
from careplan.practice import Practice, Smtp, template_data
from careplan.templating import render_template

ATTACHMENT_NAME = "care-plan.pdf"


DEFAULT_SUBJECT_NAME = "your lactation consultant"


class MailTemplateError(TemplateError):
    """A message template (usually a practice's own) is broken or tried something the sandbox forbids."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def sender_name(practice: Practice) -> str:
    """Who the plan is from, in the subject and the greeting: the practice's name (or, where the practice file
    leaves the placeholder name, the from name or "your lactation consultant")."""
    name = practice.name
    if name == Practice.model_fields["name"].default:
        name = (practice.smtp.from_name if practice.smtp is not None else None) or DEFAULT_SUBJECT_NAME
    return _one_line(name)


def subject_for(practice: Practice, language: str = "en") -> str:
    """The subject line: who it is from, in the plan's language; never a health detail."""
    from careplan.language.phrases import words

    return words(language)("email.subject", sender=sender_name(practice))


def _phrases(language: str) -> Callable[..., str]:
    """careplan's phrases in the plan's language for the email's body (the templates escape them)."""
    from careplan.language.phrases import words

    say = words(language)

    def t(key: str, /, **values: Any) -> str:
        return say(key, **values)

    return t


def render_bodies(practice: Practice, *, encrypted: bool, language: str = "en") -> tuple[str, str]:
    """The text and HTML bodies. The templates see the practice's details and whether the PDF is encrypted; never
    the intake, the plan or the passphrase."""
    context = {
        "practice": template_data(practice, language=language),
        "sender": sender_name(practice),
        "encrypted": encrypted,
        "attachment": ATTACHMENT_NAME,
        "language": language,
        "t": _phrases(language),
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
    text, html = render_bodies(practice, encrypted=encrypted, language=language)
    return compose_message(
        practice,
        recipient=recipient,
        subject=subject_for(practice, language),
        text=text,
        html=html,
        pdf=pdf,
        filename=ATTACHMENT_NAME,
        message_id=message_id,
    )


def compose_message(
    practice: Practice,
    *,
    recipient: str,
    subject: str,
    text: str,
    html: str | None,
    pdf: bytes,
    filename: str,
    message_id: str,
) -> EmailMessage:
    """A message from the practice to ``recipient`` alone (no name, no Bcc header) with ``pdf`` attached as
    ``filename``: the one way careplan builds a message (plans to parents, letters to clinicians)."""
    smtp = smtp_settings(practice)
    message = EmailMessage()
    message["Subject"] = subject
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
    if html is not None:
        message.add_alternative(html, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


def wire_bytes(message: EmailMessage, smtp: Smtp, recipient: str) -> tuple[bytes, bool]:
    """The message as it goes to the server, and whether it needs SMTPUTF8 (an address that is not ASCII)."""
    smtputf8 = needs_smtputf8(recipient, smtp.from_address, smtp.copy_to, smtp.reply_to)
    return message.as_bytes(policy=policy.SMTPUTF8 if smtputf8 else policy.SMTP), smtputf8


def needs_smtputf8(*addresses: str | None) -> bool:
    return any(a is not None and not a.isascii() for a in addresses)


def smtp_settings(practice: Practice) -> Smtp:
    if practice.smtp is None:
        raise MailSetupError(
            [
                "the practice file has no [smtp] section: add the server's host, security and from_address "
                "(see `careplan practice init`)"
            ]
        )
    return practice.smtp
