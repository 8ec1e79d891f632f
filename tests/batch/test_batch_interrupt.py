"""A batch that is killed, interrupted with Ctrl-C, or loses a worker process: never a partial PDF, and the next
run finishes exactly what is left."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from careplan._io import PART_SUFFIX
from careplan.batch.run import run_batch
from careplan.batch.state import STATE_DIR
from careplan.batch.worker import STAGING_PREFIX, RenderResult, RenderTask, render_task
from careplan.synthetic import write_synthetic
from tests.conftest import ROOT
from tests.helpers.pdf import SRGB_LEAK_FILTER

pytestmark = [SRGB_LEAK_FILTER, pytest.mark.slow]  # slow: kills and interrupts batch processes

#: `careplan batch` in a new process (its own process group, as a terminal or a scheduler would start it).
BATCH = [sys.executable, "-m", "careplan", "batch"]


def _as_from_a_terminal() -> None:
    """In the child, before careplan starts: Ctrl-C back to its default. A shell that starts a job in the
    background (as a CI runner may) leaves SIGINT ignored, and Python then keeps ignoring it; a terminal never
    does that to the command a consultant types."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_batch(inputs: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*BATCH, str(inputs), "-o", str(out), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,  # a test process with one thread: preexec_fn is safe here
    )


def wait_for_pdfs(out: Path, process: subprocess.Popen[str], count: int = 1, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(list(out.glob("*.pdf"))) >= count:
            return
        if process.poll() is not None:
            pytest.fail(f"the batch ended before any PDF was written: {process.communicate()}")
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    pytest.fail("no PDF appeared")


def assert_complete_pdfs(out: Path) -> set[str]:
    names = set()
    for pdf in out.glob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF"), pdf
        assert len(PdfReader(pdf).pages) > 3
        names.add(pdf.name)
    return names


def rerun(inputs: Path, out: Path, tmp_path: Path) -> dict[str, Any]:
    report = tmp_path / "rerun.json"
    done = subprocess.run(
        [*BATCH, str(inputs), "-o", str(out), "--jobs", "2", "--report", str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


def part_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".part")]


def test_killed_batch_leaves_no_partial_pdf_and_the_next_run_completes_exactly_the_rest(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_synthetic(inputs, 6, seed=11)
    process = start_batch(inputs, out, "--jobs", "2")
    wait_for_pdfs(out, process)
    os.killpg(process.pid, signal.SIGKILL)  # the batch, the forkserver and the workers, mid-render
    process.communicate()
    finished = assert_complete_pdfs(out)  # a temporary .part file may be left; never a partial .pdf
    assert 1 <= len(finished) < 6

    report = rerun(inputs, out, tmp_path)
    skipped = {Path(item["output"]).name for item in report["items"] if item["status"] == "skipped"}
    rendered = {Path(item["output"]).name for item in report["items"] if item["status"] == "rendered"}
    assert skipped == finished, "every PDF finished before the kill counts as done"
    assert len(rendered) == 6 - len(finished)
    assert assert_complete_pdfs(out) == skipped | rendered
    assert part_files(out) == []


def test_ctrl_c_stops_cleanly_with_exit_130_and_the_next_run_finishes(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_synthetic(inputs, 5, seed=12)
    report_path = tmp_path / "report.json"
    process = start_batch(inputs, out, "--jobs", "1", "--report", str(report_path))
    wait_for_pdfs(out, process)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal does: Ctrl-C goes to the whole process group
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Stopping: finishing the" in stderr
    assert "Interrupted: run the same command again to render the rest." in stderr
    assert "Traceback" not in stderr
    finished = assert_complete_pdfs(out)
    assert part_files(out) == []
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["interrupted"] is True
    interrupted = [item for item in report["items"] if item["status"] == "interrupted"]
    assert interrupted, "Ctrl-C came early enough to leave work for the next run"
    assert report["counts"]["rendered"] == len(finished)
    assert "not done (interrupted)" in stdout

    again = rerun(inputs, out, tmp_path)
    assert again["counts"] == {"rendered": len(interrupted), "skipped": len(finished), "failed": 0, "interrupted": 0}
    assert {item["input"] for item in again["items"] if item["status"] == "rendered"} == {
        item["input"] for item in interrupted
    }
    assert len(assert_complete_pdfs(out)) == 5


def crash_on_purpose(task: RenderTask) -> RenderResult:
    """A task function that kills its worker process for one input, as a segfault or the OOM killer would."""
    if "crash" in Path(task.label).name:
        os._exit(70)
    return render_task(task)


def test_a_worker_that_dies_fails_only_its_own_plan(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    paths = write_synthetic(inputs, 3, seed=13)
    paths[1].rename(inputs / "crash.json")
    report = run_batch([inputs], tmp_path / "out", jobs=2, task=crash_on_purpose)
    statuses = {Path(item.label).name: item.status for item in report.items}
    assert statuses == {"crash.json": "failed", "synthetic-00001.json": "rendered", "synthetic-00003.json": "rendered"}
    (failure,) = report.failed
    assert failure.messages == [
        f"{inputs / 'crash.json'}: not rendered: the worker process stopped while rendering it (out of memory, or "
        "killed)"
    ]
    assert report.exit_code == 1
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 2
    assert (tmp_path / "out" / STATE_DIR / "manifest.json").is_file()


def crash_mid_render(task: RenderTask) -> RenderResult:
    """Dies after starting its PDF, as a worker killed mid-render does: a staging file is left in the folder."""
    if "crash" in Path(task.label).name:
        (Path(task.output).parent / f"{STAGING_PREFIX}{'0' * 16}{PART_SUFFIX}").write_bytes(b"")
        os._exit(70)
    return render_task(task)


def test_a_worker_killed_mid_render_leaves_no_temporary_file(tmp_path: Path) -> None:
    """The batch ends with the folder clean: the dead worker's file is removed, and no temporary name ever carried
    a family's name."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    paths = write_synthetic(inputs, 3, seed=14)
    paths[0].rename(inputs / "crash.json")
    report = run_batch([inputs], out, jobs=2, task=crash_mid_render)
    assert [item.status for item in report.items if "crash" in item.label] == ["failed"]
    assert part_files(out) == []
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [STATE_DIR]


def group_members(pgid: int) -> list[int]:
    """The live processes of a process group (Linux /proc), zombies left out."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal and /proc are Linux's")
def test_kill_9_of_the_batch_alone_leaves_no_process_behind(tmp_path: Path) -> None:
    """Only the main process is killed (as an OOM killer or a crash would): its forkserver, workers and resource
    tracker must go too, and the next run finishes the rest."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_synthetic(inputs, 6, seed=13)
    process = start_batch(inputs, out, "--jobs", "2")
    wait_for_pdfs(out, process)
    assert len(group_members(process.pid)) >= 3, "the batch runs a forkserver and workers"
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    deadline = time.monotonic() + 20
    while group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = group_members(process.pid)
    for pid in left:  # clean up before failing
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert left == [], "processes left behind by a killed batch"
    finished = assert_complete_pdfs(out)
    report = rerun(inputs, out, tmp_path)
    assert {Path(i["output"]).name for i in report["items"] if i["status"] == "skipped"} == finished
