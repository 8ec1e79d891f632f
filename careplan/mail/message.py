"""The message: subject, bodies from the practice's templates (never the intake or the plan), the PDF attached."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

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


def subject_for(practice: Practice) -> str:
    return f"Your care plan from {sender_name(practice)}"


def render_bodies(practice: Practice, *, encrypted: bool, language: str = "en") -> tuple[str, str]:
    """The text and HTML bodies. The templates see the practice's details and whether the PDF is encrypted; never
    the intake, the plan or the passphrase."""
    context = {
        "practice": template_data(practice),
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
    smtp = smtp_settings(practice)
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
