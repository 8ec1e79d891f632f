"""``careplan practice init`` and ``careplan library check``."""

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
    path.write_text(STARTER, encoding="utf-8")
    click.echo(f"wrote {path}; edit it, then use --practice {path}")


@click.group()
def library() -> None:
    """Work with the strategy library."""


@library.command("check")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
def library_check(folders: tuple[Path, ...]) -> None:
    """Load and type-check the built-in library and any practice FOLDERS on top of it.

    Example: careplan library check my-practice-library/
    """
    from careplan.library import load_library, summary

    click.echo(summary(load_library(*folders)))
