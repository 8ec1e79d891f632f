"""Emailing plans: against a real SMTP server (aiosmtpd) on 127.0.0.1, plain, STARTTLS and implicit TLS with a test
CA (trustme), with and without a login.

Each received message is parsed back: the attachment is the plan PDF byte for byte (or, encrypted, opens with the
returned password and then carries the same plan), and the subject and bodies hold no names and no health details.
Also: consent, the ledger (no second send, a crash mid-send is unknown), temporary and permanent failures, dry runs,
certificate verification and the password never shown. The plans are rendered once for the module.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import io
import os
import socket
import ssl
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import ValidationError
from pypdf import PasswordType, PdfReader

from careplan.intake import Intake
from careplan.mail.credentials import PASSPHRASE_ALPHABET, new_passphrase, resolve_password
from careplan.mail.keys import intake_key, message_id_for, plan_key
from careplan.mail.ledger import LEDGER_NAME, Ledger
from careplan.mail.message import ATTACHMENT_NAME, MailTemplateError
from careplan.mail.result import SendResult
from careplan.mail.send import send_plan
from careplan.mail.transport import MailSetupError, mask_address
from careplan.pipeline import write_plan_pdf
from careplan.practice import Practice, Smtp
from careplan.rules.library import Library
from tests.conftest import make_intake

PARENT = "Robin Quillfeather"
CASEY: dict[str, Any] = {"parent.name": "Casey Brightwater"}  # another family
BABY = "Marigold"
ADDRESS = "robin.quill@example.org"
OTHER_ADDRESS = "casey.bright@example.org"
CONDITIONS = ["hypothyroidism", "pcos"]
#: Words that would give away the family or their health if they appeared in a subject or a body.
HEALTH_WORDS = [
    *("Robin", "Quillfeather", "Marigold", "Casey", "Brightwater"),
    *("hypothyroid", "pcos", "thyroid", "relactation", "supplement", "formula"),
]
FROM = "jordan@riverside.example.org"
USER = "jordan"
PASSWORD = "correct-horse-7Q!x-battery"  # noqa: S105 - the test server's password


# ---------------------------------------------------------------------------------------------------------------
# Plans, rendered once
# ---------------------------------------------------------------------------------------------------------------


def family(*, email_plan: bool = True, unencrypted: bool = False, address: str | None = ADDRESS, **more: Any) -> Intake:
    changes: dict[str, Any] = {
        "parent.name": PARENT,
        "babies.0.name": BABY,
        "health.conditions": CONDITIONS,
        "consent": {"email_plan": email_plan, "unencrypted_email_accepted": unencrypted},
    }
    if address is not None:
        changes["parent.email"] = address
    changes.update(more)
    return make_intake(**changes)


@dataclass(frozen=True)
class Plan:
    intake: Intake
    pdf: Path

    @property
    def data(self) -> bytes:
        return self.pdf.read_bytes()


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory, library: Library) -> dict[str, Plan]:
    """Three renders for the whole module: unencrypted email accepted, encrypted (the default), another family."""
    folder = tmp_path_factory.mktemp("plans")
    intakes = {
        "plain": family(unencrypted=True),
        "encrypted": family(),
        "other": family(address=OTHER_ADDRESS, **CASEY),
    }
    made = {}
    for name, intake in intakes.items():
        pdf = folder / f"{name}.pdf"
        write_plan_pdf(intake, pdf, library=library, practice=Practice(name="Riverside Lactation Care"))
        made[name] = Plan(intake, pdf)
    return made


# ---------------------------------------------------------------------------------------------------------------
# The SMTP server
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    authenticated: bool

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """Keeps every message; ``data_replies`` (consumed in order) answer DATA instead of 250 while they last."""

    data_replies: list[str] = field(default_factory=list)
    rcpt_reply: str | None = None
    refuse: set[str] = field(default_factory=set)  # addresses answered with 550
    data_delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    data_calls: int = 0
    auth_attempts: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.rcpt_reply is not None:
            return self.rcpt_reply
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_calls += 1
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.data_replies:
            return self.data_replies.pop(0)
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                bytes(envelope.content),
                tls=server.transport.get_extra_info("ssl_object") is not None,
                authenticated=bool(session.authenticated),
            )
        )
        return "250 Message accepted for delivery"

    def authenticator(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        self.auth_attempts += 1
        ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def smtp_servers() -> Iterator[Callable[..., tuple[Recorder, int]]]:
    """Start aiosmtpd servers on 127.0.0.1 (each on a free port) with start(recorder, **Controller options); all
    stop at the end."""
    running: list[Controller] = []

    def start(recorder: Recorder | None = None, **options: Any) -> tuple[Recorder, int]:
        recorder = recorder or Recorder()
        port = free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
        controller.start()
        running.append(controller)
        return recorder, port

    try:
        yield start
    finally:
        for controller in running:
            controller.stop()


@pytest.fixture
def serve() -> Iterator[Callable[..., tuple[Recorder, int]]]:
    with smtp_servers() as start:
        yield start


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return authority, ca_file


def server_context(authority: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*(names or ("127.0.0.1", "localhost"))).configure_cert(context)
    return context


def practice(port: int, data: Path, **smtp: Any) -> Practice:
    settings = {"host": "127.0.0.1", "port": port, "security": "plain", "from_address": FROM, "timeout_seconds": 5}
    settings.update(smtp)
    return Practice(
        name="Riverside Lactation Care",
        smtp=Smtp(**settings),
        data_folder=data,
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never the real data folder, never a password from the environment or the real keyring."""
    monkeypatch.setenv("CAREPLAN_DATA", str(tmp_path / "default-data"))
    monkeypatch.delenv("CAREPLAN_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr("careplan.mail.credentials._keyring_password", lambda user: None)


def send(plan: Plan, settings: Practice, ledger: Ledger, sleeps: list[float], **options: Any) -> SendResult:
    return send_plan(
        plan.intake, plan.pdf, settings, ledger=ledger, intake_name="robin.json", sleep=sleeps.append, **options
    )


# ---------------------------------------------------------------------------------------------------------------
# What the parent receives
# ---------------------------------------------------------------------------------------------------------------


def attachment(message: EmailMessage) -> tuple[str | None, bytes]:
    parts = list(message.iter_attachments())
    assert len(parts) == 1
    part = parts[0]
    assert part.get_content_type() == "application/pdf"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return part.get_filename(), payload


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def assert_no_health_details(message: EmailMessage) -> None:
    text, html = bodies(message)
    assert message["To"].addresses[0].display_name == ""  # the address alone, no name
    visible = [str(message["Subject"]), str(message["From"]), text, html]
    for part in visible:
        for word in HEALTH_WORDS:
            assert word.lower() not in part.lower(), f"{word!r} leaked into the message"


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_plain_loopback_delivers_the_pdf_byte_for_byte(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    settings = practice(port, tmp_path, copy_to="records@riverside.example.org", reply_to="hello@riverside.example.org")
    result = send(plans["plain"], settings, ledger, sleeps)

    assert result.status == "sent", result.detail
    assert result.passphrase is None and not result.encrypted
    assert result.recipient == "r***@example.org"
    assert len(recorder.received) == 1
    got = recorder.received[0]
    assert got.mail_from == FROM
    assert got.rcpt_tos == [ADDRESS, "records@riverside.example.org"]  # the practice's copy goes in the envelope only
    message = got.message
    assert message["Subject"] == "Your care plan from Riverside Lactation Care"
    assert message["To"] == ADDRESS
    assert message["Reply-To"] == "hello@riverside.example.org"
    assert "Bcc" not in message and "records@" not in got.content.decode("ascii", "replace")
    assert message["Message-ID"] == result.message_id
    assert message["Message-ID"].endswith("@riverside.example.org>")
    name, pdf = attachment(message)
    assert name == ATTACHMENT_NAME
    assert pdf == plans["plain"].data
    assert_no_health_details(message)
    text, html = bodies(message)
    assert "Riverside Lactation Care" in text and "Riverside Lactation Care" in html
    assert "password by phone" not in text  # the parent accepted an unencrypted PDF
    assert sleeps == []

    row = ledger.get(plan_key(plans["plain"].data, ADDRESS))
    assert row is not None
    assert (row.status, row.recipient, row.intake, row.attempts, row.encrypted) == (
        "sent",
        "r***@example.org",
        "robin.json",
        1,
        False,
    )
    assert row.message_id == result.message_id and row.sent_at


def test_plain_to_localhost_finds_the_address_the_server_listens_on(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()  # 127.0.0.1 only; "localhost" may resolve to ::1 first
    result = send(plans["plain"], practice(port, tmp_path, host="localhost"), ledger, sleeps)
    assert result.status == "sent", result.detail
    assert len(recorder.received) == 1


def test_encrypted_unless_the_parent_accepted_unencrypted_email(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    result = send(plans["encrypted"], practice(port, tmp_path), ledger, sleeps)

    assert result.status == "sent", result.detail
    assert result.encrypted and result.passphrase is not None
    assert result.passphrase not in repr(result)
    message = recorder.received[0].message
    _, sent_pdf = attachment(message)
    assert sent_pdf != plans["encrypted"].data
    assert PARENT.encode() not in sent_pdf and b"intake" not in sent_pdf.lower()  # the embedded intake is encrypted

    reader = PdfReader(io.BytesIO(sent_pdf))
    assert reader.is_encrypted
    encryption: Any = reader.trailer["/Encrypt"]
    assert (encryption["/V"], encryption["/R"]) == (5, 6)  # AES-256, never RC4
    assert reader.decrypt("not-the-password") == PasswordType.NOT_DECRYPTED
    assert reader.decrypt(result.passphrase)
    original = PdfReader(plans["encrypted"].pdf)
    assert texts(reader) == texts(original)
    assert reader.attachments["intake.json"] == original.attachments["intake.json"]

    text, html = bodies(message)
    assert "password by phone" in text and "password by phone" in html
    assert result.passphrase not in recorder.received[0].content.decode("ascii", "replace")
    assert_no_health_details(message)
    ledger_bytes = (ledger.folder / LEDGER_NAME).read_bytes()
    assert result.passphrase.encode() not in ledger_bytes


def test_encrypt_flag_encrypts_even_when_unencrypted_was_accepted(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    result = send(plans["plain"], practice(port, tmp_path), ledger, sleeps, force_encrypt=True)
    assert result.status == "sent" and result.passphrase is not None
    reader = PdfReader(io.BytesIO(attachment(recorder.received[0].message)[1]))
    assert reader.is_encrypted and reader.decrypt(result.passphrase)


def test_the_passphrase_is_random_readable_and_strong() -> None:
    made = {new_passphrase() for _ in range(300)}
    assert len(made) == 300
    for phrase in made:
        groups = phrase.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4, 4]
        assert set("".join(groups)) <= set(PASSPHRASE_ALPHABET)
    assert not set(PASSPHRASE_ALPHABET) & set("01ilo")  # no look-alikes
    assert 20 * len(PASSPHRASE_ALPHABET).bit_length() - 20 >= 80  # ~99 bits


# ---------------------------------------------------------------------------------------------------------------
# Consent and the right person
# ---------------------------------------------------------------------------------------------------------------


def test_no_consent_means_nothing_is_sent(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    no_consent = Plan(family(email_plan=False), plans["plain"].pdf)
    result = send(no_consent, practice(port, tmp_path), ledger, sleeps)
    assert result.status == "no-consent"
    assert recorder.received == [] and recorder.data_calls == 0
    assert ledger.rows() == []


def test_no_address_means_nothing_is_sent(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    result = send(Plan(family(address=None), plans["plain"].pdf), practice(port, tmp_path), ledger, sleeps)
    assert result.status == "no-address"
    assert recorder.received == [] and ledger.rows() == []


def test_a_pdf_made_from_another_intake_is_refused(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    mixed_up = Plan(plans["plain"].intake, plans["other"].pdf)  # Casey's plan, Robin's intake
    result = send(mixed_up, practice(port, tmp_path), ledger, sleeps)
    assert result.status == "failed"
    assert "different intake" in (result.detail or "")
    assert recorder.data_calls == 0 and ledger.rows() == []


# ---------------------------------------------------------------------------------------------------------------
# The ledger: once, and unknown after a crash
# ---------------------------------------------------------------------------------------------------------------


def test_a_rerun_sends_nothing_twice(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    settings = practice(port, tmp_path)
    first = [send(plans[name], settings, ledger, sleeps) for name in ("plain", "other")]
    again = [send(plans[name], settings, ledger, sleeps) for name in ("plain", "other")]
    assert [r.status for r in first] == ["sent", "sent"]
    assert [r.status for r in again] == ["skipped-already-sent", "skipped-already-sent"]
    assert all(r.passphrase is None for r in again)
    assert len(recorder.received) == 2
    assert {r.rcpt_tos[0] for r in recorder.received} == {ADDRESS, OTHER_ADDRESS}
    # The same plan to the same person has the same Message-ID, every time.
    assert [r.message_id for r in again] == [r.message_id for r in first]


def test_a_send_interrupted_mid_way_is_unknown_and_not_resent(
    serve: Any, plans: dict[str, Plan], sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    settings = practice(port, tmp_path)
    plan = plans["plain"]
    key = plan_key(plan.data, ADDRESS)
    with Ledger(tmp_path / "data") as crashed:  # a run that committed "pending" and then died
        claimed = crashed.claim(
            key,
            intake_key=intake_key(plan.intake, ADDRESS),
            recipient=mask_address(ADDRESS),
            intake="robin.json",
            message_id=message_id_for(key, FROM),
            encrypted=False,
        )
        assert claimed is None

    with Ledger(tmp_path / "data") as reopened:
        assert [(r.key, r.status) for r in reopened.recovered] == [(key, "unknown")]
        result = send(plan, settings, reopened, sleeps)
        assert result.status == "unknown"
        assert "--resend-unknown" in (result.detail or "")
        assert recorder.data_calls == 0
        row = reopened.get(key)
        assert row is not None and row.status == "unknown"

        resent = send(plan, settings, reopened, sleeps, resend_unknown=True)
        assert resent.status == "sent"
        assert len(recorder.received) == 1
        assert resent.message_id == message_id_for(key, FROM)  # same content, same Message-ID


def test_a_timeout_while_the_server_takes_the_message_is_unknown_not_retried(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve(Recorder(data_delay=3.0))
    result = send(plans["encrypted"], practice(port, tmp_path, timeout_seconds=0.5), ledger, sleeps)
    assert result.status == "unknown", result.detail
    assert result.attempts == 1 and sleeps == []
    assert result.passphrase is not None  # it may have arrived: the consultant needs the password
    assert recorder.data_calls == 1
    row = ledger.get(plan_key(plans["encrypted"].data, ADDRESS))
    assert row is not None and row.status == "unknown"
    assert send(plans["encrypted"], practice(port, tmp_path), ledger, sleeps).status == "unknown"
    assert recorder.data_calls == 1


def test_a_changed_pdf_of_an_already_sent_intake_waits_for_resend_changed(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    plan = plans["plain"]
    earlier_key = "0" * 64  # the same intake's plan, sent before in other branding
    ledger.claim(
        earlier_key,
        intake_key=intake_key(plan.intake, ADDRESS),
        recipient=mask_address(ADDRESS),
        intake="robin.json",
        message_id="<x@riverside.example.org>",
        encrypted=False,
    )
    ledger.mark_sent(earlier_key)
    result = send(plan, practice(port, tmp_path), ledger, sleeps)
    assert result.status == "skipped-already-sent"
    assert "--resend-changed" in (result.detail or "")
    assert recorder.data_calls == 0
    assert send(plan, practice(port, tmp_path), ledger, sleeps, resend_changed=True).status == "sent"
    assert len(recorder.received) == 1


def test_the_ledger_is_private_and_holds_no_health_details(
    serve: Any, plans: dict[str, Plan], sleeps: list[float], tmp_path: Path
) -> None:
    _, port = serve()
    folder = tmp_path / "fresh" / "careplan-data"
    with Ledger(folder) as opened:
        assert send(plans["encrypted"], practice(port, tmp_path), opened, sleeps).status == "sent"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / LEDGER_NAME).stat().st_mode) == 0o600
    raw = (folder / LEDGER_NAME).read_bytes()
    for secret in [PARENT, "Robin", BABY, ADDRESS, *CONDITIONS]:
        assert secret.encode() not in raw


def test_the_default_data_folder_is_created_private(tmp_path: Path) -> None:
    from careplan.mail.send import open_ledger

    with open_ledger(Practice()) as opened:  # no data_folder: $CAREPLAN_DATA (set by the fixture)
        assert opened.folder == tmp_path / "default-data"
        assert stat.S_IMODE(opened.folder.stat().st_mode) == 0o700


# ---------------------------------------------------------------------------------------------------------------
# Failures: temporary, permanent, server down
# ---------------------------------------------------------------------------------------------------------------


def test_a_4xx_is_retried_with_backoff_then_sent(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve(Recorder(data_replies=["451 4.3.0 Try again later"]))
    result = send(plans["plain"], practice(port, tmp_path), ledger, sleeps)
    assert result.status == "sent", result.detail
    assert result.attempts == 2 and sleeps == [2.0]
    assert len(recorder.received) == 1 and recorder.data_calls == 2
    row = ledger.get(plan_key(plans["plain"].data, ADDRESS))
    assert row is not None and (row.status, row.attempts) == ("sent", 2)


def test_a_stop_while_waiting_to_retry_a_refused_send_is_failed_not_unknown(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, tmp_path: Path
) -> None:
    """The server refused the message (4xx after DATA), so nothing was sent: Ctrl-C during the wait before the
    next attempt must leave the plan "failed" (a rerun sends it), not "unknown"."""
    recorder, port = serve(Recorder(data_replies=["451 4.3.0 Try again later"]))

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        send_plan(
            plans["plain"].intake,
            plans["plain"].pdf,
            practice(port, tmp_path),
            ledger=ledger,
            intake_name="robin.json",
            sleep=interrupted,
        )
    row = ledger.get(plan_key(plans["plain"].data, ADDRESS))
    assert row is not None and row.status == "failed", row
    assert recorder.received == []


def test_a_5xx_fails_at_once_and_a_rerun_tries_again(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve(Recorder(data_replies=["554 5.6.0 Message rejected"]))
    result = send(plans["plain"], practice(port, tmp_path), ledger, sleeps)
    assert result.status == "failed"
    assert result.attempts == 1 and sleeps == []
    assert "554" in (result.detail or "") and "nothing was sent" in (result.detail or "")
    row = ledger.get(plan_key(plans["plain"].data, ADDRESS))
    assert row is not None and row.status == "failed" and "554" in (row.error or "")
    # Nothing was delivered, so a rerun sends it.
    assert send(plans["plain"], practice(port, tmp_path), ledger, sleeps).status == "sent"
    assert len(recorder.received) == 1


def test_a_refused_recipient_is_permanent_and_masked(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve(Recorder(rcpt_reply=f"550 5.1.1 <{ADDRESS}>: mailbox unavailable"))
    result = send(plans["plain"], practice(port, tmp_path), ledger, sleeps)
    assert result.status == "failed" and result.attempts == 1 and sleeps == []
    assert "parent's address" in (result.detail or "")
    assert ADDRESS not in (result.detail or "") and "r***@example.org" in (result.detail or "")
    assert recorder.data_calls == 0


def test_a_server_that_is_down_is_retried_then_reported(
    plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there
    result = send(plans["plain"], practice(port, tmp_path), ledger, sleeps)
    assert result.status == "failed"
    assert "connection refused" in (result.detail or "")
    assert result.attempts == 4 and sleeps == [2.0, 4.0, 8.0]
    row = ledger.get(plan_key(plans["plain"].data, ADDRESS))
    assert row is not None and (row.status, row.attempts) == ("failed", 4)


# ---------------------------------------------------------------------------------------------------------------
# TLS, STARTTLS and logging in
# ---------------------------------------------------------------------------------------------------------------


def test_starttls_with_a_login(
    serve: Any,
    plans: dict[str, Plan],
    ledger: Ledger,
    sleeps: list[float],
    tmp_path: Path,
    ca: tuple[trustme.CA, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority, ca_file = ca
    recorder = Recorder()
    _, port = serve(
        recorder,
        tls_context=server_context(authority),
        require_starttls=True,
        auth_required=True,
        authenticator=recorder.authenticator,
    )
    monkeypatch.setenv("CAREPLAN_SMTP_PASSWORD", PASSWORD)
    settings = practice(port, tmp_path, security="starttls", user=USER, ca_file=ca_file)
    result = send(plans["plain"], settings, ledger, sleeps)
    assert result.status == "sent", result.detail
    got = recorder.received[0]
    assert got.tls and got.authenticated
    assert attachment(got.message)[1] == plans["plain"].data


def test_implicit_tls(
    serve: Any,
    plans: dict[str, Plan],
    ledger: Ledger,
    sleeps: list[float],
    tmp_path: Path,
    ca: tuple[trustme.CA, Path],
) -> None:
    authority, ca_file = ca
    recorder = Recorder()
    # aiosmtpd does not see implicit TLS as TLS, so it must be told to offer AUTH without STARTTLS.
    _, port = serve(
        recorder, ssl_context=server_context(authority), auth_require_tls=False, authenticator=recorder.authenticator
    )
    settings = practice(port, tmp_path, security="tls", user=USER, ca_file=ca_file)
    result = send(plans["encrypted"], settings, ledger, sleeps, password=PASSWORD)
    assert result.status == "sent", result.detail
    got = recorder.received[0]
    assert got.tls and got.authenticated
    reader = PdfReader(io.BytesIO(attachment(got.message)[1]))
    assert reader.decrypt(result.passphrase or "")
    assert texts(reader) == texts(PdfReader(plans["encrypted"].pdf))
    assert_no_health_details(got.message)


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_a_certificate_from_an_untrusted_ca_is_refused(
    mode: str,
    serve: Any,
    plans: dict[str, Plan],
    ledger: Ledger,
    sleeps: list[float],
    tmp_path: Path,
    ca: tuple[trustme.CA, Path],
) -> None:
    _, ca_file = ca
    stranger = trustme.CA()  # the server's certificate comes from a CA the practice does not trust
    recorder = Recorder()
    options = {"tls_context": server_context(stranger), "require_starttls": True} if mode == "starttls" else {}
    if mode == "tls":
        options = {"ssl_context": server_context(stranger)}
    _, port = serve(recorder, auth_required=True, authenticator=recorder.authenticator, **options)
    settings = practice(port, tmp_path, security=mode, user=USER, ca_file=ca_file)
    result = send(plans["plain"], settings, ledger, sleeps, password=PASSWORD)
    assert result.status == "failed"
    assert "certificate could not be verified" in (result.detail or "")
    assert result.attempts == 1 and sleeps == []  # never retried
    assert recorder.auth_attempts == 0 and recorder.data_calls == 0  # the password never left


def test_without_a_ca_file_the_system_store_is_used_and_a_private_ca_fails(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path, ca: tuple[trustme.CA, Path]
) -> None:
    authority, _ = ca
    recorder, port = serve(ssl_context=server_context(authority))
    result = send(plans["plain"], practice(port, tmp_path, security="tls"), ledger, sleeps)
    assert result.status == "failed" and "certificate" in (result.detail or "")
    assert recorder.data_calls == 0


def test_a_certificate_for_another_host_name_is_refused(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path, ca: tuple[trustme.CA, Path]
) -> None:
    authority, ca_file = ca
    recorder, port = serve(ssl_context=server_context(authority, "mail.example.org"))
    result = send(plans["plain"], practice(port, tmp_path, security="tls", ca_file=ca_file), ledger, sleeps)
    assert result.status == "failed"
    assert "certificate could not be verified" in (result.detail or "")
    assert recorder.data_calls == 0


def test_starttls_is_required_before_the_login(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path, ca: tuple[trustme.CA, Path]
) -> None:
    _, ca_file = ca
    recorder = Recorder()
    _, port = serve(recorder, auth_require_tls=False, authenticator=recorder.authenticator)  # offers no STARTTLS
    settings = practice(port, tmp_path, security="starttls", user=USER, ca_file=ca_file)
    result = send(plans["plain"], settings, ledger, sleeps, password=PASSWORD)
    assert result.status == "failed"
    assert "does not offer STARTTLS" in (result.detail or "")
    assert recorder.auth_attempts == 0 and recorder.data_calls == 0


def test_a_bad_login_fails_at_once_and_the_password_never_shows(
    serve: Any,
    plans: dict[str, Plan],
    ledger: Ledger,
    sleeps: list[float],
    tmp_path: Path,
    ca: tuple[trustme.CA, Path],
) -> None:
    authority, ca_file = ca
    recorder = Recorder()
    _, port = serve(
        recorder,
        tls_context=server_context(authority),
        require_starttls=True,
        auth_required=True,
        authenticator=recorder.authenticator,
    )
    wrong = "Wrong-Password-9zq"
    settings = practice(port, tmp_path, security="starttls", user=USER, ca_file=ca_file)
    result = send(plans["plain"], settings, ledger, sleeps, password=wrong)
    assert result.status == "failed"
    assert "refused the login" in (result.detail or "")
    assert result.attempts == 1 and sleeps == []
    assert 1 <= recorder.auth_attempts <= 2 and recorder.data_calls == 0  # smtplib tries PLAIN, then LOGIN; once
    row = ledger.get(plan_key(plans["plain"].data, ADDRESS))
    assert row is not None and row.status == "failed"
    stored = (ledger.folder / LEDGER_NAME).read_bytes().decode("latin-1")
    for shown in (repr(result), str(result.detail), repr(row), stored):
        assert wrong not in shown


def test_plain_smtp_is_refused_off_this_computer(
    plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="loopback"):
        Smtp(host="mail.example.org", security="plain", from_address=FROM)
    # Even settings that slipped past validation are checked on the resolved address, before connecting.
    unchecked = Smtp.model_construct(
        host="192.0.2.25", port=25, security="plain", from_address=FROM, user=None, timeout_seconds=1.0
    )
    settings = Practice.model_construct(smtp=unchecked, data_folder=tmp_path)
    with pytest.raises(MailSetupError, match="not on this computer"):
        send(plans["plain"], settings, ledger, sleeps)
    row = ledger.get(plan_key(plans["plain"].data, ADDRESS))
    assert row is not None and row.status == "failed"  # nothing was sent


def test_settings_problems_are_reported_plainly(plans: dict[str, Plan], ledger: Ledger, sleeps: list[float]) -> None:
    with pytest.raises(MailSetupError, match=r"no \[smtp\] section"):
        send(plans["plain"], Practice(), ledger, sleeps)
    settings = practice(2525, Path("unused"), user=USER, password_env="CAREPLAN_TEST_PW")  # noqa: S106
    with pytest.raises(MailSetupError, match="CAREPLAN_TEST_PW") as raised:
        send(plans["plain"], settings, ledger, sleeps)
    assert "keyring set careplan jordan" in str(raised.value)
    assert ledger.rows() == []


def test_the_password_comes_from_the_environment_or_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    smtp = Smtp(host="smtp.example.org", user=USER, from_address=FROM, password_env="CAREPLAN_TEST_PW")  # noqa: S106
    assert resolve_password(Smtp(host="smtp.example.org", from_address=FROM)) is None  # no user, no login
    keyring = {USER: "from-keyring"}
    monkeypatch.setattr("careplan.mail.credentials._keyring_password", keyring.get)
    assert resolve_password(smtp) == "from-keyring"
    monkeypatch.setenv("CAREPLAN_TEST_PW", "from-env")
    assert resolve_password(smtp) == "from-env"


# ---------------------------------------------------------------------------------------------------------------
# Dry runs and templates
# ---------------------------------------------------------------------------------------------------------------


def test_a_dry_run_writes_private_eml_files_and_sends_nothing(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    outbox = tmp_path / "outbox"
    settings = practice(port, tmp_path, user=USER)  # no password needed for a dry run
    plain = send(plans["plain"], settings, ledger, sleeps, dry_run=True, outbox=outbox)
    locked = send(plans["encrypted"], settings, ledger, sleeps, dry_run=True, outbox=outbox)

    assert (plain.status, locked.status) == ("dry-run", "dry-run")
    assert recorder.data_calls == 0 and ledger.rows() == []
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    for result in (plain, locked):
        assert result.eml is not None and result.eml.parent == outbox
        assert stat.S_IMODE(result.eml.stat().st_mode) == 0o600
    message = email.message_from_bytes(plain.eml.read_bytes(), policy=policy.default)  # type: ignore[union-attr]
    assert isinstance(message, EmailMessage)
    assert attachment(message)[1] == plans["plain"].data
    assert_no_health_details(message)
    encrypted = email.message_from_bytes(locked.eml.read_bytes(), policy=policy.default)  # type: ignore[union-attr]
    assert isinstance(encrypted, EmailMessage)
    assert PdfReader(io.BytesIO(attachment(encrypted)[1])).decrypt(locked.passphrase or "")
    # A dry run after a real send says so, and writes nothing.
    assert send(plans["plain"], practice(port, tmp_path), ledger, sleeps).status == "sent"
    again = send(plans["plain"], settings, ledger, sleeps, dry_run=True, outbox=tmp_path / "second")
    assert again.status == "skipped-already-sent" and not (tmp_path / "second").exists()


def test_the_message_id_is_stable_and_uses_the_senders_domain(plans: dict[str, Plan]) -> None:
    key = plan_key(plans["plain"].data, ADDRESS)
    assert key == plan_key(plans["plain"].data, "  Robin.Quill@EXAMPLE.org ")
    assert message_id_for(key, FROM) == message_id_for(key, FROM)
    assert message_id_for(key, FROM).endswith("@riverside.example.org>")
    assert message_id_for(key, FROM) != message_id_for(plan_key(plans["plain"].data, OTHER_ADDRESS), FROM)
    assert message_id_for(key, FROM, 2) != message_id_for(key, FROM)


def test_a_practice_can_edit_the_message_templates_in_a_sandbox(
    serve: Any, plans: dict[str, Plan], ledger: Ledger, sleeps: list[float], tmp_path: Path
) -> None:
    recorder, port = serve()
    folder = tmp_path / "my-templates"
    folder.mkdir()
    (folder / "email.txt").write_text("Hi from {{ practice.name }}! {% if encrypted %}Password by phone.{% endif %}\n")
    (folder / "email.html").write_text("<p>Hi from {{ practice.name }} {{ '<b>' }}</p>\n")
    settings = practice(port, tmp_path).model_copy(update={"templates": folder})
    assert send(plans["encrypted"], settings, ledger, sleeps).status == "sent"
    text, html = bodies(recorder.received[0].message)
    assert text.strip() == "Hi from Riverside Lactation Care! Password by phone."
    assert "&lt;b&gt;" in html  # HTML is escaped

    (folder / "email.txt").write_text("{{ practice.__class__.__mro__ }}\n")
    with pytest.raises(MailTemplateError, match="sandbox"):
        send(plans["other"], settings, ledger, sleeps, dry_run=True)


def test_no_real_folder_is_touched() -> None:
    assert "default-data" in os.environ["CAREPLAN_DATA"]


def test_a_servers_words_never_carry_the_parents_address() -> None:
    from careplan.mail.transport import mask_addresses

    reply = "550 5.1.1 <ROBIN.QUILL@EXAMPLE.ORG>: rejected; user Robin.Quill unknown; also robin.quill@example.org"
    masked = mask_addresses(reply, "robin.quill@example.org")
    assert "robin.quill" not in masked.casefold()
    assert masked == "550 5.1.1 <R***@EXAMPLE.ORG>: rejected; user r*** unknown; also r***@example.org"


def test_the_ledger_refuses_a_symbolic_link(tmp_path: Path) -> None:
    from careplan.mail.ledger import LEDGER_NAME, LedgerError

    folder = tmp_path / "data"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.sqlite3"
    (folder / LEDGER_NAME).symlink_to(elsewhere)
    with pytest.raises(LedgerError) as caught:
        Ledger(folder)
    link = folder / LEDGER_NAME
    assert caught.value.lines == [f"{link}: is a symbolic link; careplan keeps its send ledger in a real file"]
    assert not elsewhere.exists()


def test_a_killed_send_leaves_its_scratch_folder_only_in_the_private_data_folder(tmp_path: Path) -> None:
    """`careplan email` renders plans in the ledger's folder (0700), never the shared temporary folder; a folder
    left by a killed run is removed the next time the ledger opens."""
    from careplan.mail.ledger import SCRATCH_PREFIX, STALE_SCRATCH_SECONDS

    folder = tmp_path / "data"
    with Ledger(folder):
        pass
    left = folder / f"{SCRATCH_PREFIX}abc123"
    left.mkdir()
    (left / "care-plan.pdf").write_bytes(b"%PDF-")
    fresh = folder / f"{SCRATCH_PREFIX}running"
    fresh.mkdir()
    old = time.time() - STALE_SCRATCH_SECONDS - 60
    os.utime(left, (old, old))
    with Ledger(folder):
        pass
    assert not left.exists(), "a killed run's scratch folder is removed"
    assert fresh.exists(), "a running send's folder is left alone"
    assert (folder.stat().st_mode & 0o777) == 0o700
