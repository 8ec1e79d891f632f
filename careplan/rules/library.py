"""The strategy library: clinician-editable YAML, validated and type-checked when it loads.

One public function, :func:`load_library`, reads a plan type's library (see :mod:`careplan.plantypes`) and,
optionally, a practice's own folders on top of it. A practice folder may add entries, sections and sources, and
replaces any entry whose ``id`` it repeats. See ``careplan/plantypes/relactation/README.md`` for the format and
for what each entry encodes. The models a file is read into (``Entry``, ``Letter``, ``Section``, ...) live in
:mod:`careplan.rules.entries` and are importable from here too.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from careplan._io import load_yaml, read_capped
from careplan.errors import CareplanError, LibraryError, field_path
from careplan.language.catalogue import FOLDER as TRANSLATIONS
from careplan.language.catalogue import Catalogue, placeholder_problems
from careplan.language.catalogue import languages as catalogue_languages
from careplan.language.catalogue import load as load_catalogue
from careplan.plantypes import PlanType
from careplan.rules.citations import Source
from careplan.rules.entries import (
    BUILTIN_PARAMS,
    HELP_SECTION,
    KIND_SECTIONS,
    TEXT_PARTS,
    Entry,
    Kind,
    Letter,
    LibraryFile,
    LocalText,
    Section,
    When,
)
from careplan.rules.expressions import Compiled, ExpressionError, compile_expression
from careplan.rules.library_texts import english_texts, iter_texts, letter_warnings, summary
from careplan.rules.parameters import Parameters

__all__ = [
    "BUILTIN_PARAMS",
    "HELP_SECTION",
    "KIND_SECTIONS",
    "TEXT_PARTS",
    "Entry",
    "Kind",
    "Letter",
    "Library",
    "LibraryFile",
    "LocalText",
    "Rule",
    "Section",
    "When",
    "english_texts",
    "iter_texts",
    "letter_warnings",
    "load_library",
    "summary",
]

@dataclass(frozen=True)
class Rule:
    """An entry with its conditions and params compiled."""

    entry: Entry
    origin: str
    all: dict[str, Compiled]
    any: dict[str, Compiled]
    params: dict[str, Compiled]

    @property
    def per_baby(self) -> bool:
        """Evaluated once per baby when any expression reads ``baby``."""
        compiled = [*self.all.values(), *self.any.values(), *self.params.values()]
        return any("baby" in c.roots for c in compiled)


@dataclass
class Library:
    """A loaded, checked strategy library."""

    sections: list[Section] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    origins: list[str] = field(default_factory=list)
    plantype: PlanType | None = None  # the plan type whose library this is (None: only practice folders)
    translations: dict[str, Catalogue] = field(default_factory=dict)  # language -> its texts, all folders merged
    files: dict[str, str] = field(default_factory=dict)  # entry id -> the file (stem) it came from
    parameters: Parameters = field(default_factory=Parameters)  # the values rules read as parameters.<name>
    _set: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)  # name -> (value, file that set it)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def encoded_rule_rows(self) -> set[str]:
        return {row for rule in self.rules.values() for row in rule.entry.rules}


#: A library file is a few dozen entries.
MAX_LIBRARY_FILE_BYTES = 1024 * 1024


def _read_yaml(path: Path, label: str) -> Any:
    try:
        text = read_capped(path, MAX_LIBRARY_FILE_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise LibraryError([f"{label}: cannot be read (not UTF-8 text)"]) from None
    except ValueError as exc:
        raise LibraryError([f"{label}: {exc}"]) from None
    except OSError as exc:
        raise LibraryError([f"{label}: cannot be read ({exc.strerror or type(exc).__name__})"]) from None
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise LibraryError([f"{label}: not valid YAML: {problem}{where}"]) from None


def _entry_label(data: Any, index: int) -> str:
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return f"entry '{data['id']}'"
    return f"entry {index + 1}"


def _parse_file(path: Path, label: str) -> LibraryFile:
    data = _read_yaml(path, label)
    if data is None:
        return LibraryFile()
    if not isinstance(data, dict):
        raise LibraryError([f"{label}: the top level must be a mapping with sections, sources or entries"])
    try:
        return LibraryFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False, include_input=False):
            loc = error["loc"]
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "is not a known field (check the spelling)"
            if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
                who = _entry_label(data.get("entries", [])[loc[1]], loc[1])
                rest = ".".join(str(p) for p in loc[2:]) or "(the entry)"
                lines.append(f"{label}: {who}: {rest}: {message}")
            else:
                lines.append(f"{label}: {field_path(LibraryFile, loc)}: {message}")
        raise LibraryError(lines) from None


_FORMATTER = string.Formatter()


def _placeholders(text: str) -> list[str]:
    names = []
    for _, name, _, _ in _FORMATTER.parse(text):
        if name is not None:
            names.append(name)
    return names


def _compile_entry(entry: Entry, label: str, problems: list[str]) -> Rule | None:
    where = f"{label}: entry '{entry.id}'"
    compiled: dict[str, dict[str, Compiled]] = {"all": {}, "any": {}, "params": {}}
    groups = {"all": entry.when.all, "any": entry.when.any, "params": entry.params}
    for group, expressions in groups.items():
        for name, source in expressions.items():
            what = "param" if group == "params" else "condition"
            try:
                compiled[group][name] = compile_expression(source)
            except ExpressionError as exc:
                problems.append(f"{where}: {what} '{name}': {source!r}: {exc}")
                continue
            if group != "params" and compiled[group][name].result_type not in (
                "BOOLEAN",
                "SET",
                "ARRAY",
                "UNDEFINED",
            ):
                problems.append(
                    f"{where}: condition '{name}': {source!r}: gives a {compiled[group][name].result_type}, "
                    "not true or false"
                )
    _check_placeholders(entry, where, problems)
    if len(problems):
        return None
    return Rule(entry=entry, origin=label, all=compiled["all"], any=compiled["any"], params=compiled["params"])


def _check_placeholders(entry: Entry, where: str, problems: list[str]) -> None:
    """Every {name} in the entry's texts and in its letter's request is a param of the entry or a built-in one."""
    allowed = set(entry.params) | set(BUILTIN_PARAMS)
    texts = [(f"{part}.{lang}", text) for part in TEXT_PARTS for lang, text in (getattr(entry, part) or {}).items()]
    texts += [(f"words.{param}.{key}.en", value["en"]) for param, choices in entry.words.items()
              for key, value in choices.items()]
    if entry.letter is not None:
        texts.append(("letter.request", entry.letter.request))
    for shown, text in texts:
        try:
            names = _placeholders(text)
        except ValueError as exc:
            problems.append(f"{where}: {shown}: bad placeholder ({exc}); write {{{{ and }}}} for braces")
            continue
        for name in names:
            if name not in allowed:
                problems.append(f"{where}: {shown}: {{{name}}} is not a param of this entry")


def _yaml_files(folder: Path, translations: bool = False) -> list[Path]:
    """The library files of a folder; with ``translations``, its translation files too (``translations/``)."""
    found = sorted(p for p in folder.rglob("*.y*ml") if p.suffix in (".yaml", ".yml") and p.is_file())
    if translations:
        return found
    return [p for p in found if p.relative_to(folder).parts[0] != TRANSLATIONS]


def _file_key(folder: Path, path: Path) -> str:
    """How translations name a library file: its path in the folder without the suffix ("feeding")."""
    return path.relative_to(folder).with_suffix("").as_posix().replace("/", "-")


def _load_translations(folder: Path, shown: str, library: Library, problems: list[str]) -> None:
    """Every language's translations under ``folder``, over those of the folders before it."""
    for language in catalogue_languages(folder):
        found, trouble = load_catalogue(folder, language, shown)
        problems.extend(trouble)
        merged = library.translations.setdefault(language, Catalogue(language))
        merged.entries.update(found.entries)
        merged.files.update(found.files)


def _load_folder(folder: Path, shown: str, library: Library, problems: list[str]) -> None:
    files_found = _yaml_files(folder)
    if not files_found and (folder / TRANSLATIONS).is_dir():  # a practice's translations of the library, alone
        _load_translations(folder, shown, library, problems)
        library.origins.append(shown)
        return
    if not files_found:
        problems.append(f"{shown}: no .yaml files in this folder")
        return
    seen_here: dict[str, str] = {}
    for path in files_found:
        label = f"{shown}/{path.relative_to(folder).as_posix()}"
        try:
            parsed = _parse_file(path, label)
        except LibraryError as exc:
            problems.extend(exc.lines)
            continue
        for section in parsed.sections:
            existing = [i for i, s in enumerate(library.sections) if s.id == section.id]
            if existing:
                library.sections[existing[0]] = section
            else:
                library.sections.append(section)
        library.sources.update(parsed.sources)
        for name, value in parsed.parameters.items():
            library._set[name] = (value, label)
        for entry in parsed.entries:
            if entry.id in seen_here:
                problems.append(f"{label}: entry '{entry.id}': id already used in {seen_here[entry.id]}")
                continue
            seen_here[entry.id] = label
            library.files[entry.id] = _file_key(folder, path)
            entry_problems: list[str] = []
            rule = _compile_entry(entry, label, entry_problems)
            problems.extend(entry_problems)
            if rule is not None:
                library.rules[entry.id] = rule
    _load_translations(folder, shown, library, problems)
    library.origins.append(shown)


def _shared_stays_shared(library: Library, kind: PlanType, problems: list[str]) -> None:
    """An entry of a shared library excludes only shared entries: it serves plan types that may not have another
    plan type's entries."""
    shared = tuple(f"{shown}/" for folder, shown in kind.libraries if folder != kind.library)
    for rule in library.rules.values():
        if not rule.origin.startswith(shared):
            continue
        for target in rule.entry.excludes:
            if target in library.rules and not library.rules[target].origin.startswith(shared):
                problems.append(f"{rule.origin}: entry '{rule.entry.id}': excludes '{target}', which is not shared; "
                                "a plan type's own entry should exclude it")


def _set_parameters(library: Library, problems: list[str]) -> None:
    """The parameters the folders set (the last folder to set one wins), each checked against its range."""
    values = {name: value for name, (value, _) in library._set.items()}
    try:
        library.parameters = Parameters(**values)
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            name = str(error["loc"][0])
            where = library._set[name][1] if name in library._set else "library"
            message = "is not a known parameter" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(f"{where}: parameters: {name}: {message}")


def _cross_check(library: Library, problems: list[str]) -> None:
    kind = library.plantype
    if kind is not None:
        for part, ids in kind.computed_when.items():
            problems += [f"{kind.folder / 'plantype.toml'}: computed_when: {part}: '{i}' is not an entry"
                         for i in ids if i not in library.rules]
        _shared_stays_shared(library, kind, problems)
    section_ids = {s.id for s in library.sections}
    for required in KIND_SECTIONS.values():
        if required not in section_ids:
            problems.append(f"library: section '{required}' is missing from the sections list")
    for rule in library.rules.values():
        entry = rule.entry
        where = f"{rule.origin}: entry '{entry.id}'"
        if entry.plan_section not in section_ids:
            problems.append(f"{where}: section '{entry.plan_section}' is not defined")
        for source in entry.sources:
            if source not in library.sources:
                problems.append(f"{where}: source '{source}' is not in the sources list")
        for target in entry.excludes:
            if target not in library.rules:
                problems.append(f"{where}: excludes '{target}', which is not an entry")
            elif target == entry.id:
                problems.append(f"{where}: excludes itself")


def load_library(*extra: str | Path, builtin: bool = True, plan_type: str = "relactation") -> Library:
    """Load a plan type's library (relactation by default) and then each folder in ``extra`` on top of it.

    A library that loaded cleanly is kept, compiled, in careplan's cache folder (see :mod:`careplan._cache`), keyed
    by the content of every file it was read from and of the code that reads it, so the next process skips the
    parsing and type checks.

    Raises :class:`~careplan.errors.LibraryError` listing every problem found, one per line, each naming the
    file, the entry and the expression.
    """
    from careplan import _cache
    from careplan.plantypes import load_plantype

    kind = None
    if builtin:
        try:
            kind = load_plantype(plan_type)
        except CareplanError as exc:
            raise LibraryError(exc.lines) from None
    folders = [Path(f) for f in extra]
    key = _cache_key(kind, folders)
    if key is not None:
        cached = _cache.read(key)
        if isinstance(cached, Library):
            return cached
    library = Library(plantype=kind)
    problems: list[str] = []
    if kind is not None:
        for folder, shown in kind.libraries:
            _load_folder(folder, shown, library, problems)
    for path in folders:
        if not path.is_dir():
            problems.append(f"{path}: not a folder")
            continue
        _load_folder(path, str(path), library, problems)
    _set_parameters(library, problems)
    if not problems:
        _cross_check(library, problems)
    if not problems:
        english = english_texts(library)
        for catalogue in library.translations.values():
            problems += placeholder_problems(english, catalogue, "library")
    if problems:
        raise LibraryError(problems)
    if key is not None:
        _cache.write(key, library)
    return library


#: The code a compiled library depends on besides its YAML: a change to any of it is a new cache key. All of
#: careplan.rules, not a list of its modules: the pickled library holds their classes (entries, sources,
#: parameters), and a module left off a list would keep a stale object after an upgrade (a test checks).
_CODE = ("rules/*.py", "language/catalogue.py", "intake/*.py", "plantypes/__init__.py", "_version.py")


def _code_files() -> list[Path]:
    package = Path(__file__).resolve().parent.parent
    return sorted(path for pattern in _CODE for path in package.glob(pattern))


def _cache_key(kind: PlanType | None, folders: list[Path]) -> str | None:
    """The name of this library's cache entry: a hash of every file it is read from and the code that reads it;
    None when a folder cannot be read (the load reports it)."""
    import hashlib
    import sys
    from importlib.metadata import version

    digest = hashlib.sha256(f"{sys.version}\0{version('rule-engine')}\0{version('pydantic')}".encode())
    try:
        for path in _code_files():
            digest.update(path.read_bytes())
        if kind is not None:
            digest.update((kind.folder / "plantype.toml").read_bytes())
            folders = [*(folder for folder, _ in kind.libraries), *folders]
        for folder in folders:
            digest.update(f"\0folder {folder.resolve()}".encode())
            for path in _yaml_files(folder, translations=True):
                digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    except OSError:
        return None
    return f"library-{digest.hexdigest()[:32]}.pickle"
