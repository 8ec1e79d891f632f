"""Drives the installed ``careplan interview`` in a real pseudo-terminal: each answer's keys are sent once its
question is on the screen (see :mod:`tests.helpers.interview_driver` for the scripts and their keys).

Helpers only: no tests here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pexpect

from careplan.interview.form import Form
from careplan.interview.loader import builtin_form
from careplan.interview.nodes import Group, Question, Screen, split_key
from tests.helpers.interview_driver import RAW, REVIEW, keys_for, node_for

CAREPLAN = str(Path(sys.executable).with_name("careplan"))
TIMEOUT = 30


def prompt_text(key: str, form: Form | None = None) -> str:
    """The words of the question asked in this slot, as the terminal shows them."""
    if key == REVIEW:
        return "Change which answer?"
    node = node_for(form or builtin_form(), key)
    _, marker, index = split_key(key)
    if marker == "add":
        assert isinstance(node, Group)
        return node.spec.ask if index == 0 and node.spec.ask else node.spec.add
    if marker in ("gate", "screen") or isinstance(node, Screen):
        return node.spec.ask or ""
    assert isinstance(node, Question)
    return node.spec.pick if node.gated and node.spec.pick else node.spec.ask


def spawn(
    tmp_path: Path, *args: str, rows: int = 50, columns: int = 160, plan_type: str | None = "relactation"
) -> pexpect.spawn:
    """``careplan interview ARGS`` in a pty, in ``tmp_path``, with its own state folder and without careplan on
    PATH (the resume hint must name the program actually run). A new interview is for ``plan_type`` (None: the
    interview asks)."""
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),  # the running-interview marker: this test's, not the user's
        "PATH": os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                if p and Path(p).resolve() != Path(CAREPLAN).parent.resolve()),
        "TERM": "xterm-256color",
        "PROMPT_TOOLKIT_NO_CPR": "1",  # nobody answers cursor-position requests in a test terminal
        "COLUMNS": str(columns),
        "LINES": str(rows),
    }
    if plan_type is not None and not {"--resume", "--from", "--plan-type"} & set(args):
        args = ("--plan-type", plan_type, *args)
    return pexpect.spawn(CAREPLAN, ["interview", *args], cwd=str(tmp_path), env=env, encoding="utf-8",
                         timeout=TIMEOUT, dimensions=(rows, columns))


def answer(
    child: pexpect.spawn, script: list[tuple[str, Any]], last: list[str] | None = None, form: Form | None = None
) -> None:
    """Wait for each question of the script, then send its keys (RAW keys are sent at once). A question asked
    twice in a row (each medicine's "taking it now?") waits for the first one's answered line first, so its keys
    never go to the one before. ``last``: the text of the question answered just before (kept up to date);
    ``form``: the plan type's questions (relactation's by default)."""
    form = form or builtin_form()
    last = last if last is not None else []
    for key, value in script:
        if key == RAW:
            child.send(str(value))
            last[:] = []
            continue
        text = prompt_text(key, form)
        if last and last[0] == text:
            child.expect_exact(text)  # the answered line of the same question just before
        child.expect_exact(text)
        child.send(keys_for(form, key, value))
        last[:] = [text]
