"""Where a batch runs: a local pool of worker processes, a Dask cluster, or any ``concurrent.futures.Executor``.

The batch only calls ``submit`` on the executor and waits on the futures it returns. Each kind is wrapped in a
:class:`Pool` that also knows how many renders it runs at once, how to replace a broken local pool and how to
shut down.

Local workers are started with ``forkserver`` (or ``spawn`` where there is no forkserver), never ``fork``: a
process that has imported WeasyPrint (Pango, GLib, fontconfig) must not be forked. The forkserver preloads only
careplan's light modules, never WeasyPrint, and each worker imports WeasyPrint and warms up once, in its
initializer.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

from careplan.batch.worker import PARENT_ENV, Settings, init_worker
from careplan.errors import CareplanError

T = TypeVar("T")
R = TypeVar("R")

#: Modules the forkserver imports once so each worker starts faster. None of them imports WeasyPrint.
FORKSERVER_PRELOAD = ["careplan.batch.worker", "careplan.rules.library", "careplan.pipeline"]

#: A local worker process renders this many plans, then a fresh one takes over. WeasyPrint's per-process caches
#: (a font configuration that gains the fonts of every new mix of scripts, Pango's caches) grow slowly with every
#: plan, so recycling keeps a worker's peak memory the same for 200 intakes or 20,000. Python 3.11's
#: ``max_tasks_per_child`` can deadlock (CPython gh-115634), so the pool is rotated here instead.
RECYCLE_AFTER = 100

DASK_SCHEMES = ("dask://", "tcp://", "tls://")
DASK_CONNECT_TIMEOUT = "15s"


class ExecutorSpecError(ValueError):
    """An --executor value that is neither 'local' nor a Dask scheduler address."""


def cpu_count() -> int:
    """The cores this process may use (the affinity mask, so a container's or taskset's limit counts)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def parse_executor(spec: str) -> str | None:
    """None for the local pool, or the Dask scheduler address for ``dask://HOST:PORT`` (also ``tcp://``,
    ``tls://``)."""
    spec = spec.strip()
    if spec in ("", "local"):
        return None
    for scheme in DASK_SCHEMES:
        if spec.startswith(scheme):
            rest = spec[len(scheme) :].rstrip("/")
            host, _, port = rest.rpartition(":")
            if not host or not port.isdigit():
                raise ExecutorSpecError(f"{spec!r}: expected {scheme}HOST:PORT")
            return f"{'tcp://' if scheme == 'dask://' else scheme}{host}:{port}"
    raise ExecutorSpecError(f"{spec!r}: use 'local' or dask://HOST:PORT")


def start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class Pool:
    """An executor, how many renders it runs at once, and how to stop it."""

    executor: Executor
    slots: int
    label: str
    restartable = False

    @property
    def window(self) -> int:
        """How many tasks to keep submitted: enough that no worker waits for its next one."""
        return self.slots * 2

    def submit(self, fn: Callable[[T], R], task: T) -> Future[R]:
        return self.executor.submit(fn, task)

    def restart(self) -> bool:
        """Replace a broken executor; False when this kind of pool cannot."""
        return False

    def close(self, *, kill: bool = False) -> None:
        """Shut down; with ``kill``, stop renders in progress too."""


class LocalPool(Pool):
    """Worker processes on this machine, each warmed up once and rendering many plans."""

    restartable = True

    @property
    def window(self) -> int:
        # One queued behind the running ones is enough here (the pool hands it over at once), and keeps the
        # plans that Ctrl-C waits for to those already being rendered plus one.
        return self.slots + 1

    def __init__(self, workers: int, settings: Settings, recycle_after: int | None = None) -> None:
        self.slots = max(1, workers)
        self.recycle_after = RECYCLE_AFTER if recycle_after is None else recycle_after
        self.submitted = 0
        self.retired: list[ProcessPoolExecutor] = []
        self.label = f"local ({self.slots} worker{'s' if self.slots != 1 else ''})"
        self.settings = settings
        os.environ[PARENT_ENV] = str(os.getpid())  # so the forkserver, our child, dies with us (worker.py)
        self.context = multiprocessing.get_context(start_method())
        if start_method() == "forkserver":
            self.context.set_forkserver_preload(FORKSERVER_PRELOAD)
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=self.context,
            initializer=init_worker,
            initargs=(self.settings,),
        )

    def submit(self, fn: Callable[[T], R], task: T) -> Future[R]:
        if self.recycle_after and self.submitted >= self.slots * self.recycle_after:
            # Fresh workers start (and warm up) now, while the old ones finish the plans they were given and exit.
            old = self.executor
            if isinstance(old, ProcessPoolExecutor):
                old.shutdown(wait=False)
                self.retired.append(old)
            self.executor = self._start()
            self.submitted = 0
        self.submitted += 1
        return self.executor.submit(fn, task)

    def restart(self) -> bool:
        self.close(kill=True)
        self.executor = self._start()
        self.submitted = 0
        return True

    def close(self, *, kill: bool = False) -> None:
        executors = [*self.retired, self.executor]
        self.retired = []
        for executor in executors:
            if not isinstance(executor, ProcessPoolExecutor):  # pragma: no cover
                continue
            if kill:
                # Terminating a worker interrupts its render; the PDF was being written to a temporary file, which
                # the next batch in this folder removes. (ProcessPoolExecutor has no public way to do this
                # before Python 3.14.)
                processes: dict[int, Any] = getattr(executor, "_processes", None) or {}
                for process in list(processes.values()):
                    with contextlib.suppress(Exception):
                        process.terminate()
            executor.shutdown(wait=not kill, cancel_futures=True)


class DaskPool(Pool):
    """A Dask distributed cluster, through the client's ``concurrent.futures`` executor.

    The workers need careplan installed with the same version, the same system libraries (Pango), and the input
    and output folders at the same paths (a shared file system). One thread per worker process is best:
    ``dask worker tcp://HOST:8786 --nworkers N --nthreads 1``.
    """

    def __init__(self, address: str, jobs: int | None, *, timeout: str = DASK_CONNECT_TIMEOUT) -> None:
        try:
            import distributed
        except ImportError:
            raise CareplanError(
                ["--executor dask://... needs the Dask extra: pip install 'careplan[dask]'"]
            ) from None
        try:
            client_class: Any = distributed.Client  # distributed has no type hints
            self.client: Any = client_class(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise CareplanError([f"{address}: cannot reach the Dask scheduler ({type(exc).__name__})"]) from None
        # pure=False: every submit is a new task, even with the same arguments (Dask would otherwise merge them).
        self.executor = self.client.get_executor(pure=False)
        threads = sum(self.client.nthreads().values())
        self.slots = max(1, jobs or threads or 1)
        self.label = f"Dask at {address} ({threads} worker thread{'s' if threads != 1 else ''})"

    def close(self, *, kill: bool = False) -> None:
        with contextlib.suppress(Exception):
            self.executor.shutdown(wait=not kill)
        with contextlib.suppress(Exception):
            self.client.close()


class GivenPool(Pool):
    """An executor the caller made and will shut down: the batch only submits to it."""

    def __init__(self, executor: Executor, slots: int | None) -> None:
        self.executor = executor
        self.slots = max(1, slots or getattr(executor, "_max_workers", None) or cpu_count())
        self.label = type(executor).__name__


def open_pool(address: str | None, jobs: int | None, settings: Settings, tasks: int) -> Pool:
    """The pool for ``--executor``: local worker processes (``--jobs``, default one per core, never more than
    there are plans to render) or the Dask scheduler at ``address``."""
    if address is not None:
        return DaskPool(address, jobs)
    return LocalPool(min(jobs or cpu_count(), max(1, tasks)), settings)
