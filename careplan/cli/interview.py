"""``careplan interview``: the questionnaire a consultant fills in during the consult."""

from __future__ import annotations

from pathlib import Path

import click

from careplan.cli import options


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Intake JSON to write.")
@click.option("--resume", type=click.Path(dir_okay=False, path_type=Path), help="Continue a saved interview.")
@click.option(
    "--from", "previous", type=click.Path(dir_okay=False, path_type=Path), help="Start a follow-up from this intake."
)
@click.option(
    "--plan-type",
    help="The kind of plan (relactation, low-supply ...); asked at the start when not given. A follow-up (--from) "
    "and a resumed interview keep theirs.",
)
@click.option("--render", is_flag=True, help="Also write the PDF plan beside the intake.")
@click.option("--email", "send", is_flag=True, help="With --render: email the plan to the parent (with consent).")
@options.practice
@options.libraries
def interview(
    output: Path | None,
    resume: Path | None,
    previous: Path | None,
    plan_type: str | None,
    render: bool,
    send: bool,
    practice: Path | None,
    libraries: tuple[Path, ...],
) -> None:
    """Fill in an intake during the consult, one question at a time.

    Every answer is saved as you go; Ctrl-C stops, and --resume continues where it stopped. After an interview
    was killed (even with kill -9), the next start puts the terminal right and prints the command that continues it.

    Example: careplan interview -o intake.json --render --practice practice.toml
    """
    from careplan.interview.session import run_interview
    from careplan.pipeline import PlanHooks

    if resume is not None and previous is not None:
        raise click.UsageError("--resume and --from cannot be used together")
    if plan_type is not None and (resume is not None or previous is not None):
        raise click.UsageError("--plan-type is for a new interview; --resume and --from keep the plan type they have")
    if send and not (render and practice is not None):
        raise click.UsageError("--email needs --render and --practice (with an [smtp] section)")
    result = run_interview(
        output,
        resume=resume,
        previous=previous,
        render=render,
        practice=practice,
        libraries=libraries,
        plan_type=plan_type,
        hooks=PlanHooks.factory(),
    )
    if send and result.pdf is not None and practice is not None:
        from careplan.cli.email import send_rendered

        send_rendered([(result.intake, result.pdf, result.output.name)], practice)
