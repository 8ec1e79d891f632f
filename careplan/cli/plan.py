"""``careplan plan``, ``explain`` and ``render``: one intake, its plan, its PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from careplan.cli import options
from careplan.cli.options import echo_lines

if TYPE_CHECKING:
    from careplan.plan import Plan


def _plan(file: Path, libraries: tuple[Path, ...]) -> Plan:
    from careplan.intake import load_intake
    from careplan.rules.engine import build_plan
    from careplan.rules.library import load_library

    intake = load_intake(file)
    return build_plan(intake, load_library(*libraries, plan_type=intake.plan_type))


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@options.libraries
def plan(file: Path, fmt: str, libraries: tuple[Path, ...]) -> None:
    """Build the care plan for an intake and print it.

    Example: careplan plan intake.json --format json
    """
    from careplan.documents.plan_text import plan_text

    built = _plan(file, libraries)
    click.echo(built.model_dump_json(indent=2) if fmt == "json" else plan_text(built), nl=fmt == "json")


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@options.libraries
def explain(file: Path, libraries: tuple[Path, ...]) -> None:
    """Show why each item is in the plan (conditions, intake values, sources) and what was left out.

    Example: careplan explain intake.json
    """
    from careplan.documents.plan_text import explain_text

    click.echo(explain_text(_plan(file, libraries)), nl=False)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF to write [INTAKE.pdf].")
@options.practice
@click.option("--html", "html_output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the HTML.")
@options.variant
@options.document
@options.libraries
@options.language
def render(
    file: Path,
    output: Path | None,
    practice: Path | None,
    html_output: Path | None,
    variant: str,
    kind: str,
    libraries: tuple[Path, ...],
    language: str | None,
) -> None:
    """Render the care plan PDF for an intake.

    Example: careplan render intake.json -o plan.pdf --practice practice.toml
    """
    from careplan.pipeline import render_file

    target = output or file.with_suffix(".pdf")
    warnings = render_file(
        file, target, practice=practice, libraries=libraries, variant=variant, html=html_output, kind=kind,
        language=language,
    )
    echo_lines([f"warning: {warning}" for warning in warnings])
    if practice is None:
        click.echo(options.NO_PRACTICE_NOTICE, err=True)
    click.echo(str(target))


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF to write [INTAKE-progress.pdf]."
)
@options.practice
@options.variant
@options.libraries
@options.language
def progress(
    file: Path, output: Path | None, practice: Path | None, variant: str, libraries: tuple[Path, ...],
    language: str | None,
) -> None:
    """Render the progress summary and charts for an intake (growth on the WHO curves, milk, routine).

    Example: careplan progress follow-up.json -o progress.pdf
    """
    from careplan.pipeline import render_file

    target = output or file.with_name(f"{file.stem}-progress.pdf")
    warnings = render_file(file, target, practice=practice, libraries=libraries, variant=variant, kind="progress",
                           language=language)
    echo_lines([f"warning: {warning}" for warning in warnings])
    if practice is None:
        click.echo(options.NO_PRACTICE_NOTICE, err=True)
    click.echo(str(target))
