"""``careplan batch``: render plans for many intakes at once, on every core or a Dask cluster, resumably.

One call, :func:`run_batch` (the command is in :mod:`careplan.cli.batch`). In order:

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
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING

from careplan._io import private_folder
from careplan.batch.fingerprint import settings_digest
from careplan.batch.inputs import expand_inputs
from careplan.batch.naming import duplicates, id_in_name, output_name
from careplan.batch.progress import Progress, QuietProgress
from careplan.batch.report import BatchReport, Item
from careplan.batch.scheduler import Runner, TaskFunction
from careplan.batch.state import MANIFEST_NAME, STATE_DIR, Manifest, locked, remove_temporary_files
from careplan.batch.worker import (
    JOURNAL_PREFIX,
    JOURNAL_SUFFIX,
    RenderTask,
    Settings,
    fingerprint,
    render_task,
)
from careplan.errors import CareplanError
from careplan.intake import read_intake_bytes

if TYPE_CHECKING:
    pass



# --------------------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# Output names
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# State: lock, manifest, journals
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# What a plan depends on, besides the intake
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------------------------------



def run_batch(
    inputs: Sequence[str | Path],
    outdir: str | Path,
    *,
    practice: str | Path | None = None,
    libraries: Sequence[str | Path] = (),
    variant: str = "pdf/a-3a",
    force: bool = False,
    jobs: int | None = None,
    executor: Executor | str | None = None,
    progress: Progress | None = None,
    exclude: Sequence[Path] = (),
    task: TaskFunction = render_task,
    prune: bool = False,
) -> BatchReport:
    """Render a plan for every intake in ``inputs`` into ``outdir``; see the module's docstring.

    ``executor`` is None or ``"local"`` for worker processes on this machine (``jobs`` of them, default one per
    core), ``"dask://HOST:PORT"`` for a Dask cluster, or any ``concurrent.futures.Executor`` (which the caller
    shuts down; ``jobs`` then says how many renders it runs at once). Ctrl-C stops the batch cleanly: plans not
    started are left for the next run, plans being rendered are finished, and the report says ``interrupted``.

    Raises :class:`~careplan.errors.CareplanError` only for problems that stop the whole batch (a broken practice
    file or library, an output folder another batch is using, an unreachable Dask scheduler).

    Long on purpose: the steps of a batch (lock, clean up, triage, name, submit, fold the journals, save the
    manifest) read in order here, each one call; the try/finally that saves the manifest has to wrap them all.
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
        remove_temporary_files(out, state)
        manifest = Manifest.load(state / MANIFEST_NAME, report.notes)
        manifest.replay(state, absolute_out)
        replaced: dict[str, list[str]] = {}  # input -> its earlier plans' names, when the family's name changed
        try:
            wanted = _triage(report, manifest, settings, absolute_out, force)
            kept = {item.key: item.output for item in report.items if item.status == "skipped" and item.output}
            for key, first in duplicates(wanted, kept).items():
                del wanted[key]
                items[key].status = "failed"
                items[key].messages = [
                    f"{items[key].label}: the same consult as {items[first].label} (same family, babies and consult "
                    "date, or the same record id); only that one is rendered: keep one of the two files"
                ]
            if wanted:
                replaced = _earlier_plans(wanted, kept, manifest, absolute_out)
                tasks = [
                    RenderTask(
                        key=key,
                        label=items[key].label,
                        output=str(absolute_out / wanted[key]),
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
                    report.interrupted = not Runner(pool, task, report, items, manifest, progress).run(tasks)
                finally:
                    progress.end()
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            heard = {key: dict(entry) for key, entry in manifest.inputs.items()}
            manifest.replay(state, absolute_out)  # what a worker finished that the main process did not hear of
            mark_finished_unheard(report, manifest, heard)
            for item in report.items:  # this run's results win over older journal lines
                if item.status == "rendered" and item.fingerprint and item.output:
                    manifest.record(item.key, item.fingerprint, item.output)
            manifest.save(state / MANIFEST_NAME, absolute_out)
            _stale(report, absolute_out, replaced, prune)
            for journal in state.glob(f"{JOURNAL_PREFIX}*{JOURNAL_SUFFIX}"):
                with contextlib.suppress(OSError):
                    journal.unlink()
            # The folder is locked to this batch: a temporary file still here is a killed worker's.
            remove_temporary_files(out, state)
    for item in report.items:
        if item.status == "interrupted":
            item.output = None
    report.seconds = time.monotonic() - started
    return report


def mark_finished_unheard(report: BatchReport, manifest: Manifest, heard: dict[str, dict[str, str]]) -> None:
    """A plan whose worker finished its PDF (journal line written, PDF in place with that hash) after Ctrl-C, but
    before telling the main process, is rendered, not interrupted: the report says what is on disk."""
    for item in report.items:
        entry = manifest.inputs.get(item.key)
        if item.status == "interrupted" and entry and entry != heard.get(item.key) and entry["output"] == item.output:
            item.status, item.fingerprint = "rendered", entry["fingerprint"]


def _triage(report: BatchReport, manifest: Manifest, settings: Settings, outdir: Path, force: bool) -> dict[str, str]:
    """Skip what is up to date, fail what cannot be read or is invalid; return the rest as key -> output name."""
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
        wanted[item.key] = output_name(intake, Path(item.key).stem)
    return wanted


def _earlier_plans(
    wanted: dict[str, str], kept: dict[str, str], manifest: Manifest, outdir: Path
) -> dict[str, list[str]]:
    """Per input to render, its earlier plans under another name (the family's name was corrected): known from the
    manifest, or, with the manifest lost, by the stable id at the end of the name. A name another input has now is
    never one of them."""
    taken = set(wanted.values()) | set(kept.values())
    on_disk: dict[str | None, set[str]] = {}  # the PDFs here by the stable id their names end with
    for entry in os.scandir(outdir):
        if not entry.name.startswith("."):
            on_disk.setdefault(id_in_name(entry.name), set()).add(entry.name)
    owned: dict[str, set[str]] = {}  # input -> the PDFs the manifest says were written for it
    for old, owner in manifest.outputs.items():
        owned.setdefault(owner, set()).add(old)
    earlier: dict[str, list[str]] = {}
    for key, name in wanted.items():
        found = owned.get(key, set()) | {
            old for old in on_disk.get(id_in_name(name), set()) if manifest.outputs.get(old, key) == key
        }
        if found - taken:
            earlier[key] = sorted(found - taken)
    return earlier


def _stale(report: BatchReport, outdir: Path, replaced: dict[str, list[str]], prune: bool) -> None:
    """Earlier plans of families whose name changed, now that their new plan is written: removed with ``prune``,
    otherwise counted in a note (never named: a file name holds a family's name)."""
    rendered = {item.key for item in report.items if item.status == "rendered"}
    stale = [outdir / n for key, names in replaced.items() if key in rendered for n in names if (outdir / n).is_file()]
    if not stale:
        return
    if prune:
        for path in stale:
            with contextlib.suppress(OSError):
                path.unlink()
        report.notes.append(f"removed {len(stale)} earlier plan{'s' if len(stale) != 1 else ''} of families whose "
                            "name changed")
    else:
        report.notes.append(f"{len(stale)} earlier plan{'s' if len(stale) != 1 else ''} of families whose name "
                            f"changed {'is' if len(stale) == 1 else 'are'} still in {outdir}; --prune removes them")


def _check_library(folders: Sequence[Path]) -> None:
    """Load the library once here, so a broken practice library stops the batch with its own message rather
    than failing every plan."""
    from careplan.rules.library import load_library

    load_library(*folders)


