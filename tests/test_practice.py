"""The practice file: never a password in it, never plain SMTP off this computer, and `careplan practice check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from careplan.errors import InputError
from careplan.practice import STARTER, load_practice

SMTP = '[smtp]\nhost = "{host}"\nsecurity = "{security}"\nfrom_address = "plans@example.org"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "practice.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_starter_file_loads(tmp_path: Path) -> None:
    practice = load_practice(write(tmp_path, STARTER))
    assert practice.name == "Riverside Lactation Care"
    assert practice.smtp is None


def test_password_in_the_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = write(tmp_path, SMTP.format(host="smtp.example.org", security="tls") + 'password = "hunter2-secret"\n')
    with pytest.raises(InputError) as caught:
        load_practice(path)
    assert len(caught.value.lines) == 1
    assert "never put a password" in caught.value.lines[0]
    assert "hunter2-secret" not in str(caught.value)


@pytest.mark.parametrize("typed", ["000000", "HUNTER_TWO"])
def test_a_password_typed_as_the_variable_name_too_is_not_echoed(tmp_path: Path, typed: str) -> None:
    """Found by the practice-file fuzz test: the message names password_env, which held the password itself."""
    smtp = SMTP.format(host="smtp.example.org", security="tls")
    path = write(tmp_path, smtp + f'password = "{typed}"\npassword_env = "{typed}"\n')
    with pytest.raises(InputError) as caught:
        load_practice(path)
    assert typed not in str(caught.value) and "CAREPLAN_SMTP_PASSWORD" in str(caught.value)


@pytest.mark.parametrize(
    ("host", "ok"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("smtp.example.org", False), ("10.0.0.5", False)],
)
def test_plain_smtp_only_on_loopback(tmp_path: Path, host: str, ok: bool) -> None:
    path = write(tmp_path, SMTP.format(host=host, security="plain"))
    if ok:
        assert load_practice(path).smtp is not None
    else:
        with pytest.raises(InputError, match="only allowed to a server on this computer"):
            load_practice(path)


@pytest.mark.parametrize(("security", "port"), [("tls", 465), ("starttls", 587)])
def test_default_ports(tmp_path: Path, security: str, port: int) -> None:
    smtp = load_practice(write(tmp_path, SMTP.format(host="smtp.example.org", security=security))).smtp
    assert smtp is not None and smtp.effective_port == port


def test_practice_check_names_every_problem_and_passes_a_good_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from careplan.cli import cli

    good = write(tmp_path, STARTER)
    result = CliRunner().invoke(cli, ["practice", "check", str(good)])
    assert result.exit_code == 0 and result.stdout == f"{good}: ok\n"

    templates = tmp_path / "mine"
    (templates / "email").mkdir(parents=True)
    (templates / "_cover.html").write_text("<p>{{ practice.name }}</p>", encoding="utf-8")
    (templates / "plan.html").write_text("{% if %}", encoding="utf-8")
    (templates / "email" / "body.txt").symlink_to("/etc/hostname")
    (templates / "notes.md").write_text("{% not a template", encoding="utf-8")  # not a template: not checked
    branded = tmp_path / "branded.toml"
    branded.write_text('templates = "mine"\nname = ""\n', encoding="utf-8")
    branded_ok = tmp_path / "branded-ok.toml"
    branded_ok.write_text('templates = "mine"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["practice", "check", str(good), str(branded), str(branded_ok)])
    assert result.exit_code == 1
    assert result.stdout == f"{good}: ok\n"
    assert result.stderr.splitlines() == [
        f"{branded}: practice name [name]: String should have at least 1 character",
        f"{templates / 'plan.html'}: line 1: Expected an expression, got 'end of statement block'",
        f"{templates / 'email' / 'body.txt'}: a template must not be a symbolic link",
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('logo = "a\\u0000.png"\n', "logo"),
        ('templates = "\\u0000"\n', "templates"),
        ('data_folder = "d\\u0000"\n', "data_folder"),
        (SMTP.format(host="smtp.example.org", security="tls") + 'ca_file = "\\u0000"\n', "smtp › ca_file"),
    ],
)
def test_a_nul_in_a_file_name_is_one_clear_line(tmp_path: Path, text: str, key: str) -> None:
    """Found by the practice-file fuzz test: a NUL made path resolution raise an internal error."""
    with pytest.raises(InputError) as caught:
        load_practice(write(tmp_path, text))
    assert caught.value.lines == [f"{tmp_path / 'practice.toml'}: {key}: a file name cannot hold a NUL character"]


@pytest.mark.parametrize(
    ("gateway", "problem"),
    [
        ("{number}@fax.example.net", None),
        ("+{number}@fax.example.net", None),
        ("fax-{number}@send.example.org", None),
        ("fax@fax.example.net", "must hold {number} exactly once, where the fax number goes"),
        ("{number}{number}@fax.example.net", "must hold {number} exactly once, where the fax number goes"),
        ("{number}", "is not an email address once {number} is filled in"),
        ("{number}@localhost", "is not an email address once {number} is filled in"),
        ("{number} @fax.example.net", "is not an email address once {number} is filled in"),
        ("{number}@fax.{x}.net", "is not an email address once {number} is filled in"),
    ],
)
def test_fax_gateway_is_an_address_with_the_number_once(tmp_path: Path, gateway: str, problem: str | None) -> None:
    path = write(tmp_path, SMTP.format(host="smtp.example.org", security="tls") + f'fax_gateway = "{gateway}"\n')
    if problem is None:
        smtp = load_practice(path).smtp
        assert smtp is not None and smtp.fax_gateway == gateway
        return
    with pytest.raises(InputError) as caught:
        load_practice(path)
    (line,) = caught.value.lines
    assert line.startswith(f"{path}: email settings › fax gateway [smtp.fax_gateway]: {problem}")


def test_fax_gateway_is_optional_and_the_starter_shows_it_commented_out(tmp_path: Path) -> None:
    smtp = load_practice(write(tmp_path, SMTP.format(host="smtp.example.org", security="tls"))).smtp
    assert smtp is not None and smtp.fax_gateway is None
    assert '# fax_gateway = "{number}@fax.example.net"' in STARTER.splitlines()
    # Uncommented, the starter's [smtp] section with the gateway loads.
    smtp_lines = [
        line[2:] for line in STARTER.splitlines() if line.startswith(("# [smtp]", "# host", "# from_address", "# fax_"))
    ]
    loaded = load_practice(write(tmp_path, "\n".join(smtp_lines) + "\n")).smtp
    assert loaded is not None and loaded.fax_gateway == "{number}@fax.example.net"


def test_practice_check_reports_a_bad_fax_gateway_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from careplan.cli import cli

    path = write(tmp_path, SMTP.format(host="smtp.example.org", security="tls") + 'fax_gateway = "fax.example.net"\n')
    result = CliRunner().invoke(cli, ["practice", "check", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: email settings › fax gateway [smtp.fax_gateway]: must hold {{number}} exactly once, where the fax "
        "number goes"
    ]
