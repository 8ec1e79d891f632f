"""The ``careplan`` command: a thin layer over the library.

Exit codes: 0 success, 1 a problem with the input, 2 a usage error, 130 interrupted. Problems are printed one per
line on standard error, naming the file and the field; never a traceback. Heavy modules are imported inside the
commands so ``careplan --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from careplan._version import __version__
from careplan.errors import CareplanError

EXIT_INPUT = 1
EXIT_INTERRUPTED = 130


class _Group(click.Group):
    """Turns careplan's errors into clean messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CareplanError as exc:
            for line in exc.lines:
                click.echo(line, err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)


library_option = click.option(
    "--library",
    "libraries",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A practice's library folder, loaded on top of the built-in one (repeatable).",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="careplan")
def cli() -> None:
    """careplan: relactation care plans for lactation consultants.

    Intake (JSON) -> rules -> plan. Start with `careplan plan intake.json`.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check intake files; print one line per problem.

    Example: careplan validate intake_forms/examples/*.json
    """
    from careplan.intake import load_intake

    failed = 0
    for path in files:
        try:
            load_intake(path)
        except CareplanError as exc:
            failed += 1
            for line in exc.lines:
                click.echo(line, err=True)
        else:
            click.echo(f"{path}: ok")
    if failed:
        sys.exit(EXIT_INPUT)


def _plan(file: Path, libraries: tuple[Path, ...]) -> Any:
    from careplan.intake import load_intake
    from careplan.library import load_library
    from careplan.rules import build_plan

    intake = load_intake(file)
    return build_plan(intake, load_library(*libraries))


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@library_option
def plan(file: Path, fmt: str, libraries: tuple[Path, ...]) -> None:
    """Build the care plan for an intake and print it.

    Example: careplan plan intake.json --format json
    """
    from careplan.text import plan_text

    built = _plan(file, libraries)
    click.echo(built.model_dump_json(indent=2) if fmt == "json" else plan_text(built), nl=fmt == "json")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@library_option
def explain(file: Path, libraries: tuple[Path, ...]) -> None:
    """Show why each item is in the plan (conditions, intake values, sources) and what was left out.

    Example: careplan explain intake.json
    """
    from careplan.text import explain_text

    click.echo(explain_text(_plan(file, libraries)), nl=False)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF to write [INTAKE.pdf].")
@click.option("--practice", type=click.Path(dir_okay=False, path_type=Path), help="Practice file (TOML).")
@click.option("--html", "html_output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the HTML.")
@click.option(
    "--variant",
    type=click.Choice(["pdf/a-3b", "pdf/ua-1"]),
    default="pdf/a-3b",
    show_default=True,
    help="PDF/A-3b (archival, intake embedded) or PDF/UA-1 (tagged, accessible).",
)
@library_option
def render(
    file: Path,
    output: Path | None,
    practice: Path | None,
    html_output: Path | None,
    variant: str,
    libraries: tuple[Path, ...],
) -> None:
    """Render the care plan PDF for an intake.

    Example: careplan render intake.json -o plan.pdf --practice practice.toml
    """
    from careplan.intake import load_intake
    from careplan.library import load_library
    from careplan.pipeline import write_plan_pdf
    from careplan.practice import load_practice

    intake = load_intake(file)
    target = output or file.with_suffix(".pdf")
    result = write_plan_pdf(
        intake,
        target,
        library=load_library(*libraries),
        practice=load_practice(practice),
        variant=variant,  # type: ignore[arg-type]
        html_output=html_output,
    )
    for warning in sorted(set(result.warnings)):
        click.echo(f"warning: {warning}", err=True)
    click.echo(str(target))


@cli.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not to stdout.")
def extract(pdf: Path, output: Path | None) -> None:
    """Print (or write) the intake JSON embedded in a plan PDF.

    Example: careplan extract plan.pdf -o intake.json
    """
    from careplan.extract import extract_intake

    data = extract_intake(pdf)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    from careplan._io import write_private

    write_private(output, data)
    click.echo(str(output))


@cli.group()
def practice() -> None:
    """Work with practice files (branding and details)."""


@practice.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="practice.toml")
def practice_init(path: Path) -> None:
    """Write a commented starter practice file to edit.

    Example: careplan practice init practice.toml
    """
    from careplan.practice import STARTER

    if path.exists():
        raise CareplanError([f"{path}: already exists; not overwritten"])
    path.write_text(STARTER, encoding="utf-8")
    click.echo(f"wrote {path}; edit it, then use --practice {path}")


@cli.group()
def library() -> None:
    """Work with the strategy library."""


@library.command("check")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
def library_check(folders: tuple[Path, ...]) -> None:
    """Load and type-check the built-in library and any practice FOLDERS on top of it.

    Example: careplan library check my-practice-library/
    """
    from careplan.library import load_library

    loaded = load_library(*folders)
    kinds: dict[str, int] = {}
    for rule in loaded.rules.values():
        kinds[rule.entry.kind] = kinds.get(rule.entry.kind, 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    click.echo(
        f"ok: {len(loaded.rules)} entries ({summary}), {len(loaded.sections)} sections, "
        f"{len(loaded.sources)} sources, from {', '.join(loaded.origins)}"
    )


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option("--check", is_flag=True, help="Exit 1 if the file given with -o is not current.")
def schema(output: Path | None, check: bool) -> None:
    """Print the intake's JSON Schema (or write it with -o).

    Example: careplan schema -o intake_forms/intake.schema.json
    """
    from careplan.intake import Intake

    text = json.dumps(Intake.model_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if output is None:
        if check:
            raise click.UsageError("--check needs -o FILE")
        click.echo(text, nl=False)
        return
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            raise CareplanError([f"{output}: out of date; run `careplan schema -o {output}`"])
        click.echo(f"{output}: current")
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}")


def _register_optional_commands() -> None:
    from careplan.batch import batch_command, synthetic_command
    from careplan.mailer import email_command

    cli.add_command(batch_command())
    cli.add_command(synthetic_command())
    cli.add_command(email_command())


_register_optional_commands()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="careplan")


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Intake JSON to write.")
@click.option("--resume", type=click.Path(dir_okay=False, path_type=Path), help="Continue a saved interview.")
@click.option(
    "--from", "previous", type=click.Path(dir_okay=False, path_type=Path), help="Start a follow-up from this intake."
)
@click.option("--render", is_flag=True, help="Also write the PDF plan beside the intake.")
@click.option("--email", "send", is_flag=True, help="With --render: email the plan to the parent (with consent).")
@click.option("--practice", type=click.Path(dir_okay=False, path_type=Path), help="Practice file (TOML).")
@library_option
def interview(
    output: Path | None,
    resume: Path | None,
    previous: Path | None,
    render: bool,
    send: bool,
    practice: Path | None,
    libraries: tuple[Path, ...],
) -> None:
    """Fill in an intake during the consult, one question at a time.

    Every answer is saved as you go; Ctrl-C stops, and --resume continues where it stopped.

    Example: careplan interview -o intake.json --render --practice practice.toml
    """
    from careplan.interview import InterviewInterrupted, run_interview

    if resume is not None and previous is not None:
        raise click.UsageError("--resume and --from cannot be used together")
    if send and not (render and practice is not None):
        raise click.UsageError("--email needs --render and --practice (with an [smtp] section)")
    try:
        result = run_interview(
            output, resume=resume, previous=previous, render=render, practice=practice, libraries=libraries
        )
    except InterviewInterrupted as exc:
        try:  # the terminal may be gone
            for line in exc.lines:
                click.echo(line, err=True)
        except OSError:
            pass
        sys.exit(exc.exit_code)
    if send and result.pdf is not None and practice is not None:
        _email_plans([(result.intake, result.pdf, result.output.name)], practice)


def _email_plans(plans: list[tuple[Any, Path, str]], practice_file: Path) -> None:
    """Email rendered plans (intake, PDF, intake file name) to their parents; exit 1 if any failed or is unknown.
    Used after `interview --render` and `batch`; `careplan email` does the same for files on disk."""
    from careplan.mailer import MailSetupError, open_ledger, report_lines, resolve_password, send_plan
    from careplan.practice import load_practice

    loaded = load_practice(practice_file)
    if loaded.smtp is None:
        raise MailSetupError([f"{practice_file}: no [smtp] section; see `careplan practice init`"])
    password = resolve_password(loaded.smtp)
    problems = 0
    with open_ledger(loaded) as ledger:
        for intake, pdf, name in plans:
            result = send_plan(intake, pdf, loaded, ledger=ledger, password=password, intake_name=name)
            for line in report_lines(result):
                click.echo(line)
            problems += result.status in ("failed", "unknown")
    if problems:
        sys.exit(EXIT_INPUT)
