"""``careplan batch --executor dask://HOST:PORT`` on a local Dask cluster renders the same PDFs as local workers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from careplan.batch.executors import DaskPool
from careplan.batch.state import STATE_DIR
from careplan.cli import cli
from careplan.errors import CareplanError
from careplan.synthetic import write_synthetic
from tests.helpers.pdf import SRGB_LEAK_FILTER

distributed = pytest.importorskip("distributed")

pytestmark = [
    pytest.mark.slow,  # slow: starts a Dask cluster
    SRGB_LEAK_FILTER,
]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    ) as local:
        yield local


def run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, ["batch", *args], catch_exceptions=False)


def test_dask_renders_the_same_pdfs_as_local_workers(cluster: Any, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    write_synthetic(inputs, 3, seed=21, invalid=1)
    address = cluster.scheduler_address.removeprefix("tcp://")

    local = run([str(inputs), "-o", str(tmp_path / "local"), "--jobs", "2", "--report", str(tmp_path / "l.json")])
    dask = run([str(inputs), "-o", str(tmp_path / "dask"), "--executor", f"dask://{address}",
                "--report", str(tmp_path / "d.json")])
    assert local.exit_code == dask.exit_code == 1  # the invalid intake, reported by both
    assert "4 intakes: 3 rendered, 0 up to date, 1 failed" in dask.stdout
    assert f"Dask at tcp://{address} (2 worker threads)" in dask.stderr

    local_pdfs = {p.name: p.read_bytes() for p in (tmp_path / "local").glob("*.pdf")}
    dask_pdfs = {p.name: p.read_bytes() for p in (tmp_path / "dask").glob("*.pdf")}
    assert len(local_pdfs) == 3
    assert dask_pdfs == local_pdfs, "same names, byte-identical plans"
    for pdf in (tmp_path / "dask").glob("*.pdf"):
        assert pdf.stat().st_mode & 0o777 == 0o600

    report = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    failed = [item for item in report["items"] if item["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["messages"]
    # the plans were rendered by the cluster's two worker processes, not by this one
    workers = {entry["worker"] for entry in report["workers"]["each"]}
    assert 1 <= len(workers) <= 2
    assert all(not name.endswith(f":{os.getpid()}") for name in workers)
    assert report["workers"]["peak_memory_mb_max"] > 0
    assert not list((tmp_path / "dask" / STATE_DIR).glob("journal-*")), "journals folded into the manifest"

    again = run([str(inputs), "-o", str(tmp_path / "dask"), "--executor", f"dask://{address}"])
    assert "4 intakes: 0 rendered, 3 up to date, 1 failed" in again.stdout


def test_unreachable_scheduler_is_one_clear_line() -> None:
    with pytest.raises(CareplanError) as caught:
        DaskPool("tcp://127.0.0.1:9", None, timeout="1s")
    assert caught.value.lines == ["tcp://127.0.0.1:9: cannot reach the Dask scheduler (OSError)"]
