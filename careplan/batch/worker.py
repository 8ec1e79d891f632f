"""The worker side of ``careplan batch``: one small task in, one small result out, on any executor.

:func:`render_task` reads one intake, validates it, renders its PDF (written atomically, mode 0600) and records the
render in the batch's journal, then returns a :class:`RenderResult`: a status, the seconds it took and the problem
lines, never PDF bytes and never the intake's contents.

Per-process state (WeasyPrint, the parsed stylesheets and fonts, the templates, the library, the practice) is built
on the first task in each process and kept (``functools.cache``), so the same function works on a local process
pool, a thread pool or a Dask cluster. :func:`init_worker` builds it ahead of the first task where the executor
has an initializer (the local pool). Renders in one process run one at a time (WeasyPrint's per-process state is
not shared between threads), so a multi-threaded Dask worker is safe too.

This module imports nothing heavy at import time (no WeasyPrint): the batch's forkserver may preload it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from careplan._io import PART_SUFFIX, PRIVATE_FILE
from careplan.errors import CareplanError
from careplan.intake import read_intake_bytes

if TYPE_CHECKING:
    from careplan.practice import Practice
    from careplan.rules.library import Library

RenderStatus = Literal["rendered", "failed"]

#: Journal files in the batch state folder: one per worker process, one JSON line per PDF written.
JOURNAL_PREFIX = "journal-"
JOURNAL_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Settings:
    """What every plan of a batch shares. Paths are absolute; ``digest`` fingerprints all of it (see
    :func:`careplan.batch.fingerprint.settings_digest`)."""

    practice: str | None
    libraries: tuple[str, ...]
    variant: str
    digest: str


@dataclass(frozen=True)
class RenderTask:
    """One plan to render: where to read, how to name the input in messages, where to write."""

    key: str  # the input's absolute path, the manifest's key
    label: str  # the input as the user named it, for messages
    output: str  # absolute path of the PDF to write
    state: str  # the batch's state folder (for the journal)
    settings: Settings


@dataclass(frozen=True)
class RenderResult:
    key: str
    status: RenderStatus
    seconds: float
    lines: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    fingerprint: str | None = None
    worker: str = ""
    peak_rss_kb: int = 0
    cpu_seconds: float = 0.0  # this worker process's CPU time so far


def fingerprint(settings_digest: str, intake: bytes) -> str:
    """What a rendered plan depends on: the batch settings' digest and the intake's exact bytes."""
    return hashlib.sha256(f"{settings_digest}:{hashlib.sha256(intake).hexdigest()}".encode("ascii")).hexdigest()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def cpu_seconds() -> float:
    """CPU time (user and system) this process has used."""
    times = os.times()
    return times.user + times.system


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB (0 where the platform cannot tell)."""
    try:
        import resource
        import sys
    except ImportError:  # pragma: no cover - Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak // 1024) if sys.platform == "darwin" else int(peak)


# --------------------------------------------------------------------------------------------------------------
# Per-process state
# --------------------------------------------------------------------------------------------------------------

_lock = threading.Lock()
_seen_digest: list[str] = []


@functools.cache
def _context(settings: Settings, plan_type: str = "relactation") -> tuple[Library, Practice]:
    """Load the plan type's library and the practice, import WeasyPrint, parse the stylesheets and compile the
    templates: once per process, settings and plan type."""
    from careplan.documents.pdf import warm_up
    from careplan.pipeline import template_folders
    from careplan.practice import load_practice
    from careplan.rules.library import load_library
    from careplan.templating import environment

    library = load_library(*settings.libraries, plan_type=plan_type)
    practice = load_practice(settings.practice)
    warm_up()
    environment(template_folders(practice, library)).get_template("plan.html")
    return library, practice


def _fresh(settings: Settings) -> None:
    """A long-lived worker (Dask) may serve batches whose templates changed in between: start clean."""
    if _seen_digest and _seen_digest[-1] != settings.digest:
        from careplan import templating
        from careplan.documents import pdf

        pdf.reset()
        templating.forget()
        _context.cache_clear()
    _seen_digest[:] = [settings.digest]


#: The hidden name a worker renders a PDF under before renaming it into place.
STAGING_PREFIX = ".careplan-render-"

#: Set by the batch's main process to its pid before it starts worker processes: a process whose parent is that
#: process (the forkserver) dies with it.
PARENT_ENV = "CAREPLAN_BATCH_PARENT"


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies, however the parent dies (kill -9 included), so a
    killed batch leaves no forkserver or worker behind; the resource tracker then ends on its own. Linux only
    (elsewhere a no-op); if the parent is already gone, exit now."""
    if sys.platform != "linux":
        return
    import ctypes

    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def init_worker(settings: Settings) -> None:
    """Initializer for a local worker process: die with the process that started it, leave Ctrl-C to the main
    process (which stops the batch cleanly), and warm up now rather than on the first plan."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with _lock:
            _fresh(settings)
            _context(settings)
    except Exception:  # noqa: S110 - the first task reports the same problem, for its input
        pass


def _journal(task: RenderTask, fingerprint_: str, pdf_sha256: str) -> None:
    """Record a PDF about to be renamed into place in this process's own journal (one writer per file, so no
    interleaving, even on a shared folder). The main process folds journals into the manifest; after a kill they
    tell the next run which PDFs were finished. The line is written before the rename and names the PDF's hash, so
    a line whose rename never happened does not match the file and is ignored: no moment in which a kill leaves a
    finished PDF unrecorded, or a recorded one unfinished."""
    host = "".join(c if c.isalnum() or c in "-_." else "_" for c in socket.gethostname())[:60]
    path = Path(task.state) / f"{JOURNAL_PREFIX}{host}-{os.getpid()}{JOURNAL_SUFFIX}"
    line = json.dumps(
        {
            "input": task.key,
            "fingerprint": fingerprint_,
            "output": Path(task.output).name,
            "pdf_sha256": pdf_sha256,
            "time": time.time(),
        }
    )
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def render_task(task: RenderTask) -> RenderResult:
    """Render one plan. Never raises for a problem with the input or the render: it becomes a failed result."""
    start = time.perf_counter()
    warnings: tuple[str, ...] = ()
    digest: str | None = None
    with _lock:
        try:
            from careplan.intake import parse_intake
            from careplan.pipeline import write_plan_pdf

            raw = read_intake_bytes(task.key, task.label)
            intake = parse_intake(raw, task.label)
            _fresh(task.settings)
            library, practice = _context(task.settings, intake.plan_type)
            final = Path(task.output)
            # Written (atomically, 0600) under a hidden staging name, journalled, then renamed into place.
            # The staging name does not carry the family's name (the output's name does): a worker killed here
            # leaves only an anonymous temporary file, removed when this batch ends or the next one starts.
            staging = final.with_name(f"{STAGING_PREFIX}{secrets.token_hex(8)}{PART_SUFFIX}")
            try:
                rendered = write_plan_pdf(
                    intake,
                    staging,
                    library=library,
                    practice=practice,
                    variant=task.settings.variant,  # type: ignore[arg-type]
                    label=task.label,
                )
                warnings = tuple(dict.fromkeys(rendered.warnings))[:20]
                digest = fingerprint(task.settings.digest, raw)
                with contextlib.suppress(OSError):  # the main process records the result too
                    _journal(task, digest, hashlib.sha256(staging.read_bytes()).hexdigest())
                os.replace(staging, final)
            except CareplanError as exc:
                raise type(exc)([line.replace(str(staging), str(final)) for line in exc.lines]) from None
            except OSError as exc:
                raise CareplanError([f"{final}: not written ({exc.strerror or type(exc).__name__})"]) from None
            finally:
                with contextlib.suppress(OSError):
                    staging.unlink(missing_ok=True)
        except CareplanError as exc:
            return _failed(task, start, exc.lines)
        except Exception as exc:  # a bug or a renderer crash: say which input, never what it holds
            return _failed(task, start, [f"{task.label}: not rendered: the renderer failed ({type(exc).__name__})"])
    return RenderResult(
        key=task.key,
        status="rendered",
        seconds=time.perf_counter() - start,
        warnings=warnings,
        fingerprint=digest,
        worker=worker_name(),
        peak_rss_kb=peak_rss_kb(),
        cpu_seconds=cpu_seconds(),
    )


def _failed(task: RenderTask, start: float, lines: list[str]) -> RenderResult:
    return RenderResult(
        key=task.key,
        status="failed",
        seconds=time.perf_counter() - start,
        lines=tuple(lines),
        worker=worker_name(),
        peak_rss_kb=peak_rss_kb(),
        cpu_seconds=cpu_seconds(),
    )


# The forkserver imports this module first (FORKSERVER_PRELOAD); the batch's main process is its parent.
if os.environ.get(PARENT_ENV) == str(os.getppid()):
    die_with_parent()
