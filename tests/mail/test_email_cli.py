"""`careplan email`: a batch against a real SMTP server on 127.0.0.1, a rerun that sends nothing twice, --status,
--dry-run, one failure that does not stop the others, clean errors and exit codes, and the password never printed.

The batch test lets the command render its plans (the real path); the others pass one PDF rendered once for the
module with --pdf.
"""

from __future__ import annotations

import email
import io
import re
import stat
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from click.testing import CliRunner, Result
from pypdf import PdfReader

from careplan.cli import cli
from careplan.intake import Intake
from careplan.mail.keys import intake_key, message_id_for, plan_key
from careplan.mail.ledger import Ledger
from careplan.mail.transport import mask_address
from careplan.pipeline import write_plan_pdf
from careplan.practice import Practice
from careplan.rules.library import Library
from tests.mail.test_email import (
    ADDRESS,
    CASEY,
    FROM,
    HEALTH_WORDS,
    OTHER_ADDRESS,
    PASSWORD,
    USER,
    Recorder,
    attachment,
    family,
    free_port,
    server_context,
    smtp_servers,
)

pytestmark = pytest.mark.slow  # slow: renders plans and sends them to a real SMTP server

SECRET = "Hunter2-never-print-me-4471"  # noqa: S105 - the test's SMTP password


@pytest.fixture(autouse=True)
def _email_registered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real data folder or password."""
    monkeypatch.setenv("CAREPLAN_DATA", str(tmp_path / "default-data"))
    monkeypatch.delenv("CAREPLAN_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr("careplan.mail.credentials._keyring_password", lambda user: None)


@pytest.fixture
def serve() -> Iterator[Callable[..., tuple[Recorder, int]]]:
    with smtp_servers() as start:
        yield start


def write_intake(folder: Path, name: str, intake: Intake) -> Path:
    path = folder / name
    path.write_text(intake.model_dump_json(indent=2), encoding="utf-8")
    return path


def write_practice(folder: Path, port: int, **smtp: str) -> Path:
    settings = {"host": "127.0.0.1", "security": "plain", "from_address": FROM, **smtp}
    lines = [
        'name = "Riverside Lactation Care"',
        'data_folder = "data"',
        "[smtp]",
        f"port = {port}",
        "timeout_seconds = 5",
        *(f'{key} = "{value}"' for key, value in settings.items()),
    ]
    path = folder / "practice.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def email_cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["email", *map(str, args)])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, library: Library) -> tuple[Path, Path]:
    """One intake file (unencrypted email accepted) and its plan PDF, for the whole module."""
    folder = tmp_path_factory.mktemp("rendered")
    intake = family(unencrypted=True)
    path = write_intake(folder, "robin.json", intake)
    pdf = folder / "robin.pdf"
    write_plan_pdf(intake, pdf, library=library, practice=Practice(name="Riverside Lactation Care"))
    return path, pdf


def parsed(content: bytes) -> EmailMessage:
    message = email.message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_a_batch_is_sent_once_and_a_rerun_sends_nothing_twice(serve: Any, tmp_path: Path) -> None:
    recorder, port = serve()
    settings = write_practice(tmp_path, port)
    batch = [
        write_intake(tmp_path, "robin.json", family(unencrypted=True)),
        write_intake(tmp_path, "casey.json", family(address=OTHER_ADDRESS, **CASEY)),
        write_intake(tmp_path, "no-consent.json", family(email_plan=False, address="jo@example.org")),
    ]

    first = email_cli(*batch, "--practice", settings)
    assert first.exit_code == 0, first.output
    assert "robin.json: sent to r***@example.org; PDF not encrypted" in first.stdout
    assert "casey.json: sent to c***@example.org; PDF encrypted" in first.stdout
    assert "no-consent.json: not sent: the intake records no consent" in first.stdout
    assert first.stdout.strip().endswith("email: 2 sent, 1 without consent")
    assert sorted(r.rcpt_tos[0] for r in recorder.received) == sorted([ADDRESS, OTHER_ADDRESS])

    # The encrypted plan opens with the password shown, once, to the consultant.
    passwords = re.findall(r"PDF password \(.*?\): (\S+)", first.stdout)
    assert len(passwords) == 1
    casey = next(r for r in recorder.received if r.rcpt_tos[0] == OTHER_ADDRESS)
    assert PdfReader(io.BytesIO(attachment(casey.message)[1])).decrypt(passwords[0])
    for received in recorder.received:
        subject = str(received.message["Subject"])
        assert not any(word.lower() in subject.lower() for word in HEALTH_WORDS)

    again = email_cli(*batch, "--practice", settings)
    assert again.exit_code == 0, again.output
    assert len(recorder.received) == 2  # nothing new
    assert again.stdout.count("not sent again: already sent to") == 2
    assert "PDF password" not in again.stdout
    assert again.stdout.strip().endswith("email: 2 already sent, 1 without consent")

    status = email_cli("--status", "--practice", settings)
    assert status.exit_code == 0, status.output
    rows = status.stdout.strip().splitlines()
    assert len(rows) == 2
    assert all(" sent " in row for row in rows)
    assert any("robin.json" in row and "r***@example.org" in row and "not encrypted" in row for row in rows)
    assert passwords[0] not in status.output
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_one_failure_does_not_stop_the_rest_and_exits_1(serve: Any, tmp_path: Path) -> None:
    recorder, port = serve(Recorder(refuse={ADDRESS}))
    settings = write_practice(tmp_path, port)
    batch = [
        write_intake(tmp_path, "robin.json", family(unencrypted=True)),
        write_intake(tmp_path, "casey.json", family(address=OTHER_ADDRESS, unencrypted=True)),
    ]
    result = email_cli(*batch, "--practice", settings)
    assert result.exit_code == 1
    assert "robin.json: FAILED to r***@example.org: the server refused the parent's address: 550" in result.stderr
    assert "casey.json: sent" in result.stdout
    assert [r.rcpt_tos for r in recorder.received] == [[OTHER_ADDRESS]]
    assert "email: 1 sent, 1 failed" in result.stdout


def test_dry_run_writes_eml_files_and_sends_nothing(serve: Any, rendered: tuple[Path, Path], tmp_path: Path) -> None:
    recorder, port = serve()
    intake, pdf = rendered
    settings = write_practice(tmp_path, port, user=USER)  # no password needed: nothing is sent
    outbox = tmp_path / "outbox"
    result = email_cli(intake, "--pdf", pdf, "--practice", settings, "--dry-run", "--outbox", outbox)
    assert result.exit_code == 0, result.output
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1 and files[0].name.startswith("robin-")
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert str(files[0]) in result.stdout and "dry run, nothing sent" in result.stdout
    assert attachment(parsed(files[0].read_bytes()))[1] == pdf.read_bytes()
    assert recorder.data_calls == 0
    status = email_cli("--status", "--practice", settings)
    assert "no plans in the send ledger" in status.stdout


def test_a_pdf_is_checked_against_its_intake(serve: Any, rendered: tuple[Path, Path], tmp_path: Path) -> None:
    recorder, port = serve()
    _, pdf = rendered
    someone_else = write_intake(tmp_path, "casey.json", family(address=OTHER_ADDRESS, unencrypted=True))
    result = email_cli(someone_else, "--pdf", pdf, "--practice", write_practice(tmp_path, port))
    assert result.exit_code == 1
    assert "made from a different intake" in result.stderr
    assert recorder.data_calls == 0


def test_the_password_is_never_printed(
    serve: Any, rendered: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    recorder = Recorder()
    _, port = serve(
        recorder,
        tls_context=server_context(authority),
        require_starttls=True,
        auth_required=True,
        authenticator=recorder.authenticator,
    )
    intake, pdf = rendered
    settings = write_practice(tmp_path, port, security="starttls", user=USER, ca_file=str(ca_file))
    monkeypatch.setenv("CAREPLAN_SMTP_PASSWORD", SECRET)
    refused = email_cli(intake, "--pdf", pdf, "--practice", settings)
    assert refused.exit_code == 1
    assert "refused the login" in refused.stderr
    assert SECRET not in refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    status = email_cli("--status", "--practice", settings)
    assert " failed " in status.stdout and SECRET not in status.output

    monkeypatch.setenv("CAREPLAN_SMTP_PASSWORD", PASSWORD)  # the right one now: a rerun sends it
    sent = email_cli(intake, "--pdf", pdf, "--practice", settings)
    assert sent.exit_code == 0, sent.output
    assert PASSWORD not in sent.output
    assert len(recorder.received) == 1 and recorder.received[0].tls and recorder.received[0].authenticated


def test_an_interrupted_send_is_reported_unknown_and_exits_1(
    serve: Any, rendered: tuple[Path, Path], tmp_path: Path
) -> None:
    recorder, port = serve()
    intake_path, pdf = rendered
    settings = write_practice(tmp_path, port)
    intake = family(unencrypted=True)
    key = plan_key(pdf.read_bytes(), ADDRESS)
    with Ledger(tmp_path / "data") as crashed:
        crashed.claim(
            key,
            intake_key=intake_key(intake, ADDRESS),
            recipient=mask_address(ADDRESS),
            intake="robin.json",
            message_id=message_id_for(key, FROM),
            encrypted=False,
        )
    result = email_cli(intake_path, "--pdf", pdf, "--practice", settings)
    assert result.exit_code == 1
    assert "careplan stopped while sending it" in result.stderr
    assert "robin.json: UNKNOWN whether it arrived" in result.stderr
    assert "--resend-unknown" in result.stderr
    assert recorder.data_calls == 0

    resent = email_cli(intake_path, "--pdf", pdf, "--practice", settings, "--resend-unknown")
    assert resent.exit_code == 0, resent.output
    assert len(recorder.received) == 1


def test_settings_and_usage_problems(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    intake, pdf = rendered
    no_smtp = tmp_path / "no-smtp.toml"
    no_smtp.write_text('name = "Riverside"\ndata_folder = "data"\n', encoding="utf-8")
    result = email_cli(intake, "--practice", no_smtp)
    assert result.exit_code == 1
    assert "no [smtp] section" in result.stderr

    settings = write_practice(tmp_path, free_port(), user=USER)
    missing = email_cli(intake, "--pdf", pdf, "--practice", settings)
    assert missing.exit_code == 1
    assert "no SMTP password for jordan: set the environment variable CAREPLAN_SMTP_PASSWORD" in missing.stderr

    leaked = tmp_path / "leaky.toml"
    leaked.write_text(settings.read_text() + 'password = "in-the-file"\n', encoding="utf-8")
    refused = email_cli(intake, "--practice", leaked)
    assert refused.exit_code == 1 and "never put a password in the practice file" in refused.stderr
    assert "in-the-file" not in refused.output

    for args in (
        [],
        [intake, intake, "--pdf", pdf],
        [intake, "--outbox", tmp_path / "out"],
        [intake, "--status"],
    ):
        usage = email_cli(*map(str, args), "--practice", settings)
        assert usage.exit_code == 2, (args, usage.output)


def test_rendered_plans_are_emailed_once_after_an_interview_or_batch(
    serve: Any, rendered: tuple[Path, Path], tmp_path: Path
) -> None:
    """`interview --render --email` and `batch --email` hand their plans to the same sender: consent checked,
    sent once, a second call sends nothing."""
    from careplan.cli.email import send_rendered
    from careplan.intake import load_intake

    recorder, port = serve()
    settings = write_practice(tmp_path, port)
    intake_path, pdf = rendered
    plans = [(load_intake(intake_path), pdf, intake_path.name)]
    send_rendered(plans, settings)
    assert len(recorder.received) == 1
    assert attachment(parsed(recorder.received[0].content))[1] == pdf.read_bytes()
    send_rendered(plans, settings)
    assert len(recorder.received) == 1, "a plan is never sent twice"


def test_batch_email_sends_each_consenting_plan_once(serve: Any, tmp_path: Path) -> None:
    """`careplan batch --email`: plans with consent are sent after rendering, those without are not, and a
    rerun of the batch sends nothing twice."""
    recorder, port = serve()
    settings = write_practice(tmp_path, port)
    SAM: dict[str, Any] = {"parent.name": "Sam Other"}
    folder = tmp_path / "intakes"
    folder.mkdir()
    write_intake(folder, "a.json", family(unencrypted=True))
    write_intake(folder, "b.json", family(email_plan=False, **SAM))
    args = ["batch", str(folder), "-o", str(tmp_path / "plans"), "--jobs", "1", "--practice", str(settings), "--email"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert len(recorder.received) == 1
    assert recorder.received[0].rcpt_tos == [ADDRESS]
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert len(recorder.received) == 1, "a rerun sends nothing twice"
    assert CliRunner().invoke(cli, ["batch", str(folder), "-o", str(tmp_path / "p2"), "--email"]).exit_code == 2
