"""Plan types as data: each is a folder with a manifest (``plantype.toml``) and its strategy library.

A plan type names its library folder, its interview form and example intakes (in the top-level
``intake_forms/<type>/``), the documents it offers, the computed parts a plan of its kind carries (a milk-removal
schedule, feeding amounts, a timeline) and which library entry is the supplement step-down. careplan's own plan
types live in this package; a plan type may also use shared libraries (``shared = ["shared"]``): folders beside the
plan types, with a ``library/`` and no manifest, whose entries serve every plan type that names them, so an entry
two plan types use lives once. More plan types can be added as folders alone, listed in ``$CAREPLAN_PLANTYPES`` (folders
separated by ``os.pathsep``, each holding plan-type folders). Nothing here imports the rest of careplan.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from careplan._resources import intake_forms_dir
from careplan.errors import InputError

MANIFEST = "plantype.toml"
#: The parts a plan type may ask the rules to compute.
COMPUTED = ("milk_removal", "feeding", "timeline", "growth")
Computed = Literal["milk_removal", "feeding", "timeline", "growth"]
#: The variable naming the extra folders of plan types.
ENVIRONMENT = "CAREPLAN_PLANTYPES"


@dataclass(frozen=True)
class PlanType:
    """One plan type's manifest, with its folders resolved."""

    id: str
    title: str
    folder: Path
    library: Path  # the folder of its own strategy YAML
    shared: tuple[Path, ...]  # the shared library folders it uses, loaded before its own
    form: Path | None  # its interview questions, when it has an interview
    examples: Path | None  # its example intakes
    documents: tuple[str, ...]
    computed: tuple[Computed, ...]
    step_down_entry: str | None  # the entry whose firing allows a supplement step-down
    #: A computed part shown only while one of these entries is in the plan (no entry named: always shown).
    computed_when: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def shows(self, part: str, entries: set[str]) -> bool:
        """The plan carries this computed part: the plan type asks for it, and an entry it waits for is in."""
        if part not in self.computed:
            return False
        waits_for = self.computed_when.get(part)
        return waits_for is None or bool(entries & set(waits_for))

    @property
    def shown(self) -> str:
        """How messages name the library folder: relative to careplan for the built-in ones."""
        try:
            return self.library.relative_to(_PROJECT).as_posix()
        except ValueError:
            return str(self.library)

    @property
    def libraries(self) -> tuple[tuple[Path, str], ...]:
        """Every library folder this plan type loads, in order (shared first, its own last), with how messages
        name each."""
        return (*((folder, _shown(folder)) for folder in self.shared), (self.library, self.shown))


_PROJECT = Path(__file__).resolve().parent.parent.parent


def _shown(folder: Path) -> str:
    try:
        return folder.relative_to(_PROJECT).as_posix()
    except ValueError:
        return str(folder)


def _shared_library(name: object) -> Path | None:
    """The library folder of the shared part called ``name``: the last root that has it wins."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    for root in reversed(_roots()):
        folder = root / name
        if (folder / "library").is_dir() and not (folder / MANIFEST).is_file():
            return folder / "library"
    return None


def _roots() -> list[Path]:
    roots = [Path(__file__).resolve().parent]
    roots += [Path(p).expanduser() for p in os.environ.get(ENVIRONMENT, "").split(os.pathsep) if p]
    return roots


def _computed_when(data: dict[str, Any], computed: list[str], label: str, problems: list[str]) -> dict[str, Any]:
    when = data.get("computed_when", {})
    if not isinstance(when, dict):
        problems.append(f"{label}: computed_when: must be a table of computed part = [entry ids]")
        return {}
    for part, ids in when.items():
        if part not in computed:
            problems.append(f"{label}: computed_when: {part!r} is not one of this plan type's computed parts")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            problems.append(f"{label}: computed_when: {part}: must be a list of entry ids")
    return when


def _shared_folders(data: dict[str, Any], label: str, problems: list[str]) -> list[Path]:
    shared: list[Path] = []
    for name in data.get("shared", []):
        found = _shared_library(name)
        if found is None:
            problems.append(f"{label}: shared: {name!r} is not a shared library (a folder beside the plan types, "
                            "holding library/ and no plantype.toml)")
        else:
            shared.append(found)
    return shared


def _read(folder: Path) -> PlanType:
    manifest = folder / MANIFEST
    label = str(manifest)
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([f"{label}: cannot be read ({type(exc).__name__})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([f"{label}: not valid TOML ({exc})"]) from None
    problems = []
    known = {"id", "title", "library", "shared", "form", "examples", "documents", "computed", "computed_when",
             "step_down_entry"}
    problems += [f"{label}: {key}: is not a known setting" for key in sorted(set(data) - known)]
    plan_id = data.get("id")
    if not isinstance(plan_id, str) or plan_id != folder.name:
        problems.append(f"{label}: id: must be the folder's name, {folder.name!r}")
    computed = data.get("computed", [])
    problems += [f"{label}: computed: {c!r} is not one of {', '.join(COMPUTED)}" for c in computed if c not in COMPUTED]
    library = folder / str(data.get("library", "library"))
    if not library.is_dir():
        problems.append(f"{label}: library: {library} is not a folder")
    when = _computed_when(data, computed, label, problems)
    shared = _shared_folders(data, label, problems)
    forms = intake_forms_dir()
    form = forms / str(data["form"]) if "form" in data else None
    if form is not None and not form.is_file() and (folder / str(data["form"])).is_file():
        form = folder / str(data["form"])  # a plan type outside careplan keeps its form beside its manifest
    if form is not None and not form.is_file():
        problems.append(f"{label}: form: {data['form']} is not a file")
    examples = forms / str(data["examples"]) if "examples" in data else None
    if examples is not None and not examples.is_dir() and (folder / str(data["examples"])).is_dir():
        examples = folder / str(data["examples"])
    if problems:
        raise InputError(problems)
    return PlanType(
        id=str(plan_id),
        title=str(data.get("title", plan_id)),
        folder=folder,
        library=library,
        shared=tuple(shared),
        form=form,
        examples=examples,
        documents=tuple(data.get("documents", ["care-plan"])),
        computed=tuple(computed),
        step_down_entry=data.get("step_down_entry"),
        computed_when={str(part): tuple(ids) for part, ids in when.items()},
    )


def available() -> list[str]:
    """The plan types careplan can build: its own and those in ``$CAREPLAN_PLANTYPES``."""
    return sorted(
        {child.name for root in _roots() if root.is_dir() for child in root.iterdir() if (child / MANIFEST).is_file()}
    )


@cache
def _load(folder: Path, mtime: float) -> PlanType:
    return _read(folder)


def load_plantype(name: str) -> PlanType:
    """The plan type called ``name`` (the last root that has it wins, so a practice can replace one)."""
    for root in reversed(_roots()):
        manifest = root / name / MANIFEST
        if manifest.is_file():
            return _load(manifest.parent, manifest.stat().st_mtime)
    raise InputError([f"plan type {name!r} is not known; there are: {', '.join(available()) or 'none'}"])
