"""Writes are complete or fail: a full disk or a read-only file system gives one line naming the file and why,
exit 1, and no half-written or temporary file (a real small tmpfs, mounted when the tests run as root)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from careplan._io import private_folder, write_private
from careplan.cli import cli
from careplan.errors import WriteError
from tests.conftest import EXAMPLES


def _mount(where: Path, options: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)]
    done = subprocess.run(command, capture_output=True, check=False)
    return done.returncode == 0


def _tmpfs(where: Path, options: str, skip_reason: str) -> Iterator[Path]:
    if not _mount(where, options):
        pytest.skip(skip_reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    yield from _tmpfs(tmp_path / "small", "size=64k", "mounting a small tmpfs needs root and mount(8)")


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    yield from _tmpfs(tmp_path / "read-only", "size=64k,ro", "mounting a read-only tmpfs needs root and mount(8)")


def test_a_full_disk_leaves_nothing_and_says_so(small_disk: Path) -> None:
    target = small_disk / "plan.html"
    with pytest.raises(WriteError) as caught:
        write_private(target, b"x" * 200_000)
    assert caught.value.lines == [f"{target}: not written: the disk is full"]
    assert list(small_disk.iterdir()) == []


def test_a_full_disk_keeps_the_file_that_was_there(small_disk: Path) -> None:
    target = small_disk / "report.json"
    write_private(target, b"the old report")
    with pytest.raises(WriteError):
        write_private(target, b"x" * 200_000)
    assert target.read_bytes() == b"the old report"
    assert [p.name for p in small_disk.iterdir()] == ["report.json"]


@pytest.mark.slow  # renders a PDF
def test_render_html_on_a_full_disk_exits_1_in_one_line(small_disk: Path, tmp_path: Path) -> None:
    html = small_disk / "plan.html"
    filler = small_disk / "filler"
    filler.write_bytes(b"x" * 40_000)
    args = ["render", str(EXAMPLES[0]), "-o", str(tmp_path / "plan.pdf"), "--html", str(html)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{html}: not written: the disk is full"
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


@pytest.mark.slow  # a subprocess per command
@pytest.mark.parametrize(
    "args",
    [
        ["schema", "-o", "{ro}/schema.json"],
        ["practice", "init", "{ro}/practice.toml"],
        ["extract", "{pdf}", "-o", "{ro}/intake.json"],
        ["render", str(EXAMPLES[0]), "-o", "{ro}/plan.pdf"],
    ],
    ids=["schema", "practice-init", "extract", "render"],
)
def test_a_read_only_folder_is_one_line_and_exit_1(read_only: Path, tmp_path: Path, args: list[str]) -> None:
    pdf = tmp_path / "plan.pdf"
    assert CliRunner().invoke(cli, ["render", str(EXAMPLES[0]), "-o", str(pdf)]).exit_code == 0
    filled = [a.format(ro=read_only, pdf=pdf) for a in args]
    result = CliRunner().invoke(cli, filled)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "read-only" in lines[0] and "Traceback" not in result.output


def test_a_folder_careplan_creates_is_owner_only(tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "a" / "b")
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert ((tmp_path / "a").stat().st_mode & 0o777) == 0o700
    target = write_private(tmp_path / "c" / "plan.html", b"<p>ok</p>")
    assert (target.stat().st_mode & 0o777) == 0o600 and ((tmp_path / "c").stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_practice_file_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path, special: str) -> None:
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "practice.toml"
        os.mkfifo(path)
    args = ["render", str(EXAMPLES[0]), "-o", str(tmp_path / "p.pdf"), "--practice", str(path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{path}: not a regular file; a practice file is a few kilobytes"
