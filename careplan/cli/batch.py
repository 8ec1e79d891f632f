"""``careplan batch`` and ``careplan synthetic``: many intakes at once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from careplan.cli import options
from careplan.cli.options import echo_lines


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PDFs (created if needed).",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Plans rendered at once [one per core].")
@options.practice
@options.libraries
@options.variant
@click.option("--force", is_flag=True, help="Render every intake again, even those up to date.")
@click.option("--prune", is_flag=True, help="Remove the earlier plan of a family whose name changed.")
@click.option(
    "--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON report: every input with its status, output and time.",
)
@click.option(
    "--executor", default="local", show_default=True, metavar="local|dask://HOST:PORT",
    help="Where to render: worker processes here, or a Dask cluster (pip install 'careplan[dask]').",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress; only failures and the summary.")
@click.option(
    "--email", "send", is_flag=True,
    help="Then email each plan to its parent (consent, ledger and encryption as for `careplan email`).",
)
@click.pass_context
def batch(
    ctx: click.Context,
    inputs: tuple[str, ...],
    outdir: Path,
    jobs: int | None,
    practice: Path | None,
    libraries: tuple[Path, ...],
    variant: str,
    force: bool,
    prune: bool,
    report_path: Path | None,
    executor: str,
    quiet: bool,
    send: bool,
) -> None:
    """Render the plans for many intakes: INPUT is intake files, folders of them, or globs.

    Every core is used; a bad intake is reported and the rest go on. A second run renders only what changed
    (an intake, the library, the templates, the practice file) unless --force. Ctrl-C stops cleanly: run
    the same command again to finish. Exit 0 when every plan was rendered or up to date, 1 when any failed.

    Examples:

      careplan batch intakes/ -o plans/ --practice practice.toml

      careplan batch 'exports/**/*.json' -o plans/ --report plans/report.json

      careplan batch intakes/ -o /shared/plans --executor dask://scheduler:8786

    Long on purpose: click declares the options in the signature; the body is a few calls.
    """
    from careplan._io import write_private
    from careplan.batch.executors import ExecutorSpecError, parse_executor
    from careplan.batch.progress import progress_for
    from careplan.batch.run import run_batch

    if send and practice is None:
        raise click.UsageError("--email needs --practice (with an [smtp] section)")
    try:
        parse_executor(executor)
    except ExecutorSpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--executor") from None
    report = run_batch(
        inputs,
        outdir,
        practice=practice,
        libraries=libraries,
        variant=variant,
        force=force,
        jobs=jobs,
        executor=executor,
        progress=progress_for(sys.stderr, quiet=quiet),
        exclude=[report_path] if report_path is not None else [],
        prune=prune,
    )
    echo_lines([f"note: {note}" for note in report.notes])
    if practice is None and report.count("rendered"):
        click.echo(options.NO_PRACTICE_NOTICE, err=True)
    if report_path is not None:
        write_private(report_path, (json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n").encode())
    echo_lines(report.problem_lines())
    click.echo(report.summary())
    if send and practice is not None and not report.interrupted:
        from careplan.cli.email import send_rendered

        send_rendered(report.plans_to_send(), practice)
    ctx.exit(report.exit_code)


@click.command()
@click.option(
    "-o", "--output", "folder", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the intakes to.",
)
@click.option("-n", "--count", type=click.IntRange(min=0), default=20, show_default=True, help="Valid intakes.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same intakes.")
@click.option("--start", type=click.IntRange(min=0), default=0, help="Number of the first intake.")
@click.option(
    "--invalid", type=click.IntRange(min=0), default=0, show_default=True,
    help="Also write this many broken intakes (malformed JSON, wrong types, impossible dates ...).",
)
@click.option(
    "--plan-type", type=click.Choice(["relactation", "low-supply"]), default="relactation", show_default=True,
    help="The kind of consult the intakes record.",
)
def synthetic(folder: Path, count: int, seed: int, start: int, invalid: int, plan_type: str) -> None:
    """Write synthetic intakes (invented families, realistic variety) for tests, benchmarks and demos.

    Example: careplan synthetic -o /tmp/intakes -n 200 --invalid 5 --plan-type low-supply
    """
    from careplan.synthetic import write_synthetic

    paths = write_synthetic(folder, count, seed=seed, start=start, invalid=invalid, plan_type=plan_type)
    click.echo(f"wrote {len(paths)} intake{'s' if len(paths) != 1 else ''} to {folder}")
