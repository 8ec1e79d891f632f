"""Secrets: the SMTP password (environment variable or system keyring) and the PDF's one-time passphrase."""

from __future__ import annotations

import io
import os
import secrets

from careplan.mail.transport import MailSetupError
from careplan.practice import Smtp

KEYRING_SERVICE = "careplan"


#: Digits and lower-case letters without the look-alikes 0/o, 1/l/i: easy to read out and to type.
PASSPHRASE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # noqa: S105 - the characters, not a password


PASSPHRASE_GROUPS = 5


PASSPHRASE_GROUP_SIZE = 4  # 20 characters from 31: about 99 bits


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
