"""The strategy library: clinician-editable YAML, validated and type-checked when it loads.

One public function, :func:`load_library`, reads a plan type's library (see :mod:`careplan.plantypes`) and,
optionally, a practice's own folders on top of it. A practice folder may add entries, sections and sources, and
replaces any entry whose ``id`` it repeats. See ``careplan/plantypes/relactation/README.md`` for the format and
for what each entry encodes.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from careplan._io import load_yaml, read_capped
from careplan.errors import CareplanError, LibraryError, field_path
from careplan.plantypes import PlanType
from careplan.rules.citations import Source
from careplan.rules.expressions import Compiled, ExpressionError, compile_expression

Kind = Literal["urgent", "referral", "caution", "exclusion", "expectation", "strategy"]

#: Sections that urgent items and referrals always go to, ahead of everything else.
KIND_SECTIONS: dict[str, str] = {"urgent": "urgent", "referral": "referrals"}

#: Names every parent-facing text may use without declaring them as params.
BUILTIN_PARAMS = ("baby_name", "parent_name")

_LANG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


LocalText = Annotated[
    dict[Annotated[str, Field(pattern=_LANG)], Annotated[str, Field(min_length=1)]],
    Field(description="Text keyed by language; 'en' is required."),
]


def _needs_english(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is not None and "en" not in value:
        raise ValueError("needs an 'en' (English) text")
    return value


class When(_Strict):
    """Named conditions: every one under ``all`` must hold, and at least one under ``any`` when given."""

    all: dict[str, str] = {}
    any: dict[str, str] = {}


#: The section whose entries are the tiers of "When to get help" (their urgency says which); an entry's texts.
HELP_SECTION = "when_to_get_help"
TEXT_PARTS = ("title", "text", "why", "because", "short", "avoid_if", "exclusion_reason")


class Entry(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    rules: Annotated[list[Annotated[str, Field(pattern=r"^R\d{2}$")]], Field(description="Rows of §9")] = []
    kind: Kind
    section: str | None = None
    title: LocalText
    when: When = When()
    params: dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")], str] = {}
    text: LocalText
    why: LocalText | None = None
    because: LocalText | None = None
    short: LocalText | None = None  # one line for compact views (the herb table's "what is known")
    avoid_if: LocalText | None = None  # who must not use it, in a few words (the herb table)
    clinician_note: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[str], Field(min_length=1)]
    excludes: list[str] = []
    exclusion_reason: LocalText | None = None
    priority: Annotated[int, Field(ge=0, le=1000)] = 50
    urgency: Annotated[
        Literal["now", "today", "soon"] | None,
        Field(description="How soon: 'now' (emergency), 'today' (same day) or 'soon'; required for urgent entries."),
    ] = None
    holds_amounts: Annotated[
        bool,
        Field(description="When this entry fires, no daily milk amount and no step-down is computed for the baby."),
    ] = False

    _english = field_validator(*TEXT_PARTS)(_needs_english)

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        forced = KIND_SECTIONS.get(self.kind)
        if forced is not None and self.section not in (None, forced):
            raise ValueError(f"a {self.kind} entry always goes in section '{forced}'")
        if forced is None and self.section is None:
            raise ValueError("section is required")
        if self.kind == "urgent" and self.urgency not in ("now", "today"):
            raise ValueError("an urgent entry needs urgency 'now' or 'today'")
        if self.urgency is not None and self.kind not in ("urgent", "referral") and self.section != HELP_SECTION:
            raise ValueError("only urgent entries, referrals and 'when to get help' tiers have an urgency")
        if self.excludes and self.exclusion_reason is None:
            raise ValueError("an entry that excludes others needs an exclusion_reason")
        if self.kind == "exclusion" and not self.excludes:
            raise ValueError("an exclusion entry must list what it excludes")
        if set(self.when.all) & set(self.when.any):
            raise ValueError("a condition name is used under both 'all' and 'any'")
        return self

    @property
    def plan_section(self) -> str:
        return KIND_SECTIONS.get(self.kind) or str(self.section)


class Section(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: LocalText
    intro: LocalText | None = None

    _english = field_validator("title", "intro")(_needs_english)


class LibraryFile(_Strict):
    """The shape of one YAML file; each part is optional so entries can be split across files."""

    sections: list[Section] = []
    sources: dict[str, Source] = {}
    entries: list[Entry] = []


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
    allowed = set(entry.params) | set(BUILTIN_PARAMS)
    for part in TEXT_PARTS:
        for lang, text in (getattr(entry, part) or {}).items():
            try:
                names = _placeholders(text)
            except ValueError as exc:
                problems.append(f"{where}: {part}.{lang}: bad placeholder ({exc}); write {{{{ and }}}} for braces")
                continue
            for name in names:
                if name not in allowed:
                    problems.append(f"{where}: {part}.{lang}: {{{name}}} is not a param of this entry")
    if len(problems):
        return None
    return Rule(entry=entry, origin=label, all=compiled["all"], any=compiled["any"], params=compiled["params"])


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.y*ml") if p.suffix in (".yaml", ".yml") and p.is_file())


def _load_folder(folder: Path, shown: str, library: Library, problems: list[str]) -> None:
    files_found = _yaml_files(folder)
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
        for entry in parsed.entries:
            if entry.id in seen_here:
                problems.append(f"{label}: entry '{entry.id}': id already used in {seen_here[entry.id]}")
                continue
            seen_here[entry.id] = label
            entry_problems: list[str] = []
            rule = _compile_entry(entry, label, entry_problems)
            problems.extend(entry_problems)
            if rule is not None:
                library.rules[entry.id] = rule
    library.origins.append(shown)


def _cross_check(library: Library, problems: list[str]) -> None:
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
        _load_folder(kind.library, kind.shown, library, problems)
    for path in folders:
        if not path.is_dir():
            problems.append(f"{path}: not a folder")
            continue
        _load_folder(path, str(path), library, problems)
    if not problems:
        _cross_check(library, problems)
    if problems:
        raise LibraryError(problems)
    if key is not None:
        _cache.write(key, library)
    return library


#: The code a compiled library depends on besides its YAML: a change to any of it is a new cache key.
_CODE = ("rules/library.py", "rules/expressions.py", "intake/*.py", "plantypes/__init__.py", "_version.py")


def _cache_key(kind: PlanType | None, folders: list[Path]) -> str | None:
    """The name of this library's cache entry: a hash of every file it is read from and the code that reads it;
    None when a folder cannot be read (the load reports it)."""
    import hashlib
    import sys
    from importlib.metadata import version

    digest = hashlib.sha256(f"{sys.version}\0{version('rule-engine')}\0{version('pydantic')}".encode())
    package = Path(__file__).resolve().parent.parent
    code = sorted(path for pattern in _CODE for path in package.glob(pattern))
    sources = [(kind.folder / "plantype.toml", kind.library)] if kind is not None else []
    try:
        for path in code:
            digest.update(path.read_bytes())
        for manifest, folder in sources:
            digest.update(manifest.read_bytes())
            folders = [folder, *folders]
        for folder in folders:
            digest.update(f"\0folder {folder.resolve()}".encode())
            for path in _yaml_files(folder):
                digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    except OSError:
        return None
    return f"library-{digest.hexdigest()[:32]}.pickle"


def iter_texts(entry: Entry) -> Iterable[tuple[str, str, str]]:
    """Every parent-facing text of an entry as (part, language, text), for readability checks."""
    for part in TEXT_PARTS:
        for lang, text in (getattr(entry, part) or {}).items():
            yield part, lang, text


def summary(library: Library) -> str:
    """One line for ``careplan library check``: entries by kind, sections, sources and where they came from."""
    kinds: dict[str, int] = {}
    for rule in library.rules.values():
        kinds[rule.entry.kind] = kinds.get(rule.entry.kind, 0) + 1
    counts = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return (
        f"ok: {len(library.rules)} entries ({counts}), {len(library.sections)} sections, "
        f"{len(library.sources)} sources, from {', '.join(library.origins)}"
    )
