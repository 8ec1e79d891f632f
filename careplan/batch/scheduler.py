"""Feeding render tasks to a pool a bounded number at a time: collecting results, retrying after a crash one at a time,
and stopping cleanly on Ctrl-C.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, Future, wait
from typing import TYPE_CHECKING

from careplan.batch.progress import Progress
from careplan.batch.report import BatchReport, Item, WorkerStats
from careplan.batch.state import Manifest
from careplan.batch.worker import (
    RenderResult,
    RenderTask,
)

if TYPE_CHECKING:
    from careplan.batch.executors import Pool

TaskFunction = Callable[[RenderTask], RenderResult]



class Runner:
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
