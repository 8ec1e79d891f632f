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
    from careplan.errors import LibraryError
    from careplan.language import phrases
    from careplan.language.report import report
    from careplan.plantypes import available
    from careplan.rules.library import english_texts, letter_warnings, load_library, summary

    languages: set[str] = set()
    problems: list[str] = []
    for name in [plan_type] if plan_type is not None else available():
        loaded = load_library(*folders, plan_type=name)
        click.echo(f"{name}: {summary(loaded)}")
        echo_lines([f"warning: {warning}" for warning in letter_warnings(loaded)])
        lines, errors = report(f"{name} library", english_texts(loaded), loaded.translations, "library")
        echo_lines(lines, err=False)
        problems += errors
        languages |= set(loaded.translations)
    from careplan.language.catalogue import languages as translated

    languages |= set(translated(phrases.FOLDER))
    catalogues = {language: phrases.catalogue(language)[0] for language in sorted(languages)}
    started = {language for language in catalogues if len(catalogues[language].entries) > 1}
    lines, errors = report("careplan's phrases", phrases.english(), catalogues, phrases.SHOWN, started)
    echo_lines(lines, err=False)
    problems += errors + [line for language in catalogues for line in phrases.catalogue(language)[1]]
    if problems:
        raise LibraryError(problems)


@library.command("translate")
@click.argument("language")
@click.option("--plan-type", help="Only this plan type's library [every plan type careplan knows].")
def library_translate(language: str, plan_type: str | None) -> None:
    """Write or refresh the translation files for LANGUAGE (a tag such as es): the library's and careplan's phrases.

    Each library folder (the shared one and each plan type's own) gets its translations beside it. New English
    texts are added with an empty text to fill in; each text shows its English and that English's hash in a
    comment; translations already made are kept as they are (a stale one stays stale until its "from" is set to
    the new hash). Then run `careplan library check` to see what is missing or stale.
    """
    import re

    from careplan.cli.options import echo_lines
    from careplan.language import phrases
    from careplan.language.catalogue import write_files
    from careplan.plantypes import available
    from careplan.rules.library import load_library
    from careplan.rules.library_texts import english_by_folder

    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", language) or language == "en":
        raise click.BadParameter("use a language tag other than en, such as es or pt-BR", param_hint="LANGUAGE")
    if plan_type is not None and plan_type not in available():
        raise click.BadParameter(f"no plan type {plan_type!r} (there are: {', '.join(available())})",
                                 param_hint="--plan-type")
    # A folder's texts are those of every plan type that loads it: a plan type that replaces a shared entry by its
    # id must not drop that entry's translations, which the other plan types still use.
    by_folder: dict[Path, tuple[str, dict[str, dict[str, str]]]] = {}
    wanted: set[Path] = set()
    for name in available():
        for folder, shown, texts in english_by_folder(load_library(plan_type=name)):
            merged = by_folder.setdefault(folder, (shown, {}))[1]
            for file, pairs in texts.items():
                merged.setdefault(file, {}).update(pairs)
            if plan_type is None or name == plan_type:
                wanted.add(folder)
    lines: list[str] = []
    for folder, (shown, texts) in by_folder.items():
        if folder in wanted:
            lines += write_files(folder, language, texts, shown)
    lines += write_files(phrases.FOLDER, language, phrases.english(), phrases.SHOWN)
    echo_lines(lines, err=False)
