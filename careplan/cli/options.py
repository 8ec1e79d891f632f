"""Options several commands share, each defined once."""

from __future__ import annotations

from pathlib import Path

import click

libraries = click.option(
    "--library",
    "libraries",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A practice's library folder, loaded on top of the built-in one (repeatable).",
)
practice = click.option("--practice", type=click.Path(dir_okay=False, path_type=Path), help="Practice file (TOML).")
def _document_names() -> list[str]:
    from careplan.documents.registry import DOCUMENTS

    return sorted(DOCUMENTS)


document = click.option(
    "--document",
    "kind",
    type=click.Choice(_document_names()),
    default="care-plan",
    show_default=True,
    help="Which document to make (the plan type's manifest lists those it offers).",
)
variant = click.option(
    "--variant",
    type=click.Choice(["pdf/a-3a", "pdf/a-3b", "pdf/ua-1"]),
    default="pdf/a-3a",
    show_default=True,
    help="PDF/A-3a (archival and tagged, intake embedded), PDF/A-3b (archival, untagged) or PDF/UA-1 (tagged).",
)


def _language_tag(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import re

    if value is not None and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise click.BadParameter("use a language tag such as es, en or pt-BR")
    return value


language = click.option(
    "--language",
    callback=_language_tag,
    metavar="TAG",
    help="Write the plan in this language (a tag such as es) instead of the family's preferred language; it is "
    "used only when careplan has the whole plan in it, otherwise the plan is English with a note.",
)


def echo_lines(lines: list[str], *, err: bool = True) -> None:
    for line in lines:
        click.echo(line, err=err)


#: Printed (stderr) when a plan is rendered without a practice file: the PDF then carries placeholder details.
NO_PRACTICE_NOTICE = (
    "note: no --practice file, so the plan shows placeholder practice details; write yours with: careplan practice init"
)
