"""``careplan letter``: the letters to the family's clinicians, one per recipient, from the same intake."""

from __future__ import annotations

from pathlib import Path

import click

from careplan.cli import options
from careplan.cli.options import echo_lines

ROLES = ("baby_clinician", "parent_clinician", "prescriber")


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--to", "roles", multiple=True, type=click.Choice(ROLES),
              help="Only these recipients [every role with a request or in the care team].")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the letters [the intake's folder].")
@click.option("--cover", is_flag=True, help="Put a fax cover sheet with the page count first.")
@click.option("--send", type=click.Choice(["none", "email", "fax"]), default="none", show_default=True,
              help="Send each letter to its recipient (needs the family's consent to share).")
@click.option("--resend-unknown", is_flag=True,
              help="Send again a letter whose earlier sending may or may not have arrived.")
@click.option("--resend-changed", is_flag=True,
              help="Send a new version of a letter already sent to the same address.")
@options.practice
@options.libraries
def letter(
    file: Path,
    roles: tuple[str, ...],
    output_dir: Path | None,
    cover: bool,
    send: str,
    resend_unknown: bool,
    resend_changed: bool,
    practice: Path | None,
    libraries: tuple[Path, ...],
) -> None:
    """Write the letters to the family's clinicians: one PDF per recipient, only its requests.

    Example: careplan letter intake.json -o letters/ --cover --practice practice.toml
    """
    from careplan._io import private_folder
    from careplan.documents.letter import recipients
    from careplan.errors import InputError
    from careplan.intake import load_intake
    from careplan.pipeline import write_letter_pdf
    from careplan.practice import load_practice
    from careplan.rules.engine import build_plan
    from careplan.rules.library import load_library

    intake = load_intake(file)
    library = load_library(*libraries, plan_type=intake.plan_type)
    chosen = load_practice(practice)
    wanted = list(roles) or recipients(build_plan(intake, library, language="en"))
    if not wanted:
        raise InputError([f"{file}: no letter to write: no request for a clinician and no care team recorded"])
    folder = output_dir or file.parent
    private_folder(folder)
    stem = intake.record_id or file.stem
    written = []
    for role in wanted:
        target = folder / f"{stem}-letter-{role.replace('_', '-')}.pdf"
        result = write_letter_pdf(intake, target, library=library, practice=chosen, role=role, cover=cover,
                                  label=str(file))
        echo_lines([f"warning: {warning}" for warning in sorted(set(result.warnings))])
        written.append(target)
        click.echo(str(target))
    if not intake.consent.share_with_care_team:
        click.echo("note: consent to share is not recorded: each letter is marked 'not for release'", err=True)
    if send != "none":
        if not intake.consent.share_with_care_team:
            raise InputError([f"{file}: not sent: the family's consent to share with the care team is not recorded"])
        from careplan.cli.letter_send import send_letters

        send_letters(intake, dict(zip(wanted, written, strict=True)), how=send, practice=chosen, file=file,
                     resend_unknown=resend_unknown, resend_changed=resend_changed)
    if practice is None:
        click.echo(options.NO_PRACTICE_NOTICE, err=True)
