"""Sending letters to the family's clinicians (`careplan letter --send email|fax`): against a real SMTP server
(aiosmtpd) on 127.0.0.1 with TLS (trustme), reusing the plan-email tests' server and helpers.

Each received message is parsed back: the attachment is ``letter.pdf`` (encrypted by email, opening with the
password printed once; byte for byte by fax), the subject and body carry no names and no health details, a fax goes
to the gateway address made from the member's number, and a rerun sends nothing. Also: no fax without TLS, no
letter without an address, a PDF carrying the intake is refused. The letters are rendered once for the module.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
import trustme
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from careplan.errors import InputError
from careplan.intake import ATTACHMENT, Intake, load_intake
from careplan.mail.keys import plan_key
from careplan.mail.ledger import Ledger
from careplan.mail.letters import (
    LETTER_ATTACHMENT,
    LetterRefused,
    build_letter_message,
    fax_address,
    letter_subject,
    send_letter,
)
from careplan.mail.transport import MailSetupError
from careplan.pipeline import write_letter_pdf
from careplan.practice import Practice, Smtp
from careplan.rules.library import Library
from tests.conftest import ROOT, make_intake
from tests.mail.test_email import FROM, Recorder, server_context, smtp_servers

EXAMPLE = ROOT / "intake_forms" / "relactation" / "examples" / "05-preterm-twins-nicu-follow-up.json"
BABY_DOCTOR = "omar.sampleman@example.org"
#: Words that would give away the family, the clinicians or their health in a subject or a body.
PRIVATE_WORDS = [
    *("Greta", "Mustermann", "Probe", "Ida", "Jonas", "Omar", "Sampleman", "Ines", "Mockwell"),
    *("preterm", "twins", "NICU", "relactation", "supplement", "formula", "weight"),
]
GATEWAY = "{number}@fax.example.net"


@dataclass(frozen=True)
class Letters:
    intake: Intake
    file: Path
    pdfs: dict[str, Path]


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory, library: Library) -> Letters:
    """The example's letters to the baby's clinician (email and fax) and the parent's (fax only), rendered once."""
    folder = tmp_path_factory.mktemp("letters")
    intake = load_intake(EXAMPLE)
    pdfs = {}
    for role in ("baby_clinician", "parent_clinician"):
        pdf = folder / f"letter-{role}.pdf"
        write_letter_pdf(intake, pdf, library=library, practice=Practice(name="Riverside Lactation Care"), role=role)
        pdfs[role] = pdf
    return Letters(intake, EXAMPLE, pdfs)


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


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never the real data folder, never a password from the environment or the real keyring."""
    monkeypatch.setenv("CAREPLAN_DATA", str(tmp_path / "default-data"))
    monkeypatch.delenv("CAREPLAN_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr("careplan.mail.credentials._keyring_password", lambda user: None)


def practice(port: int, data: Path, **smtp: Any) -> Practice:
    settings = {"host": "127.0.0.1", "port": port, "security": "plain", "from_address": FROM, "timeout_seconds": 5}
    settings.update(smtp)
    return Practice(name="Riverside Lactation Care", smtp=Smtp(**settings), data_folder=data)


def send_letters(*args: Any, **kwargs: Any) -> None:
    from careplan.cli.letter_send import send_letters as send

    send(*args, **kwargs)


def pdf_with(attachment: str | None = None) -> bytes:
    """A one-page PDF, with an embedded file of that name when given."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if attachment is not None:
        writer.add_attachment(attachment, b"{}")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def the_attachment(message: Any) -> tuple[str | None, bytes]:
    parts = list(message.iter_attachments())
    assert len(parts) == 1
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return parts[0].get_filename(), payload


def assert_nothing_private(message: Any) -> None:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert message["To"].addresses[0].display_name == ""  # the address alone, no name
    for part in (str(message["Subject"]), str(message["From"]), body.get_content()):
        for word in PRIVATE_WORDS:
            assert word.lower() not in part.lower(), f"{word!r} leaked into the message"


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


# ---------------------------------------------------------------------------------------------------------------
# By email and by fax, against a real server with TLS
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.slow  # renders letters, runs an SMTP server
def test_email_is_encrypted_sent_once_and_a_missing_address_is_one_line(
    serve: Any,
    letters: Letters,
    tmp_path: Path,
    ca: tuple[trustme.CA, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    authority, ca_file = ca
    recorder, port = serve(Recorder(), ssl_context=server_context(authority))
    settings = practice(port, tmp_path / "data", security="tls", ca_file=ca_file)

    with pytest.raises(InputError) as caught:
        send_letters(letters.intake, letters.pdfs, how="email", practice=settings, file=letters.file)
    # The parent's clinician has a fax number only: one line, after the baby's letter was sent.
    assert caught.value.lines == [
        f"{letters.file}: parent_clinician: no email address in the care team; letter not sent"
    ]
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"{letters.file}: baby_clinician: sent by email to o***@example.org; PDF encrypted"
    password = re.fullmatch(r"  PDF password \(read it to the clinic by phone.*\): (\S+)", lines[1])
    assert password is not None and len(lines) == 2
    assert password.group(1) not in err

    assert len(recorder.received) == 1
    got = recorder.received[0]
    assert got.tls and got.rcpt_tos == [BABY_DOCTOR]
    message = got.message
    assert message["Subject"] == "Letter from Riverside Lactation Care"
    assert message["To"] == BABY_DOCTOR
    name, pdf = the_attachment(message)
    assert name == LETTER_ATTACHMENT
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted and reader.decrypt(password.group(1))
    assert texts(reader) == texts(PdfReader(letters.pdfs["baby_clinician"]))
    assert not any("intake" in str(n).lower() for n in reader.attachments)
    assert_nothing_private(message)
    assert "password by phone" in str(message.get_body(preferencelist=("plain",)).get_content())

    # A second run sends nothing, and shows no password.
    with pytest.raises(InputError):
        send_letters(letters.intake, letters.pdfs, how="email", practice=settings, file=letters.file)
    out, _ = capsys.readouterr()
    (line,) = out.splitlines()
    assert line.startswith(f"{letters.file}: baby_clinician: already sent: sent to o***@example.org on ")
    assert len(recorder.received) == 1


@pytest.mark.slow  # renders letters, runs an SMTP server
def test_fax_goes_to_the_gateway_address_unencrypted_over_starttls_once(
    serve: Any,
    letters: Letters,
    tmp_path: Path,
    ca: tuple[trustme.CA, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    authority, ca_file = ca
    recorder, port = serve(Recorder(), tls_context=server_context(authority), require_starttls=True)
    settings = practice(port, tmp_path / "data", security="starttls", ca_file=ca_file, fax_gateway=GATEWAY)

    send_letters(letters.intake, letters.pdfs, how="fax", practice=settings, file=letters.file)
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        f"{letters.file}: baby_clinician: sent by fax to 1***@fax.example.net; PDF not encrypted (fax)",
        f"{letters.file}: parent_clinician: sent by fax to 1***@fax.example.net; PDF not encrypted (fax)",
    ]
    assert "password" not in out.lower()
    # "+1 555 013 4401" and "+1 555 017 8800" in the care team: digits only in the gateway's address.
    assert [r.rcpt_tos for r in recorder.received] == [["15550134401@fax.example.net"], ["15550178800@fax.example.net"]]
    for got, role in zip(recorder.received, ("baby_clinician", "parent_clinician"), strict=True):
        assert got.tls
        name, pdf = the_attachment(got.message)
        assert name == LETTER_ATTACHMENT and pdf == letters.pdfs[role].read_bytes()
        assert got.message["Subject"] == "Letter from Riverside Lactation Care"
        assert_nothing_private(got.message)

    send_letters(letters.intake, letters.pdfs, how="fax", practice=settings, file=letters.file)
    out, _ = capsys.readouterr()
    assert [line.split(": ")[2] for line in out.splitlines()] == ["already sent", "already sent"]
    assert len(recorder.received) == 2


@pytest.mark.slow  # renders letters
def test_a_re_rendered_letter_of_a_sent_one_is_not_sent_again(
    letters: Letters, tmp_path: Path, ca: tuple[trustme.CA, Path]
) -> None:
    """The ledger's second key: the same intake, role and address, whatever the PDF's bytes."""
    from careplan.mail.letters import letter_key

    _, ca_file = ca
    settings = practice(1, tmp_path / "data", security="tls", ca_file=ca_file)
    first = tmp_path / "first.pdf"
    first.write_bytes(letters.pdfs["baby_clinician"].read_bytes())
    same = letter_key(letters.intake, "baby_clinician", "email", BABY_DOCTOR)
    with Ledger(tmp_path / "data") as ledger:
        key = plan_key(first.read_bytes(), BABY_DOCTOR)
        assert (
            ledger.claim(key, intake_key=same, recipient="o***", intake="x", message_id="<m@x>", encrypted=True) is None
        )
        ledger.mark_sent(key)
        changed = tmp_path / "changed.pdf"
        changed.write_bytes(pdf_with())
        result = send_letter(
            changed, address=BABY_DOCTOR, practice=settings, ledger=ledger, kind="email", same_letter=same
        )
    assert result.status == "skipped-already-sent" and "an earlier render of the same letter" in (result.detail or "")


# ---------------------------------------------------------------------------------------------------------------
# Refusals and the message, without a server
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("security", ["plain"])
def test_fax_is_refused_without_tls_naming_the_practice_file_and_key(tmp_path: Path, security: str) -> None:
    settings = practice(2525, tmp_path / "data", security=security, fax_gateway=GATEWAY)
    intake = make_intake(
        **{
            "care_team": [{"role": "baby_clinician", "name": "Dr. Test", "fax": "+1 555 010 0000"}],
            "consent.share_with_care_team": True,
        }
    )

    @click.command()
    @click.option("--practice")
    def command(practice: str) -> None:
        send_letters(intake, {"baby_clinician": tmp_path / "x.pdf"}, how="fax", practice=settings, file=Path("i.json"))

    result = CliRunner().invoke(command, ["--practice", "clinic.toml"])
    assert isinstance(result.exception, MailSetupError)
    assert result.exception.lines == [
        'clinic.toml: smtp › security: faxes are sent only over TLS (security is "plain"); '
        'set security = "tls" or "starttls"'
    ]
    assert not (tmp_path / "data").exists()  # refused before the ledger is opened


def test_fax_needs_a_gateway(tmp_path: Path) -> None:
    with pytest.raises(MailSetupError) as caught:
        fax_address(practice(465, tmp_path, security="tls"), "+1 555 010 0000")
    assert caught.value.lines[0].startswith("the practice file: smtp › fax_gateway: not set")


@pytest.mark.parametrize(
    ("gateway", "number", "address"),
    [
        ("{number}@fax.example.net", "+1 555 013 4401", "15550134401@fax.example.net"),
        ("{number}@fax.example.net", "(555) 013-4401", "5550134401@fax.example.net"),
        ("+{number}@fax.example.net", "+44 20 7946 0000", "+442079460000@fax.example.net"),
        ("fax-{number}@send.example.org", "555.013.4401", "fax-5550134401@send.example.org"),
    ],
)
def test_the_fax_address_is_the_gateway_with_the_numbers_digits(
    tmp_path: Path, gateway: str, number: str, address: str
) -> None:
    assert fax_address(practice(465, tmp_path, security="tls", fax_gateway=gateway), number) == address


def test_an_international_gateway_refuses_a_number_without_its_country_code(tmp_path: Path) -> None:
    with pytest.raises(LetterRefused, match="no leading"):
        fax_address(practice(465, tmp_path, security="tls", fax_gateway="+{number}@fax.example.net"), "555 013 4401")


@pytest.mark.parametrize("name", [ATTACHMENT, "Intake.JSON", "intake-copy.json"])
def test_a_pdf_carrying_the_intake_is_refused_and_nothing_is_recorded(tmp_path: Path, name: str) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(pdf_with(name))
    with Ledger(tmp_path / "data") as ledger:
        result = send_letter(pdf, address=BABY_DOCTOR, practice=practice(1, tmp_path), ledger=ledger, kind="email")
        assert ledger.rows() == []
    assert result.status == "failed"
    assert "embedded file named like the intake" in (result.detail or "")


def test_a_missing_member_or_address_is_one_line_each_and_nothing_is_sent(tmp_path: Path) -> None:
    intake = make_intake(
        **{
            "care_team": [{"role": "baby_clinician", "name": "Dr. Test", "email": "test@example.org"}],
            "consent.share_with_care_team": True,
        }
    )
    pdfs = {"baby_clinician": tmp_path / "a.pdf", "prescriber": tmp_path / "b.pdf"}
    settings = practice(465, tmp_path / "data", security="tls", fax_gateway=GATEWAY)
    with pytest.raises(InputError) as caught:
        send_letters(intake, pdfs, how="fax", practice=settings, file=Path("family.json"))
    assert caught.value.lines == [
        "family.json: baby_clinician: no fax number in the care team; letter not sent",
        "family.json: prescriber: nobody with this role in the care team; letter not sent",
    ]
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(("fax", "encrypted"), [(False, True), (True, False)])
def test_the_message_carries_the_practice_only(tmp_path: Path, fax: bool, encrypted: bool) -> None:
    settings = practice(465, tmp_path, security="tls")
    message = build_letter_message(
        settings, recipient=BABY_DOCTOR, pdf=pdf_with(), encrypted=encrypted, fax=fax, message_id="<a@b>"
    )
    assert message["Subject"] == letter_subject(settings) == "Letter from Riverside Lactation Care"
    assert the_attachment(message)[0] == LETTER_ATTACHMENT
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and message.get_body(preferencelist=("html",)) is None  # plain text only
    text = body.get_content()
    assert "Riverside Lactation Care" in text
    assert ("password" in text) is encrypted


@pytest.mark.slow  # renders letters twice, runs an SMTP server
def test_careplan_letter_send_fax_end_to_end_and_a_rerun_sends_nothing(
    serve: Any, tmp_path: Path, ca: tuple[trustme.CA, Path]
) -> None:
    from careplan.cli import cli

    authority, ca_file = ca
    recorder, port = serve(Recorder(), ssl_context=server_context(authority))
    settings = tmp_path / "practice.toml"
    settings.write_text(
        'name = "Riverside Lactation Care"\ndata_folder = "data"\n[smtp]\nhost = "127.0.0.1"\n'
        f'port = {port}\nsecurity = "tls"\nca_file = "{ca_file}"\nfrom_address = "{FROM}"\n'
        f'fax_gateway = "{GATEWAY}"\n',
        encoding="utf-8",
    )
    command = ["letter", str(EXAMPLE), "-o", str(tmp_path / "out"), "--send", "fax", "--practice", str(settings)]
    first = CliRunner().invoke(cli, command)
    assert first.exit_code == 0, first.output
    sent = [line for line in first.stdout.splitlines() if ": sent by fax" in line]
    assert [line.split(": ")[1] for line in sent] == ["baby_clinician", "parent_clinician", "prescriber"]
    assert sorted(r.rcpt_tos[0] for r in recorder.received) == [
        "15550134401@fax.example.net",
        "15550178800@fax.example.net",
        "15550178800@fax.example.net",
    ]
    for got in recorder.received:
        assert the_attachment(got.message)[0] == LETTER_ATTACHMENT
        assert_nothing_private(got.message)

    again = CliRunner().invoke(cli, command)  # renders the letters again
    assert again.exit_code == 0, again.output
    assert [line.split(": ")[2] for line in again.stdout.splitlines() if ": already sent" in line] == [
        "already sent"
    ] * 3
    assert len(recorder.received) == 3
