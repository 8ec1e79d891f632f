"""``careplan practice init``, ``careplan practice check`` and ``careplan library check``."""

from __future__ import annotations

from pathlib import Path

import click

from careplan.errors import CareplanError


@click.group()
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
    from careplan._io import write_private

    write_private(path, STARTER.encode("utf-8"))
    click.echo(f"wrote {path}; edit it, then use --practice {path}")


@practice.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def practice_check(paths: tuple[Path, ...]) -> None:
    """Check practice files: every setting, the logo, and each template in the templates folder.

    One line per problem; exit 1 if there is any. Example: careplan practice check practice.toml
    """
    from careplan.practice import load_practice
    from careplan.templating import check_folder

    problems: list[str] = []
    for path in paths:
        try:
            loaded = load_practice(path)
        except CareplanError as exc:
            problems.extend(exc.lines)
            continue
        found = check_folder(loaded.templates) if loaded.templates is not None else []
        problems.extend(found)
        if not found:
            click.echo(f"{path}: ok")
    if problems:
        raise CareplanError(problems)


@click.group()
def library() -> None:
    """Work with the strategy library."""


@library.command("check")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--plan-type", help="Check this plan type's library only [every plan type careplan knows].")
def library_check(folders: tuple[Path, ...], plan_type: str | None) -> None:
    """Load and type-check each plan type's library and any practice FOLDERS on top of it.

    An urgent entry or referral with no letter block is a warning (the doctors' letter will not list it), not an
    error. Example: careplan library check my-practice-library/ --plan-type relactation
    """
    from careplan.cli.options import echo_lines
    from careplan.plantypes import available
    from careplan.rules.library import letter_warnings, load_library, summary

    for name in [plan_type] if plan_type is not None else available():
        loaded = load_library(*folders, plan_type=name)
        click.echo(f"{name}: {summary(loaded)}")
        echo_lines([f"warning: {warning}" for warning in letter_warnings(loaded)])
