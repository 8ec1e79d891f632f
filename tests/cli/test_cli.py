"""The command line: exit codes, one clear line per problem, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from careplan.cli import SHORT_HELP, cli
from tests.conftest import BASE_INTAKE, EXAMPLES, ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "careplan", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_validate_examples_ok() -> None:
    result = CliRunner().invoke(cli, ["validate", *map(str, EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(EXAMPLES)


def test_plan_text_and_json(write_json) -> None:  # type: ignore[no-untyped-def]
    path = write_json(BASE_INTAKE)
    text = CliRunner().invoke(cli, ["plan", str(path)])
    assert text.exit_code == 0, text.output
    assert "Relactation care plan for Robin Example" in text.output
    assert "Your daily plan" in text.output
    as_json = CliRunner().invoke(cli, ["plan", str(path), "--format", "json"])
    data = json.loads(as_json.output)
    assert data["parent_name"] == "Robin Example"
    assert len(data["schedule"]["sessions"]) >= 8


def test_explain_shows_trace_sources_and_exclusions(write_json) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(BASE_INTAKE))
    data["health"]["allergies"] = ["peanut"]
    data["goals"]["herbs_interest"] = "yes"
    result = CliRunner().invoke(cli, ["explain", str(write_json(data))])
    assert result.exit_code == 0, result.output
    assert "EXCLUDED    herb-fenugreek" in result.output
    assert "held: " in result.output and "because " in result.output
    assert "sources: " in result.output


BAD_INPUTS = {
    "malformed": b'{"consult": {',
    "empty": b"",
    "whitespace": b"   \n",
    "array": b"[1, 2]",
    "wrong-type": json.dumps({**BASE_INTAKE, "babies": "twins"}).encode(),
    "impossible-date": json.dumps({**BASE_INTAKE, "consult": {"date": "2026-02-30"}}).encode(),
    "not-utf8": b"\xff\xfe\x00{",
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_line_and_exit_1(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.json"
    path.write_bytes(BAD_INPUTS[kind])
    result = run("plan", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(str(path) + ":")


def test_a_50_mb_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b'{"parent": {"name": "')
        handle.write(b"x" * (50 * 1024 * 1024))
        handle.write(b'"}}')
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "too large" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_impossible_date_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "late.json"
    data = json.loads(json.dumps(BASE_INTAKE))
    data["babies"][0]["birth_date"] = "2026-06-01"  # after the consult
    del data["babies"][0]["weighed_on"], data["babies"][0]["current_weight_g"]
    path.write_text(json.dumps(data))
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "babies.0.birth_date" in result.stderr and "born after the consult date" in result.stderr
    assert "Robin" not in result.stderr  # the parent's name never appears in messages


def test_missing_file_and_usage_errors() -> None:
    assert run("plan", "/nonexistent/intake.json").returncode == 1
    assert run("plan").returncode == 2
    assert run("no-such-command").returncode == 2


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, write_json) -> None:  # type: ignore[no-untyped-def]
    import careplan.intake

    def interrupted(path: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(careplan.intake, "load_intake", interrupted)
    result = CliRunner().invoke(cli, ["plan", str(write_json(BASE_INTAKE))])
    assert result.exit_code == 130


#: What `careplan --help` must not import: the renderer, the rule engine, the features and what only they need.
HEAVY = (
    "weasyprint",
    "rule_engine",
    "jinja2",
    "pydantic",
    "questionary",
    "sqlite3",
    "careplan.rules",
    "careplan.rules.library",
    "careplan.mail",
    "careplan.batch",
    "careplan.interview",
    "careplan.documents",
)


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        f"HEAVY = {HEAVY!r}\n"
        "from careplan.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='careplan')\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in HEAVY if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in result.stdout


def test_python_m_and_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and "careplan" in result.stdout


def test_schema_file_is_current(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "--check", "-o", str(ROOT / "intake_forms" / "intake.schema.json")])
    assert result.exit_code == 0, "run `careplan schema -o intake_forms/intake.schema.json`"
    stale = tmp_path / "schema.json"
    stale.write_text("{}")
    assert CliRunner().invoke(cli, ["schema", "--check", "-o", str(stale)]).exit_code == 1


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


COMMANDS = list(_commands(cli))


def test_every_command_is_listed() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"validate", "render", "interview", "batch", "email", "practice init", "library check"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(name: str, command: click.Command) -> None:
    assert command.help, name
    assert f"careplan {name}" in (ROOT / "README.md").read_text(encoding="utf-8"), name


@pytest.mark.parametrize("name", sorted(SHORT_HELP))
def test_the_short_help_is_the_commands_own_first_line(name: str) -> None:
    """`careplan --help` lists commands without importing them; its lines must say what each command's help says."""
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert SHORT_HELP[name] == command.get_short_help_str(limit=200)


def test_public_api() -> None:
    import careplan

    intake = careplan.load_intake(EXAMPLES[0])
    plan = careplan.build_plan(intake, careplan.load_library())
    assert isinstance(plan, careplan.Plan)


def test_an_internal_error_is_one_line_without_its_message(monkeypatch: pytest.MonkeyPatch, write_json) -> None:  # type: ignore[no-untyped-def]
    """A bug's message could quote health data: the consultant sees one line naming the error's type and place."""
    import careplan.rules

    def broken(intake: object, library: object) -> None:
        raise TypeError("Zephyrine's details")

    monkeypatch.setattr(careplan.rules.engine, "build_plan", broken)
    result = CliRunner().invoke(cli, ["plan", str(write_json(BASE_INTAKE))])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("careplan: internal error (TypeError at ")
    assert "Zephyrine" not in result.output and "Traceback" not in result.output
