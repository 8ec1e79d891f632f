"""``careplan batch``: render plans for many intakes at once, on every core or a Dask cluster, resumably.

One call, :func:`run_batch`, and the command :func:`batch_command` around it. In order:

1. The inputs (files, folders, globs) are expanded to intake files, each named in messages as the user gave it.
2. The output folder is locked (one batch at a time), temporary files left by a killed run are removed, and the
   state in ``OUTDIR/.careplan-batch/`` is read: the manifest, plus the journals of a run that was killed.
3. Each intake is fingerprinted: its exact bytes plus a digest of everything else a plan depends on (careplan's
   code and version, the library, the templates and fonts, the practice file and its logo and templates, the
   WeasyPrint version, the PDF variant). An intake whose fingerprint matches the manifest and whose PDF exists is
   skipped. The others are validated here; an invalid one fails at once with :class:`~careplan.errors.InputError`'s
   lines, and the valid ones get their output names.
4. The rest are rendered by :func:`careplan.batch.worker.render_task` on the executor: small tasks in (paths and
   settings), small results out (status, seconds, problem lines), a bounded number in flight. A failed plan never
   stops the others; a worker process that dies is replaced and the plans it may have been rendering are retried
   one at a time, so only the one that kills its worker fails.
5. The manifest is written (atomically, 0600) and the journals folded into it.

Output names come from the intake, not the clock: ``CONSULT-DATE_PARENT-NAME_BABY-FIRST-NAMES.pdf``, folded to
ASCII and shortened, with ``-2``, ``-3`` for intakes that would get the same name (in the order of their paths,
and an input keeps its name from run to run). A plan is never overwritten by another intake's plan, and a file in
the folder that careplan did not write is never overwritten.

Every PDF is written to a temporary file and renamed into place when complete, so Ctrl-C or a killed process
never leaves half a PDF; the next run removes the temporary files and renders what is left.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, Executor, Future, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from careplan._io import PRIVATE_FILE, private_folder, write_private
from careplan._version import __version__
from careplan.batch.progress import Progress, QuietProgress
from careplan.batch.worker import (
    JOURNAL_PREFIX,
    JOURNAL_SUFFIX,
    RenderResult,
    RenderTask,
    Settings,
    fingerprint,
    render_task,
)
from careplan.errors import CareplanError, ExitStatus
from careplan.intake import read_intake_bytes

if TYPE_CHECKING:
    from careplan.batch.executors import Pool
    from careplan.intake import Intake
    from careplan.practice import Practice

Status = Literal["rendered", "skipped", "failed", "interrupted"]

STATE_DIR = ".careplan-batch"
MANIFEST_NAME = "manifest.json"
LOCK_NAME = "lock"
MANIFEST_FORMAT = "careplan-batch/1"

EXIT_OK = ExitStatus.OK
EXIT_FAILED = ExitStatus.PROBLEM
EXIT_INTERRUPTED = ExitStatus.INTERRUPTED

#: Longest part of an output name taken from the parent's name, and from the babies' first names.
NAME_PART_LIMIT = 40
_GLOB_CHARS = frozenset("*?[")
#: Temporary files: a worker's ``.NAME.pdf.RANDOM.part`` and write_private's own ones beside it, and the manifest's.
_PART_FILE = re.compile(r"^\.(.*\.pdf|manifest\.json)\..*\.part$")


# --------------------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Item:
    """One input and what became of it."""

    label: str  # as the user named it
    key: str  # absolute path
    status: Status = "interrupted"
    output: str | None = None  # the PDF's name in the output folder
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprint: str | None = None  # of what was rendered (for the manifest; not reported)


@dataclass
class WorkerStats:
    """One worker process: how many plans it rendered, its peak resident memory and its CPU time."""

    plans: int = 0
    peak_kib: int = 0
    cpu_seconds: float = 0.0


@dataclass
class BatchReport:
    """What a batch did: one :class:`Item` per input, in the order given."""

    outdir: Path
    items: list[Item]
    where: str = ""
    seconds: float = 0.0
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)
    workers: dict[str, WorkerStats] = field(default_factory=dict)  # by "host:pid"

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def failed(self) -> list[Item]:
        return [item for item in self.items if item.status == "failed"]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.failed else EXIT_OK

    def output_path(self, item: Item) -> Path | None:
        return None if item.output is None else self.outdir / item.output

    def problem_lines(self) -> list[str]:
        """What went wrong, for standard error: each failed input with its messages, renderer warnings, and how
        to finish an interrupted batch."""
        lines = []
        for item in self.failed:
            lines.append(f"failed: {item.label}")
            lines.extend(f"  {line}" for line in item.messages)
        warned = sum(1 for item in self.items if item.warnings)
        if warned:
            lines.append(f"{warned} plan{'s' if warned != 1 else ''} rendered with renderer warnings (see the report)")
        if self.count("interrupted"):
            lines.append("Interrupted: run the same command again to render the rest.")
        elif self.interrupted:
            lines.append("Interrupted, after every plan was done.")
        return lines

    def plans_to_send(self) -> list[tuple[Intake, Path, str]]:
        """Every plan rendered or found up to date, as (intake, PDF, intake file name), for emailing."""
        from careplan.intake import load_intake

        plans = []
        for item in self.items:
            pdf = self.output_path(item)
            if item.status in ("rendered", "skipped") and pdf is not None:
                plans.append((load_intake(item.key), pdf, Path(item.key).name))
        return plans

    def summary(self) -> str:
        parts = [f"{self.count('rendered')} rendered", f"{self.count('skipped')} up to date"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.count("interrupted"):
            parts.append(f"{self.count('interrupted')} not done (interrupted)")
        noun = "intake" if len(self.items) == 1 else "intakes"
        return f"{len(self.items)} {noun}: {', '.join(parts)} in {self.seconds:.1f} s -> {self.outdir}"

    def to_dict(self) -> dict[str, Any]:
        peaks = sorted(stats.peak_kib for stats in self.workers.values())
        each = [
            {
                "worker": name,
                "plans": stats.plans,
                "peak_memory_mb": round(stats.peak_kib / 1024, 1),
                "cpu_seconds": round(stats.cpu_seconds, 2),
            }
            for name, stats in sorted(self.workers.items())
        ]
        return {
            "careplan": __version__,
            "output_folder": str(self.outdir),
            "executor": self.where or None,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "exit_code": self.exit_code,
            "counts": {
                status: self.count(status) for status in ("rendered", "skipped", "failed", "interrupted")
            },
            "workers": {
                "count": len(peaks),
                "peak_memory_mb_max": round(peaks[-1] / 1024, 1) if peaks else None,
                "each": each,
            },
            "notes": self.notes,
            "items": [
                {
                    "input": item.label,
                    "status": item.status,
                    "output": None if item.output is None else str(self.outdir / item.output),
                    "seconds": round(item.seconds, 3),
                    "messages": item.messages,
                    "warnings": item.warnings,
                }
                for item in self.items
            ],
        }


# --------------------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------------------


def expand_inputs(
    specs: Sequence[str | Path], exclude: Sequence[Path] = ()
) -> tuple[list[tuple[str, Path]], list[str]]:
    """Files, folders (their ``*.json`` files, not subfolders) and globs (``**`` recurses) -> (label, absolute
    path) pairs, each file once, and notes for folders and patterns that found nothing.

    A path that does not exist and is not a pattern is kept: it fails with "no such file", like a missing file
    given to ``careplan validate``.
    """
    import glob

    skip = {p.resolve() for p in exclude}
    found: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    notes: list[str] = []

    def add(label: str, path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen and resolved not in skip and STATE_DIR not in resolved.parts:
            seen.add(resolved)
            found.append((label, resolved))

    for spec in map(str, specs):
        path = Path(spec)
        if path.is_dir():
            matches = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith("."))
            matches = [p for p in matches if p.is_file()]
            if not matches:
                notes.append(f"{spec}: no .json files in this folder")
            for match in matches:
                add(str(match), match)
        elif not path.exists() and _GLOB_CHARS & set(spec):
            hits = [Path(p) for p in sorted(glob.glob(spec, recursive=True))]
            hits = [p for p in hits if p.is_file()]
            if not hits:
                notes.append(f"{spec}: matches no files")
            for hit in hits:
                add(str(hit), hit)
        else:
            add(spec, path)
    return found, notes


# --------------------------------------------------------------------------------------------------------------
# Output names
# --------------------------------------------------------------------------------------------------------------

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ł": "l",
                       "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "’": "", "'": ""})


def slug(text: str, limit: int = NAME_PART_LIMIT) -> str:
    """Lower-case ASCII words joined by hyphens, at most ``limit`` characters, cut between words:
    ``"Nguyễn Thị Lan"`` -> ``"nguyen-thi-lan"``. Scripts without a Latin form give ``""``."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            if not out:
                out = word[:limit]
            break
        out = candidate
    return out


def output_stem(intake: Intake, fallback: str) -> str:
    """The output name without ``.pdf``: ``2026-03-02_greta-mustermann-probe_ida-jonas``. When neither the
    parent's nor the babies' names have a Latin form, the input file's name stands in for them."""
    parent = slug(intake.parent.name)
    babies = ""
    for baby in intake.babies:
        first = slug(baby.name.split()[0] if baby.name.split() else "")
        if first and len(babies) + len(first) + 1 <= NAME_PART_LIMIT:
            babies = f"{babies}-{first}" if babies else first
    who = "_".join(part for part in (parent, babies) if part) or slug(fallback) or "plan"
    return f"{intake.consult.date.isoformat()}_{who}"


def _name(stem: str, number: int) -> str:
    return f"{stem}.pdf" if number == 1 else f"{stem}-{number}.pdf"


def assign_names(
    wanted: dict[str, str], current: dict[str, str], owners: dict[str, str], on_disk: set[str]
) -> dict[str, str]:
    """Output names for the inputs in ``wanted`` (key -> stem).

    ``current`` is each input's name from the last run (key -> name), ``owners`` who each PDF careplan wrote here
    was written for (name -> key), ``on_disk`` the file names now in the folder. An input keeps its name while its
    stem is unchanged; otherwise it gets ``STEM.pdf``, or ``STEM-2.pdf``, ``STEM-3.pdf`` ... in the order of the
    inputs' paths, skipping any name that holds another input's plan or a file careplan did not write.
    """
    claimed: dict[str, str] = {name: owners.get(name, "") for name in on_disk}
    names: dict[str, str] = {}
    for key in sorted(wanted):
        name = current.get(key)
        stem = re.escape(wanted[key])
        if name and re.fullmatch(rf"{stem}(-[0-9]+)?\.pdf", name) and claimed.get(name, key) == key:
            names[key] = name
            claimed[name] = key
    for key in sorted(wanted):
        if key in names:
            continue
        number = 1
        while claimed.get(_name(wanted[key], number), key) != key:
            number += 1
        names[key] = _name(wanted[key], number)
        claimed[names[key]] = key
    return names


# --------------------------------------------------------------------------------------------------------------
# State: lock, manifest, journals
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Manifest:
    """What earlier runs in this folder rendered: per input, its fingerprint and PDF; per PDF, its input."""

    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def record(self, key: str, fingerprint_: str, output: str) -> None:
        self.inputs[key] = {"fingerprint": fingerprint_, "output": output}
        self.outputs[output] = key

    def up_to_date(self, key: str, fingerprint_: str, outdir: Path) -> str | None:
        """The PDF's name if this input was rendered with this fingerprint and the PDF is still there."""
        entry = self.inputs.get(key)
        if entry is None or entry.get("fingerprint") != fingerprint_:
            return None
        output = entry.get("output", "")
        return output if output and (outdir / output).is_file() else None

    @classmethod
    def load(cls, path: Path, notes: list[str]) -> Manifest:
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            notes.append(f"{path}: unreadable; every intake is rendered again")
            return cls()
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            notes.append(f"{path}: not a manifest this careplan reads; every intake is rendered again")
            return cls()
        inputs = {
            str(k): {"fingerprint": str(v.get("fingerprint", "")), "output": str(v.get("output", ""))}
            for k, v in dict(data.get("inputs") or {}).items()
            if isinstance(v, dict)
        }
        outputs = {str(k): str(v) for k, v in dict(data.get("outputs") or {}).items()}
        return cls(inputs=inputs, outputs=outputs)

    def replay(self, state: Path, outdir: Path) -> list[Path]:
        """Apply the journals workers wrote (in time order); return the journal files read. A line counts only if
        its PDF is in place with the hash it names (a worker writes the line just before renaming the PDF)."""
        lines: list[dict[str, Any]] = []
        files = sorted(state.glob(f"{JOURNAL_PREFIX}*{JOURNAL_SUFFIX}"))
        for path in files:
            with contextlib.suppress(OSError):
                for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
                    with contextlib.suppress(ValueError):
                        entry = json.loads(text)
                        if isinstance(entry, dict) and {"input", "fingerprint", "output"} <= entry.keys():
                            lines.append(entry)
        hashes: dict[str, str | None] = {}
        for entry in sorted(lines, key=lambda e: float(e.get("time", 0))):
            output = Path(str(entry["output"])).name
            if output not in hashes:
                try:
                    hashes[output] = hashlib.sha256((outdir / output).read_bytes()).hexdigest()
                except OSError:
                    hashes[output] = None
            if hashes[output] is not None and entry.get("pdf_sha256") == hashes[output]:
                self.record(str(entry["input"]), str(entry["fingerprint"]), output)
        return files

    def save(self, path: Path, outdir: Path) -> None:
        """Write the manifest atomically (0600), forgetting PDFs that are no longer there."""
        present = {name for name in self.outputs if (outdir / name).is_file()}
        data = {
            "format": MANIFEST_FORMAT,
            "careplan": __version__,
            "inputs": {k: v for k, v in sorted(self.inputs.items()) if v.get("output") in present},
            "outputs": {k: v for k, v in sorted(self.outputs.items()) if k in present},
        }
        write_private(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


@contextlib.contextmanager
def locked(state: Path, outdir: Path) -> Iterator[None]:
    """Hold the output folder's lock: two batches writing the same folder would fight over names."""
    fd = os.open(state / LOCK_NAME, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CareplanError(
                    [f"{outdir}: another careplan batch is writing to this folder; wait for it to finish"]
                ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_temporary_files(*folders: Path) -> int:
    """Remove the temporary files (``.NAME.XXXX.part``) a killed batch left behind."""
    removed = 0
    for folder in folders:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if _PART_FILE.match(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed += 1
    return removed


# --------------------------------------------------------------------------------------------------------------
# What a plan depends on, besides the intake
# --------------------------------------------------------------------------------------------------------------


def _feed(hasher: Any, label: str, data: bytes) -> None:
    hasher.update(f"{label}\0{len(data)}\0".encode())
    hasher.update(data)


def _feed_tree(hasher: Any, label: str, folder: Path) -> None:
    if not folder.is_dir():
        _feed(hasher, label, b"(missing)")
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts) or path.suffix == ".pyc":
            continue
        if path.is_file():
            _feed(hasher, f"{label}/{relative.as_posix()}", path.read_bytes())


def settings_digest(practice_file: Path | None, practice: Practice, libraries: Sequence[Path], variant: str) -> str:
    """A digest of everything a plan depends on besides its intake: careplan (version, code, built-in library,
    medicine names), the templates, stylesheet and fonts, the practice file with its logo and templates, any
    practice library folders, the WeasyPrint version and the PDF variant. A change to any of them re-renders."""
    from importlib.metadata import PackageNotFoundError, version

    from careplan._resources import templates_dir

    hasher = hashlib.sha256()
    _feed(hasher, "careplan", __version__.encode())
    try:
        _feed(hasher, "weasyprint", version("weasyprint").encode())
    except PackageNotFoundError:  # pragma: no cover
        _feed(hasher, "weasyprint", b"?")
    _feed(hasher, "variant", variant.encode())
    _feed_tree(hasher, "code", Path(__file__).resolve().parent)
    _feed_tree(hasher, "templates", templates_dir())
    for number, folder in enumerate(libraries):
        _feed_tree(hasher, f"library{number}", folder)
    if practice_file is not None:
        _feed(hasher, "practice", practice_file.read_bytes())
    if practice.logo is not None:
        _feed(hasher, "logo", practice.logo.read_bytes())
    if practice.templates is not None:
        _feed_tree(hasher, "practice-templates", practice.templates)
    return hasher.hexdigest()


# --------------------------------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------------------------------

TaskFunction = Callable[[RenderTask], RenderResult]


def run_batch(
    inputs: Sequence[str | Path],
    outdir: str | Path,
    *,
    practice: str | Path | None = None,
    libraries: Sequence[str | Path] = (),
    variant: str = "pdf/a-3b",
    force: bool = False,
    jobs: int | None = None,
    executor: Executor | str | None = None,
    progress: Progress | None = None,
    exclude: Sequence[Path] = (),
    task: TaskFunction = render_task,
) -> BatchReport:
    """Render a plan for every intake in ``inputs`` into ``outdir``; see the module's docstring.

    ``executor`` is None or ``"local"`` for worker processes on this machine (``jobs`` of them, default one per
    core), ``"dask://HOST:PORT"`` for a Dask cluster, or any ``concurrent.futures.Executor`` (which the caller
    shuts down; ``jobs`` then says how many renders it runs at once). Ctrl-C stops the batch cleanly: plans not
    started are left for the next run, plans being rendered are finished, and the report says ``interrupted``.

    Raises :class:`~careplan.errors.CareplanError` only for problems that stop the whole batch (a broken practice
    file or library, an output folder another batch is using, an unreachable Dask scheduler).
    """
    from careplan.batch.executors import GivenPool, open_pool, parse_executor

    started = time.monotonic()
    progress = progress or QuietProgress(sys.stderr)
    address = None if isinstance(executor, Executor) else parse_executor(executor or "local")
    found, notes = expand_inputs(inputs, exclude)
    out = Path(outdir)
    report = BatchReport(outdir=out, items=[Item(label=label, key=str(path)) for label, path in found], notes=notes)
    items = {item.key: item for item in report.items}

    practice_file = Path(practice).resolve() if practice is not None else None
    library_folders = [Path(folder).resolve() for folder in libraries]
    from careplan.practice import load_practice

    # A broken practice file stops the batch here, before any work (named as the user gave it).
    loaded_practice = load_practice(None if practice is None else Path(practice))
    settings = Settings(
        practice=None if practice_file is None else str(practice_file),
        libraries=tuple(map(str, library_folders)),
        variant=variant,
        digest=settings_digest(practice_file, loaded_practice, library_folders, variant),
    )

    private_folder(out)
    state = out / STATE_DIR
    private_folder(state)
    absolute_out = out.resolve()
    with locked(state, out):
        _remove_temporary_files(out, state)
        manifest = Manifest.load(state / MANIFEST_NAME, report.notes)
        manifest.replay(state, absolute_out)
        try:
            wanted = _triage(report, manifest, settings, absolute_out, force)
            if wanted:
                names = assign_names(
                    wanted,
                    {key: entry.get("output", "") for key, entry in manifest.inputs.items()},
                    manifest.outputs,
                    {entry.name for entry in os.scandir(absolute_out) if not entry.name.startswith(".")},
                )
                tasks = [
                    RenderTask(
                        key=key,
                        label=items[key].label,
                        output=str(absolute_out / names[key]),
                        state=str(state.resolve()),
                        settings=settings,
                    )
                    for key in sorted(wanted)
                ]
                for render in tasks:
                    items[render.key].output = Path(render.output).name
                pool = (
                    open_pool(address, jobs, settings, len(tasks))
                    if not isinstance(executor, Executor)
                    else GivenPool(executor, jobs)
                )
                try:  # while the workers start and warm up
                    _check_library([Path(folder) for folder in libraries])
                except BaseException:
                    pool.close(kill=True)
                    raise
                report.where = pool.label
                progress.begin(
                    inputs=len(report.items),
                    to_render=len(tasks),
                    skipped=report.count("skipped"),
                    failed=report.count("failed"),
                    where=pool.label,
                )
                try:
                    report.interrupted = not _Runner(pool, task, report, items, manifest, progress).run(tasks)
                finally:
                    progress.end()
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            manifest.replay(state, absolute_out)  # what a worker finished that the main process did not hear of
            for item in report.items:  # this run's results win over older journal lines
                if item.status == "rendered" and item.fingerprint and item.output:
                    manifest.record(item.key, item.fingerprint, item.output)
            manifest.save(state / MANIFEST_NAME, absolute_out)
            for journal in state.glob(f"{JOURNAL_PREFIX}*{JOURNAL_SUFFIX}"):
                with contextlib.suppress(OSError):
                    journal.unlink()
    for item in report.items:
        if item.status == "interrupted":
            item.output = None
    report.seconds = time.monotonic() - started
    return report


def _triage(report: BatchReport, manifest: Manifest, settings: Settings, outdir: Path, force: bool) -> dict[str, str]:
    """Skip what is up to date, fail what cannot be read or is invalid; return the rest as key -> output stem."""
    from careplan.intake import parse_intake

    wanted: dict[str, str] = {}
    for item in report.items:
        try:
            raw = read_intake_bytes(item.key, item.label)
            if not force:
                done = manifest.up_to_date(item.key, fingerprint(settings.digest, raw), outdir)
                if done is not None:
                    item.status, item.output = "skipped", done
                    continue
            intake = parse_intake(raw, item.label)
        except CareplanError as exc:
            item.status, item.messages = "failed", exc.lines
            continue
        wanted[item.key] = output_stem(intake, Path(item.key).stem)
    return wanted


def _check_library(folders: Sequence[Path]) -> None:
    """Load the library once here, so a broken practice library stops the batch with its own message rather
    than failing every plan."""
    from careplan.rules.library import load_library

    load_library(*folders)


class _Runner:
    """Feeds tasks to the pool, a bounded number at a time, and collects their results."""

    def __init__(
        self,
        pool: Pool,
        task: TaskFunction,
        report: BatchReport,
        items: dict[str, Item],
        manifest: Manifest,
        progress: Progress,
    ) -> None:
        self.pool = pool
        self.task = task
        self.report = report
        self.items = items
        self.manifest = manifest
        self.progress = progress
        self.inflight: dict[Future[RenderResult], RenderTask] = {}
        self.crashes: dict[str, int] = {}
        self.restarts = 0
        self.max_restarts = 3

    def run(self, tasks: list[RenderTask]) -> bool:
        """Render everything; False when interrupted by Ctrl-C."""
        queue = deque(tasks)
        suspects: deque[RenderTask] = deque()
        self.max_restarts = len(tasks) + 3  # each restart after the first few fails a plan, so this is never hit
        try:
            while queue or suspects or self.inflight:
                # After a worker died, the plans it may have been rendering are retried one at a time.
                limit = 1 if suspects else self.pool.window
                while len(self.inflight) < limit and (suspects or queue):
                    render = suspects.popleft() if suspects else queue.popleft()
                    try:
                        self.inflight[self.pool.submit(self.task, render)] = render
                    except (BrokenExecutor, RuntimeError):  # the pool broke since the last results
                        (suspects if self.crashes.get(render.key) else queue).appendleft(render)
                        self._after_crash([], queue, suspects)
                        break
                done, _ = wait(list(self.inflight), timeout=1.0, return_when=FIRST_COMPLETED)
                crashed = self._collect(done)
                if crashed:
                    self._after_crash(crashed, queue, suspects)
                self.progress.tick()
        except KeyboardInterrupt:
            self._stop(queue, suspects)
            return False
        finally:
            self.pool.close()
        return True

    def _collect(self, done: set[Future[RenderResult]]) -> list[RenderTask]:
        crashed = []
        for future in done:
            render = self.inflight.pop(future)
            try:
                result = future.result()
            except BrokenExecutor:
                crashed.append(render)
                continue
            except CancelledError:
                continue
            except Exception as exc:  # the executor failed this task (e.g. Dask's KilledWorker)
                result = RenderResult(
                    key=render.key,
                    status="failed",
                    seconds=0.0,
                    lines=(f"{render.label}: not rendered: the worker failed ({type(exc).__name__})",),
                )
            self._record(result)
        return crashed

    def _record(self, result: RenderResult) -> None:
        item = self.items[result.key]
        item.status = result.status
        item.seconds = result.seconds
        item.messages = list(result.lines)
        item.warnings = list(result.warnings)
        if result.status == "rendered" and result.fingerprint and item.output:
            item.fingerprint = result.fingerprint
            self.manifest.record(item.key, result.fingerprint, item.output)
        elif result.status == "failed":
            item.output = None
        if result.worker:
            stats = self.report.workers.setdefault(result.worker, WorkerStats())
            stats.plans += 1
            stats.peak_kib = max(stats.peak_kib, result.peak_rss_kb)
            stats.cpu_seconds = max(stats.cpu_seconds, result.cpu_seconds)
        self.progress.advance(result.status)

    def _after_crash(self, crashed: list[RenderTask], queue: deque[RenderTask], suspects: deque[RenderTask]) -> None:
        """A worker process died (killed, out of memory, a crash in a system library). Every plan in flight
        fails with it; retry them one at a time on a fresh pool, so only a plan that kills its worker on its
        own fails."""
        if self.inflight:  # the rest of this pool's futures fail the same way; wait for them
            done, _ = wait(list(self.inflight))
            crashed.extend(self._collect(done))
        alone = len(crashed) == 1
        self.restarts += 1
        restartable = self.pool.restartable and self.restarts <= self.max_restarts
        for render in crashed:
            self.crashes[render.key] = self.crashes.get(render.key, 0) + 1
            if alone or self.crashes[render.key] >= 2 or not restartable:
                self._record(
                    RenderResult(
                        key=render.key,
                        status="failed",
                        seconds=0.0,
                        lines=(
                            f"{render.label}: not rendered: the worker process stopped while rendering it "
                            "(out of memory, or killed)",
                        ),
                    )
                )
            else:
                suspects.append(render)
        if not restartable or not self.pool.restart():
            while queue:
                render = queue.popleft()
                self._record(
                    RenderResult(
                        key=render.key,
                        status="failed",
                        seconds=0.0,
                        lines=(f"{render.label}: not rendered: the executor stopped working",),
                    )
                )
            suspects.clear()

    def _stop(self, queue: deque[RenderTask], suspects: deque[RenderTask]) -> None:
        """Ctrl-C: start nothing new, let the plans being rendered finish (a second Ctrl-C stops them too)."""
        queue.clear()
        suspects.clear()
        for future in list(self.inflight):
            if future.cancel():
                del self.inflight[future]
        if not self.inflight:
            return
        count = len(self.inflight)
        self.progress.note(
            f"Stopping: finishing the {count} plan{'s' if count != 1 else ''} already started "
            "(press Ctrl-C again to stop at once)"
        )
        try:
            while self.inflight:
                done, _ = wait(list(self.inflight), timeout=1.0, return_when=FIRST_COMPLETED)
                self._collect(done)
        except KeyboardInterrupt:
            self.pool.close(kill=True)
