"""``careplan email``, and the one step that emails rendered plans after ``interview`` and ``batch``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from careplan.cli import options
from careplan.cli.options import echo_lines
from careplan.errors import ExitStatus

if TYPE_CHECKING:
    from careplan.intake import Intake
    from careplan.mail.outbox import RenderPlan
    from careplan.mail.result import SendResult
    from careplan.practice import Practice
    from careplan.rules.library import Library


def _show(result: SendResult) -> None:
    from careplan.mail.result import report_lines

    first, *rest = report_lines(result)
    click.echo(first, err=result.problem)
    for line in rest:
        click.echo(line, err=line.startswith("  warning:"))


def _renderer(libraries: tuple[Path, ...]) -> RenderPlan:
    """Renders a plan through the pipeline, loading the library once, on the first plan that needs it."""
    from careplan.pipeline import write_plan_pdf
    from careplan.rules.library import load_library

    loaded: dict[str, Library] = {}

    def render(intake: Intake, target: Path, practice: Practice) -> Path:
        if intake.plan_type not in loaded:
            loaded[intake.plan_type] = load_library(*libraries, plan_type=intake.plan_type)
        rendered = write_plan_pdf(intake, target, library=loaded[intake.plan_type], practice=practice)
        echo_lines([f"warning: {warning}" for warning in sorted(set(rendered.warnings))])
        return target

    return render


def send_rendered(plans: Sequence[tuple[Intake, Path, str]], practice_file: Path) -> None:
    """Email rendered plans (intake, PDF, intake file name) to their parents; exit 1 if any failed or is unknown.
    Used after `interview --render` and `batch`; `careplan email` does the same for files on disk."""
    from careplan.mail.outbox import send_plans

    results = send_plans(plans, practice_file, shown=_show)
    if any(r.status in ("failed", "unknown") for r in results):
        sys.exit(ExitStatus.PROBLEM)


@click.command()
@click.argument("intakes", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--pdf",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The plan PDF to send (one intake only) [rendered from the intake].",
)
@options.practice
@click.option("--dry-run", is_flag=True, help="Write each message as an .eml file in the outbox; send nothing.")
@click.option(
    "--outbox",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for --dry-run's .eml files [DATA FOLDER/outbox].",
)
@click.option("--encrypt", is_flag=True, help="Encrypt the PDF even where the parent accepted unencrypted email.")
@click.option("--status", is_flag=True, help="List the plans the ledger knows: sent, failed or unknown.")
@click.option("--resend-unknown", is_flag=True, help="Send plans whose earlier send was interrupted (check first!).")
@click.option(
    "--resend-changed",
    is_flag=True,
    help="Send plans whose earlier version (same intake and address, different PDF) was already sent.",
)
@options.libraries
def email(
    intakes: tuple[Path, ...],
    pdf: Path | None,
    practice: Path | None,
    dry_run: bool,
    outbox: Path | None,
    encrypt: bool,
    status: bool,
    resend_unknown: bool,
    resend_changed: bool,
    libraries: tuple[Path, ...],
) -> None:
    """Email each intake's care plan to the parent, once, with consent.

    Only intakes that record the parent's consent are sent. The PDF is encrypted unless the parent accepted
    unencrypted email; its password is shown here once, for you to give by phone. A plan already sent is
    never sent again. Server settings: the [smtp] section of the practice file; the password comes from the
    environment variable it names (default CAREPLAN_SMTP_PASSWORD) or the system keyring.

    Examples: careplan email intake.json --practice practice.toml;
    careplan email clinic/*.json --dry-run; careplan email --status
    """
    from careplan.mail.outbox import EmailRequest, email_intakes, ledger_status

    def warn(line: str) -> None:
        click.echo(line, err=True)

    if status:
        if intakes or pdf or dry_run or outbox or encrypt or resend_unknown or resend_changed:
            raise click.UsageError("--status lists the ledger; use it without intakes or other options")
        echo_lines(ledger_status(practice, warn), err=False)
        return
    if not intakes:
        raise click.UsageError("give at least one intake file (or --status)")
    if pdf is not None and len(intakes) != 1:
        raise click.UsageError("--pdf needs exactly one intake: the one the plan was made from")
    if outbox is not None and not dry_run:
        raise click.UsageError("--outbox is only used with --dry-run")
    request = EmailRequest(
        intakes=list(intakes),
        pdf=pdf,
        dry_run=dry_run,
        outbox=outbox,
        encrypt=encrypt,
        resend_unknown=resend_unknown,
        resend_changed=resend_changed,
        libraries=libraries,
    )
    outcome = email_intakes(request, practice, render=_renderer(libraries), warn=warn, shown=_show)
    click.echo(outcome.summary)
    if outcome.problem:
        sys.exit(ExitStatus.PROBLEM)
