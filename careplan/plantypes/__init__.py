"""Plan types as data: each is a folder with a manifest (``plantype.toml``) and its strategy library.

A plan type names its library folder, its interview form and example intakes (in the top-level
``intake_forms/<type>/``), the documents it offers, the computed parts a plan of its kind carries (a milk-removal
schedule, feeding amounts, a timeline) and which library entry is the supplement step-down. careplan's own plan
types live in this package; more can be added as folders alone, listed in ``$CAREPLAN_PLANTYPES`` (folders
separated by ``os.pathsep``, each holding plan-type folders). Nothing here imports the rest of careplan.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

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
    library: Path  # the folder of its strategy YAML
    form: Path | None  # its interview questions, when it has an interview
    examples: Path | None  # its example intakes
    documents: tuple[str, ...]
    computed: tuple[Computed, ...]
    step_down_entry: str | None  # the entry whose firing allows a supplement step-down

    @property
    def shown(self) -> str:
        """How messages name the library folder: relative to careplan for the built-in ones."""
        try:
            return self.library.relative_to(Path(__file__).resolve().parent.parent.parent).as_posix()
        except ValueError:
            return str(self.library)


def _roots() -> list[Path]:
    roots = [Path(__file__).resolve().parent]
    roots += [Path(p).expanduser() for p in os.environ.get(ENVIRONMENT, "").split(os.pathsep) if p]
    return roots


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
    known = {"id", "title", "library", "form", "examples", "documents", "computed", "step_down_entry"}
    problems += [f"{label}: {key}: is not a known setting" for key in sorted(set(data) - known)]
    plan_id = data.get("id")
    if not isinstance(plan_id, str) or plan_id != folder.name:
        problems.append(f"{label}: id: must be the folder's name, {folder.name!r}")
    computed = data.get("computed", [])
    problems += [f"{label}: computed: {c!r} is not one of {', '.join(COMPUTED)}" for c in computed if c not in COMPUTED]
    library = folder / str(data.get("library", "library"))
    if not library.is_dir():
        problems.append(f"{label}: library: {library} is not a folder")
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
        form=form,
        examples=examples,
        documents=tuple(data.get("documents", ["care-plan"])),
        computed=tuple(computed),
        step_down_entry=data.get("step_down_entry"),
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
