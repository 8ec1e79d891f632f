"""``careplan validate``, ``schema`` and ``extract``: intake files in and out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from careplan.cli.options import echo_lines
from careplan.errors import CareplanError, ExitStatus


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check intake files; print one line per problem.

    Example: careplan validate intake_forms/relactation/examples/*.json
    """
    from careplan.intake import load_intake
    from careplan.intake.consistency import contradictions

    failed = 0
    for path in files:
        try:
            intake = load_intake(path)
        except CareplanError as exc:
            failed += 1
            echo_lines(exc.lines)
        else:
            click.echo(f"{path}: ok")
            for line in contradictions(intake):
                click.echo(f"{path}: note: these answers disagree: {line}")
    if failed:
        sys.exit(ExitStatus.PROBLEM)


@click.command()
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
    from careplan._io import write_private

    write_private(output, text.encode("utf-8"))
    click.echo(f"wrote {output}")


@click.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not to stdout.")
def extract(pdf: Path, output: Path | None) -> None:
    """Print (or write) the intake JSON embedded in a plan PDF.

    Example: careplan extract plan.pdf -o intake.json
    """
    from careplan._io import write_private
    from careplan.intake import extract_intake

    data = extract_intake(pdf)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    write_private(output, data)
    click.echo(str(output))
