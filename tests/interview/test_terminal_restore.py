"""The interview's terminal after any exit: the resume command names the program actually run, and an interview
killed with kill -9 leaves a marker that the next start uses to put the terminal right and say how to continue."""

from __future__ import annotations

import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from careplan.interview import terminal
from careplan.interview.partial import load_partial
from careplan.interview.terminal import (
    MARKER_FORMAT,
    make_sane,
    process_start,
    recover_terminal,
    resume_command,
    running,
    stale_markers,
)
from tests.helpers.interview_driver import script_for
from tests.helpers.interview_pty import CAREPLAN, TIMEOUT, answer, prompt_text
from tests.interview.test_interview_pty import FAMILY

PARTIAL = Path("/work/visits/a b/intake.partial.json")


# --------------------------------------------------------------------------------------------------------------
# The resume command
# --------------------------------------------------------------------------------------------------------------


def test_resume_command_names_the_program_path_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", [".venv/bin/careplan", "interview"])
    assert resume_command(PARTIAL) == ".venv/bin/careplan interview --resume '/work/visits/a b/intake.partial.json'"


def test_resume_command_after_python_dash_m(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["/site-packages/careplan/__main__.py", "interview"])
    expected = f"{shlex.quote(sys.executable)} -m careplan interview --resume '{PARTIAL}'"
    assert resume_command(PARTIAL) == expected


def test_resume_command_is_the_bare_name_only_when_path_finds_that_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_path, elsewhere = tmp_path / "on path", tmp_path / "elsewhere"
    for folder in (on_path, elsewhere):
        folder.mkdir()
        (folder / "careplan").write_text("#!/bin/sh\n", encoding="utf-8")
        (folder / "careplan").chmod(0o755)
    monkeypatch.setenv("PATH", str(on_path))
    monkeypatch.setattr(sys, "argv", [str(on_path / "careplan"), "interview"])
    assert resume_command(Path("/x/i.partial.json")) == "careplan interview --resume /x/i.partial.json"
    program = str(elsewhere / "careplan")
    monkeypatch.setattr(sys, "argv", [program, "interview"])
    assert resume_command(Path("/x/i.partial.json")) == f"{shlex.quote(program)} interview --resume /x/i.partial.json"


def test_resume_command_inside_another_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["/usr/bin/pytest"])
    assert resume_command(Path("/x/i.partial.json")).startswith(f"{shlex.quote(sys.executable)} -m careplan interview")


# --------------------------------------------------------------------------------------------------------------
# Terminal modes and markers, in process on a pty of their own
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def tty() -> Iterator[int]:
    """The slave side of a new pseudo-terminal, left as a killed full-screen program leaves one: no echo, no line
    editing, no Ctrl-C."""
    master, slave = os.openpty()
    modes = termios.tcgetattr(slave)
    modes[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
    modes[0] &= ~termios.ICRNL
    termios.tcsetattr(slave, termios.TCSANOW, modes)
    yield slave
    os.close(slave)
    os.close(master)


def lflag(fd: int) -> int:
    return int(termios.tcgetattr(fd)[3])


def reaped_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def write_marker(folder: Path, pid: int, partial: Path, **extra: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"interview-{pid}.json"
    document = {"format": MARKER_FORMAT, "pid": pid, "host": os.uname().nodename, "started": None,
                "partial": str(partial), "tty": None, "modes": None, **extra}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_make_sane_turns_echo_and_line_editing_back_on(tty: int) -> None:
    make_sane(tty)
    modes = termios.tcgetattr(tty)
    assert modes[3] & termios.ECHO and modes[3] & termios.ICANON and modes[3] & termios.ISIG
    assert modes[0] & termios.ICRNL
    before = termios.tcgetattr(tty)
    make_sane(tty)  # a sane terminal is left as it is
    assert termios.tcgetattr(tty) == before


def test_make_sane_ignores_what_is_not_a_terminal(tmp_path: Path) -> None:
    with (tmp_path / "file").open("w") as handle:
        make_sane(handle.fileno())


def test_the_marker_is_owner_only_holds_no_answers_and_goes_when_the_interview_ends(tmp_path: Path, tty: int) -> None:
    folder = tmp_path / "state" / "careplan" / "running"
    partial = tmp_path / "intake.partial.json"
    with running(partial, True, fd=tty, folder=folder):
        (marker,) = folder.iterdir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(marker.stat().st_mode) == 0o600
        document = json.loads(marker.read_text(encoding="utf-8"))
        assert document["pid"] == os.getpid()
        assert document["partial"] == str(partial)
        assert document["tty"] == os.ttyname(tty)
        assert set(document) == {"format", "pid", "host", "started", "partial", "tty", "modes"}
        assert stale_markers(folder) == []  # this process is alive
    assert list(folder.iterdir()) == []
    with running(partial, False, fd=tty, folder=folder):
        assert list(folder.iterdir()) == []


def test_the_marker_goes_when_the_interview_stops_with_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "running"
    seen: list[Path] = []

    def interview() -> None:
        seen.extend(folder.iterdir())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), running(tmp_path / "p.json", True, fd=-1, folder=folder):
        interview()
    assert len(seen) == 1
    assert list(folder.iterdir()) == []


def test_a_dead_interview_s_marker_restores_its_modes_and_says_how_to_continue(
    tmp_path: Path, tty: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["bin/careplan", "interview"])
    folder = tmp_path / "running"
    partial = tmp_path / "intake.partial.json"
    partial.write_text("{}", encoding="utf-8")
    saved = termios.tcgetattr(tty)
    saved[3] |= termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN | termios.ECHOCTL
    saved[6] = [c[0] if isinstance(c, bytes) else c for c in saved[6]]
    saved[6][termios.VERASE] = 8  # the consultant's own erase key (Ctrl-H), kept
    dead = write_marker(folder, reaped_pid(), partial, tty=os.ttyname(tty), modes=saved)
    lines = recover_terminal(None, fd=tty, folder=folder)
    assert lines == [
        f"The last interview stopped without closing (saved to {partial}); "
        f"continue it with: bin/careplan interview --resume {partial}"
    ]
    assert not dead.exists()
    assert termios.tcgetattr(tty)[6][termios.VERASE] == b"\x08"
    assert lflag(tty) & termios.ECHO and lflag(tty) & termios.ECHOCTL
    assert recover_terminal(None, fd=tty, folder=folder) == []  # said once


def test_on_another_terminal_only_echo_is_put_back(tmp_path: Path, tty: int) -> None:
    folder = tmp_path / "running"
    write_marker(folder, reaped_pid(), tmp_path / "never-saved.partial.json", tty="/dev/pts/elsewhere",
                 modes=[0, 0, 0, 0, 0, 0, [0] * 32])
    assert recover_terminal(None, fd=tty, folder=folder) == [
        "The last interview stopped without closing, before any answer was saved."
    ]
    assert lflag(tty) & termios.ECHO and lflag(tty) & termios.ICANON


def test_resuming_the_killed_interview_does_not_tell_to_resume_it(tmp_path: Path, tty: int) -> None:
    folder = tmp_path / "running"
    partial = tmp_path / "intake.partial.json"
    partial.write_text("{}", encoding="utf-8")
    dead = write_marker(folder, reaped_pid(), partial)
    assert recover_terminal(partial, fd=tty, folder=folder) == []
    assert not dead.exists()
    assert lflag(tty) & termios.ECHO


def test_markers_of_live_processes_other_machines_and_other_files_are_left_alone(tmp_path: Path, tty: int) -> None:
    folder = tmp_path / "running"
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        live = write_marker(folder, sleeper.pid, tmp_path / "live.partial.json")
        remote = write_marker(folder, reaped_pid(), tmp_path / "remote.partial.json", host="another-machine")
        other = folder / "interview-notes.json"
        other.write_text("not a marker", encoding="utf-8")
        before = {p: p.read_bytes() for p in (live, remote, other)}
        assert recover_terminal(None, fd=tty, folder=folder) == []
        assert {p: p.read_bytes() for p in before} == before
    finally:
        sleeper.kill()
        sleeper.wait()
    (line,) = recover_terminal(None, fd=tty, folder=folder)  # now the sleeper is gone (and reaped)
    assert "before any answer was saved" in line
    assert not live.exists() and remote.exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times come from /proc")
def test_a_process_id_given_to_another_process_is_not_taken_for_the_interview(tmp_path: Path, tty: int) -> None:
    folder = tmp_path / "running"
    started = process_start(os.getppid())
    assert started is not None
    reused = write_marker(folder, os.getppid(), tmp_path / "p.partial.json", started=str(int(started[1]) + 1))
    alive = write_marker(folder, os.getpid(), tmp_path / "q.partial.json", started=None)
    assert [m.path for m in stale_markers(folder)] == [reused]
    assert alive.exists()


def test_no_home_folder_means_no_marker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError("no home"))))
    assert terminal.marker_folder() is None
    with running(tmp_path / "p.json", True, fd=-1):
        pass
    assert recover_terminal(None, fd=-1) == []


# --------------------------------------------------------------------------------------------------------------
# End to end: kill -9 in a real pty, then the next start on the same terminal
# --------------------------------------------------------------------------------------------------------------

#: Runs careplan twice on its terminal, as a consultant's shell would, and says after each whether echo is on.
SHELL = """
import subprocess, sys, termios
def echo():
    return "on" if termios.tcgetattr(0)[3] & termios.ECHO else "off"
first = subprocess.run([sys.argv[1], "interview", "--plan-type", "relactation", "-o", "intake.json"])
print(f"[after kill: status {first.returncode}, echo {echo()}]", flush=True)
second = subprocess.run([sys.argv[1], "interview", "--plan-type", "relactation"])
print(f"[after restart: status {second.returncode}, echo {echo()}]", flush=True)
"""


def spawn_shell(tmp_path: Path, program: str) -> pexpect.spawn:
    venv_bin = Path(CAREPLAN).parent.resolve()
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PATH": os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                if p and Path(p).resolve() != venv_bin),
        "TERM": "xterm-256color",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "COLUMNS": "160",
        "LINES": "50",
    }
    return pexpect.spawn(sys.executable, ["-c", SHELL, program], cwd=str(tmp_path), env=env, encoding="utf-8",
                         timeout=TIMEOUT, dimensions=(50, 160))


def running_markers(folder: Path) -> list[Path]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = sorted(folder.glob("interview-*.json"))
        if found:
            return found
        time.sleep(0.05)
    return []


@pytest.mark.slow  # slow: two real interviews in a pty (about 4 s)
def test_killed_with_kill_9_then_started_again_on_the_same_terminal(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "careplan").symlink_to(CAREPLAN)  # run as a relative path, not found on PATH
    folder = tmp_path / "state" / "careplan" / "running"
    partial = tmp_path / "intake.partial.json"
    script = script_for(json.loads(FAMILY.read_text(encoding="utf-8")))
    sleeper = subprocess.Popen(["sleep", "60"])
    live = write_marker(folder, sleeper.pid, tmp_path / "another.partial.json")
    child = spawn_shell(tmp_path, "bin/careplan")
    try:
        answer(child, script[:2])
        child.expect_exact(prompt_text(script[2][0]))
        (marker,) = [m for m in running_markers(folder) if m != live]
        pid = json.loads(marker.read_text(encoding="utf-8"))["pid"]
        os.kill(pid, signal.SIGKILL)
        child.expect_exact(f"[after kill: status {-signal.SIGKILL}, echo off]")  # what kill -9 leaves
        child.expect_exact(
            f"The last interview stopped without closing (saved to {partial}); "
            f"continue it with: bin/careplan interview --resume {partial}"
        )
        child.expect_exact(prompt_text(script[0][0]))
        child.send("\x03")
        child.expect_exact("[after restart: status 130, echo on]")
        child.expect(pexpect.EOF)
        screen = child.before
    finally:
        child.close(force=True)
        sleeper.kill()
        sleeper.wait()
    assert load_partial(partial).answers == dict(script[:2])
    assert not marker.exists()
    assert live.exists()  # a live interview's marker is left alone
    assert "another.partial.json" not in screen
    assert sorted(folder.iterdir()) == [live]
