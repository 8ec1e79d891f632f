"""Handing one message to the practice's SMTP server: encrypted and verified, with every failure sorted.

One public function, :func:`deliver`, makes one attempt and returns an :class:`Outcome`:

* ``sent``: the server answered 250 to the message;
* ``temporary``: nothing was delivered and trying again later may work (a 4xx reply, a timeout or a refused
  connection before the message was sent);
* ``permanent``: nothing was delivered and trying again will not help (a 5xx reply, a refused recipient, a bad
  login, a certificate that does not verify, a server without STARTTLS);
* ``ambiguous``: the connection failed while the server was receiving the message, so it may or may not have been
  accepted. That is never retried: the ledger records it as unknown.

Security: ``tls`` and ``starttls`` use ``ssl.create_default_context`` (certificate and host name verified; the
practice's ``ca_file`` for a private CA); STARTTLS is required before the login; ``plain`` connects only to an
address on this computer, checked after the host name is resolved. The password is used for the login only and is
scrubbed from every message careplan reports.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from careplan.errors import CareplanError
from careplan.practice import Smtp

if TYPE_CHECKING:  # smtplib and ssl are imported when a message is sent, not for `careplan --help`
    import smtplib
    import ssl

Kind = Literal["sent", "temporary", "permanent", "ambiguous"]
Phase = Literal["connect", "envelope", "data", "done"]
MAX_SERVER_TEXT = 160


class MailSetupError(CareplanError):
    """The practice's email settings cannot work (no [smtp] section, no password, an unreadable CA file...)."""


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    detail: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class AttemptProgress:
    """How far the current attempt got; read by the caller if the attempt is interrupted (Ctrl-C)."""

    phase: Phase = "connect"
    warnings: list[str] = field(default_factory=list)


def tls_context(smtp: Smtp) -> ssl.SSLContext:
    """A client context that verifies the server's certificate and host name (TLS 1.2 or later)."""
    import ssl

    try:
        context = ssl.create_default_context(cafile=str(smtp.ca_file) if smtp.ca_file is not None else None)
    except (OSError, ssl.SSLError) as exc:
        raise MailSetupError(
            [f"smtp › ca_file: {smtp.ca_file}: cannot be read as CA certificates ({type(exc).__name__})"]
        ) from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def loopback_addresses(host: str, port: int) -> list[str]:
    """The loopback addresses ``host`` resolves to; refuses a host with any address off this computer."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise MailSetupError([f"smtp › host: {host}: cannot be resolved"]) from None
    addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in found))
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise MailSetupError(
            [
                f"smtp › host: {host} is not on this computer: plain (unencrypted) SMTP is refused; "
                'use security = "tls" or "starttls"'
            ]
        )
    return addresses


def _plain_connection(host: str, port: int, timeout: float) -> smtplib.SMTP:
    """Connect to the first of ``host``'s (checked, loopback) addresses that answers: "localhost" may be ::1 and
    127.0.0.1, and a server may listen on only one of them."""
    import smtplib

    failure: OSError | None = None
    for address in loopback_addresses(host, port):
        try:
            return smtplib.SMTP(address, port, timeout=timeout)
        except OSError as exc:
            failure = exc
    raise failure if failure is not None else MailSetupError([f"smtp › host: {host}: no address"])


def connect(smtp: Smtp, user: str | None, password: str | None) -> smtplib.SMTP:
    """An open, encrypted (or loopback) and, with a user, logged-in connection. Raises on any failure."""
    import smtplib

    port = smtp.effective_port
    timeout = smtp.timeout_seconds
    context = tls_context(smtp) if smtp.security != "plain" else None
    connection: smtplib.SMTP
    if smtp.security == "tls":
        connection = smtplib.SMTP_SSL(smtp.host, port, timeout=timeout, context=context)
    elif smtp.security == "starttls":
        connection = smtplib.SMTP(smtp.host, port, timeout=timeout)
    else:
        connection = _plain_connection(smtp.host, port, timeout)
    try:
        connection.ehlo()
        if context is not None and smtp.security == "starttls":
            if not connection.has_extn("starttls"):
                raise _NoStartTls
            connection.starttls(context=context)
            connection.ehlo()
        if user is not None:
            if password is None:
                raise MailSetupError(["no SMTP password"])  # resolved by the caller; a safety net
            connection.login(user, password)
    except BaseException:
        _close(connection)
        raise
    return connection


class _NoStartTls(Exception):
    pass


def deliver(
    smtp: Smtp,
    *,
    password: str | None,
    sender: str,
    recipient: str,
    copies: tuple[str, ...],
    message: bytes,
    smtputf8: bool,
    progress: AttemptProgress,
    connector: Callable[[Smtp, str | None, str | None], smtplib.SMTP] = connect,
) -> Outcome:
    """One attempt at sending ``message`` to ``recipient`` (and ``copies``, Bcc). Never raises for SMTP or network
    problems: they come back as an :class:`Outcome` described in careplan's words."""
    secrets = _secrets(smtp.user, password)
    progress.phase = "connect"
    progress.warnings.clear()
    try:
        connection = connector(smtp, smtp.user, password)
    except MailSetupError:
        raise
    except Exception as exc:
        return _classify(exc, "connect", secrets, recipient)
    try:
        progress.phase = "envelope"
        options = ["SMTPUTF8"] if smtputf8 else []
        if smtputf8 and not connection.has_extn("smtputf8"):
            return Outcome("permanent", "the server cannot deliver to an address with non-ASCII characters")
        code, reply = connection.mail(sender, options)
        if code != 250:
            _reset(connection)
            return _refused("the server refused the sender address", code, reply, secrets, recipient)
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            _reset(connection)
            return _refused("the server refused the parent's address", code, reply, secrets, recipient)
        for copy in copies:
            code, reply = connection.rcpt(copy)
            if code not in (250, 251):
                progress.warnings.append(
                    _scrub(f"the copy to the practice ({copy}) was refused: {_server(code, reply)}", secrets)
                )
        progress.phase = "data"
        code, reply = connection.data(message)  # raises only if DATA itself is refused; check the final reply
        if code != 250:
            return _refused("the server did not accept the message", code, reply, secrets, recipient)
        progress.phase = "done"
    except Exception as exc:
        return _classify(exc, progress.phase, secrets, recipient)
    finally:
        if progress.phase == "done":
            try:
                connection.quit()
            except Exception:  # the message is accepted; a rude goodbye changes nothing
                _close(connection)
        else:
            _close(connection)
    return Outcome("sent", warnings=tuple(progress.warnings))


def _reset(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(Exception):  # the refusal is what matters, not how the server takes RSET
        connection.rset()


def _close(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(Exception):  # closing a broken connection; nothing to report
        connection.close()


def _classify(exc: BaseException, phase: Phase, secrets: tuple[str, ...], recipient: str) -> Outcome:
    """Turn an exception from one phase of an attempt into an Outcome with a plain description."""
    import smtplib
    import ssl

    if isinstance(exc, smtplib.SMTPResponseException):
        code, reply = exc.smtp_code, exc.smtp_error
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            what = "the server refused the login (check the user and the password)"
        elif isinstance(exc, smtplib.SMTPDataError):
            what = "the server did not accept the message"
        elif isinstance(exc, smtplib.SMTPConnectError):
            what = "the server refused the connection"
        elif isinstance(exc, smtplib.SMTPHeloError):
            what = "the server refused the greeting"
        else:
            what = "the server refused"
        return _refused(what, code, reply, secrets, recipient)
    if phase == "data":
        # Anything else while the message was being transferred: the server may have accepted it.
        return Outcome(
            "ambiguous",
            f"the connection failed while the server was receiving the message ({_describe(exc)}); "
            "it may or may not have arrived",
        )
    if isinstance(exc, _NoStartTls):
        return Outcome("permanent", "the server does not offer STARTTLS; careplan will not send without encryption")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return Outcome("permanent", _scrub(f"the server does not support a required feature ({exc})", secrets))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Outcome("temporary", "the server closed the connection")
    if isinstance(exc, smtplib.SMTPException):
        return Outcome("permanent", _scrub(f"SMTP problem: {exc}", secrets))
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or "verification failed"
        return Outcome(
            "permanent",
            f"the server's certificate could not be verified ({reason}); nothing was sent "
            "(for a private CA, set smtp › ca_file)",
        )
    if isinstance(exc, ssl.SSLError):
        return Outcome(
            "permanent",
            f"the secure connection failed ({exc.reason or type(exc).__name__}); check smtp › security and port",
        )
    if isinstance(exc, socket.gaierror):
        if exc.errno == socket.EAI_AGAIN:
            return Outcome("temporary", "the server's name could not be looked up (temporary DNS failure)")
        return Outcome("permanent", "the server's name was not found; check smtp › host")
    if isinstance(exc, ConnectionRefusedError):
        return Outcome("temporary", "could not connect: connection refused (is the server down?)")
    if isinstance(exc, TimeoutError):
        return Outcome("temporary", "the server did not answer in time")
    if isinstance(exc, OSError):
        return Outcome("temporary", f"network problem: {exc.strerror or type(exc).__name__}")
    return Outcome("permanent", f"unexpected problem: {type(exc).__name__}")


def _refused(what: str, code: int, reply: bytes | str, secrets: tuple[str, ...], recipient: str) -> Outcome:
    kind: Kind = "temporary" if 400 <= code < 500 else "permanent"
    text = _scrub(f"{what}: {_server(code, reply)}", secrets)
    return Outcome(kind, mask_addresses(text, recipient))


def _server(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    if len(text) > MAX_SERVER_TEXT:
        text = text[:MAX_SERVER_TEXT] + "…"
    return f"{code} {text}".strip()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def _secrets(user: str | None, password: str | None) -> tuple[str, ...]:
    """The password and the forms it takes on the wire (AUTH PLAIN and LOGIN), to scrub from any text."""
    if not password:
        return ()
    forms = {password, base64.b64encode(password.encode()).decode()}
    if user is not None:
        forms.add(base64.b64encode(f"\0{user}\0{password}".encode()).decode())
        forms.add(base64.b64encode(f"{user}\0{user}\0{password}".encode()).decode())
    return tuple(sorted(forms, key=len, reverse=True))


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "[hidden]")
    return text


_ADDRESS = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+")


def mask_addresses(text: str, recipient: str) -> str:
    """Every address in a server's words masked (in any case, in brackets or not), and the recipient's own name
    part too where a server echoes it alone: a reply must not put the parent's address in a log or ledger."""
    text = _ADDRESS.sub(lambda m: mask_address(m.group(0)), text)
    local = recipient.rpartition("@")[0]
    if len(local) >= 3:
        text = re.sub(re.escape(local), f"{local[0]}***", text, flags=re.IGNORECASE)
    return text


def mask_address(address: str) -> str:
    """``robin@example.org`` -> ``r***@example.org``: enough to recognise, not enough to use."""
    local, _, domain = address.rpartition("@")
    if not local:
        return "***"
    return f"{local[0]}***@{domain}"
