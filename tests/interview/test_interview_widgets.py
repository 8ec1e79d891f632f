"""The choice prompts as a terminal shows them (issue 13): the terminal cursor on the highlighted choice, long lists
that scroll in 24 lines with a line saying how many choices are above and below, and styles that read on light
and dark backgrounds and honour NO_COLOR.

The prompts draw into a prompt_toolkit VT100 output of a fixed size, read back by a small terminal emulator
(:class:`Terminal`) that knows what prompt_toolkit writes: cursor moves, erasing, attributes, cursor shown or
hidden. The last test drives the real interview in a pseudo-terminal of 80 x 24.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest
import questionary
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.output.vt100 import Vt100_Output

from careplan.interview import widgets
from careplan.interview.console import TerminalConsole, styled
from careplan.interview.loader import builtin_form
from tests.conftest import ROOT

DOWN = "\x1b[B"
UP = "\x1b[A"
ENTER = "\r"
SPACE = " "
CSI = re.compile(r"\x1b\[([?]?)([0-9;]*)( ?)([@-~])")
OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
MORE = re.compile(r"^ +([↑↓^v]) (\d+) more$")


class Terminal:
    """A screen of ``rows`` x ``cols`` fed with what a program writes: enough VT100 for prompt_toolkit's drawing
    (relative cursor moves, carriage return, new line with scrolling, erasing, attributes, cursor shown/hidden)."""

    def __init__(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        self.grid = [[" "] * cols for _ in range(rows)]
        self.y = self.x = 0
        self.cursor_shown = True
        self.sgr: list[str] = []  # every attribute sequence's parameters, in order

    def feed(self, data: str) -> None:
        at = 0
        while at < len(data):
            char = data[at]
            if char == "\x1b":
                osc = OSC.match(data, at)
                if osc:
                    at = osc.end()
                    continue
                csi = CSI.match(data, at)
                if csi:
                    self.control(*csi.groups())
                    at = csi.end()
                    continue
                at += 2  # a two-character escape (keypad modes and the like)
                continue
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self.line_feed()
            elif char == "\b":
                self.x = max(self.x - 1, 0)
            elif char >= " ":
                self.grid[self.y][min(self.x, self.cols - 1)] = char
                self.x = min(self.x + 1, self.cols - 1)
            at += 1

    def line_feed(self) -> None:
        if self.y == self.rows - 1:
            self.grid = [*self.grid[1:], [" "] * self.cols]
        else:
            self.y += 1

    def control(self, private: str, params: str, space: str, final: str) -> None:
        n = int(params.split(";")[0] or 1) if final in "ABCD" else 0
        if private == "?" and final in "hl" and "25" in params.split(";"):
            self.cursor_shown = final == "h"
        elif private or space:
            return
        elif final == "A":
            self.y = max(self.y - n, 0)
        elif final == "B":
            self.y = min(self.y + n, self.rows - 1)
        elif final == "C":
            self.x = min(self.x + n, self.cols - 1)
        elif final == "D":
            self.x = max(self.x - n, 0)
        elif final == "K":
            self.grid[self.y][self.x :] = [" "] * (self.cols - self.x)
        elif final == "J":
            self.grid[self.y][self.x :] = [" "] * (self.cols - self.x)
            for row in range(self.y + 1, self.rows):
                self.grid[row] = [" "] * self.cols
        elif final == "H":
            y, _, x = params.partition(";")
            self.y, self.x = int(y or 1) - 1, int(x or 1) - 1
        elif final == "m":
            self.sgr.append(params)

    @property
    def lines(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.grid]

    def colours(self) -> list[str]:
        """The colour codes among the attributes written (the terminal's default colours, 39 and 49, are none)."""
        found = []
        for params in self.sgr:
            codes = params.split(";")
            for i, code in enumerate(codes):
                if code in ("38", "48") or (code.isdigit() and int(code) in (*range(30, 38), *range(40, 48),
                                                                            *range(90, 98), *range(100, 108))):
                    found.append(";".join(codes[i:]) if code in ("38", "48") else code)
                    if code in ("38", "48"):
                        break
        return found


@dataclass(frozen=True)
class Shot:
    """The screen after one drawing, and where the cursor is."""

    lines: list[str]
    row: int
    col: int
    cursor_shown: bool

    @property
    def pointer_row(self) -> int:
        rows = [i for i, line in enumerate(self.lines) if line.startswith(" » ")]
        assert len(rows) == 1, self.text
        return rows[0]

    @property
    def at_cursor(self) -> str:
        return self.lines[self.row][self.col :]

    def more(self, arrow: str) -> int:
        counts = [int(m[2]) for m in map(MORE.match, self.lines) if m and m[1] in (arrow, {"↑": "^", "↓": "v"}[arrow])]
        assert len(counts) <= 1, self.text
        return counts[0] if counts else 0

    @property
    def choice_lines(self) -> list[str]:
        return [line for line in self.lines if re.match(r"^ ( |») \S", line)]

    @property
    def text(self) -> str:
        return "\n".join(f"{i:2d}|{line}" for i, line in enumerate(self.lines))


@contextmanager
def terminal(rows: int = 24, cols: int = 80) -> Iterator[tuple[PipeInput, io.StringIO, Terminal]]:
    """An app session drawing in full colour into a VT100 output of this size (no cursor-position requests)."""
    written = io.StringIO()
    output = Vt100_Output(written, lambda: Size(rows=rows, columns=cols), term="xterm-256color",
                          default_color_depth=ColorDepth.DEPTH_24_BIT, enable_cpr=False)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        yield pipe, written, Terminal(rows, cols)


def drive(make: Callable[[], Any], steps: list[str], rows: int = 24, last: str = ENTER) -> tuple[list[Shot], Any]:
    """Show the prompt ``make`` makes, press each step's keys, and ``last`` to end: the screen after the prompt is
    first drawn and after each step, and the answer."""
    with terminal(rows) as (pipe, written, screen):

        async def run() -> tuple[list[Shot], Any]:
            app = make().application
            task = asyncio.ensure_future(app.run_async(set_exception_handler=False))  # a failure ends the test
            shots = []
            for keys in ["", *steps]:
                drawn = app.render_counter
                pipe.send_text(keys)
                for _ in range(400):  # until the keys are drawn (2 s at most)
                    await asyncio.sleep(0.005)
                    if app.render_counter > drawn or task.done():
                        break
                await asyncio.sleep(0.01)
                if task.done():
                    task.result()  # raises what went wrong
                    raise AssertionError("the prompt ended early")
                screen.feed(written.getvalue())
                written.seek(0)
                written.truncate()
                shots.append(Shot(screen.lines, screen.y, screen.x, screen.cursor_shown))
            pipe.send_text(last)
            return shots, await asyncio.wait_for(task, 5)

        return asyncio.run(run())


def numbered(count: int, name: str = "Condition") -> list[questionary.Choice]:
    return [questionary.Choice(f"{name} {i}", value=i) for i in range(count)]


def a_select(count: int, default: Any = None) -> Callable[[], Any]:
    return lambda: widgets.select("Pick one", numbered(count), default=default, use_shortcuts=count <= 35,
                                  use_jk_keys=False, instruction="(number or arrows, Enter)")


def a_checkbox(count: int, ticked: tuple[int, ...] = ()) -> Callable[[], Any]:
    choices = [questionary.Choice(f"Condition {i}", value=i, checked=i in ticked) for i in range(count)]
    return lambda: widgets.checkbox("Tick some", choices, instruction="(space to tick, Enter when done)")


# The cursor on the highlighted choice.


def test_questionary_alone_leaves_the_cursor_hidden_on_the_question() -> None:
    """Why the widgets exist (and a check that these tests can see the difference)."""
    default: Any = 2
    shots, _ = drive(lambda: questionary.select("Pick one", numbered(4), default=default), [])
    assert shots[0].row != shots[0].pointer_row
    assert not shots[0].cursor_shown


def test_select_puts_the_cursor_on_the_highlighted_choice_and_moves_it_with_the_arrows() -> None:
    shots, answer = drive(a_select(5, default=2), [DOWN, DOWN, UP])
    first = shots[0]
    assert first.lines[first.row].startswith("? Pick one") is False
    assert first.cursor_shown
    assert first.row == first.pointer_row
    assert first.at_cursor == "3) Condition 2"
    assert [s.at_cursor for s in shots[1:]] == ["4) Condition 3", "5) Condition 4", "4) Condition 3"]
    assert all(s.row == s.pointer_row and s.cursor_shown for s in shots)
    assert answer == 3


def test_checkbox_puts_the_cursor_on_the_highlighted_choice_not_on_the_ticked_ones() -> None:
    shots, answer = drive(a_checkbox(4, ticked=(0,)), [DOWN, DOWN + SPACE])
    assert [s.row - s.pointer_row for s in shots] == [0, 0, 0]
    assert [s.at_cursor for s in shots] == ["● Condition 0", "○ Condition 1", "● Condition 2"]
    assert shots[2].row == shots[0].row + 2
    assert answer == [0, 2]


def test_shortcuts_defaults_and_added_key_bindings_still_work() -> None:
    """The interview adds Ctrl-B (back) to the application's key bindings, and answers by menu number."""
    shots, answer = drive(a_select(5, default=4), ["2"])
    assert shots[0].at_cursor == "5) Condition 4" and shots[1].at_cursor == "2) Condition 1"
    assert answer == 1

    def with_back() -> Any:
        question = a_select(5)()
        extra = KeyBindings()
        extra.add("c-b", eager=True)(lambda event: event.app.exit(result="BACK"))
        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, extra])
        return question

    assert isinstance(with_back(), questionary.Question)
    _, answer = drive(with_back, [], last="\x02")
    assert answer == "BACK"


# Long lists at 24 lines.


def test_a_long_select_scrolls_and_says_how_many_choices_are_above_and_below() -> None:
    total = 26
    shots, answer = drive(a_select(total), [DOWN] * 17 + [UP] * 17 + [UP])
    for shot in shots:
        assert shot.row == shot.pointer_row, shot.text
        assert shot.more("↑") + len(shot.choice_lines) + shot.more("↓") == total, shot.text
        assert len([line for line in shot.lines if line]) <= 24
    first, down17, wrapped = shots[0], shots[17], shots[-1]
    assert first.more("↑") == 0 and first.more("↓") == total - len(first.choice_lines) > 0
    assert first.at_cursor == "1) Condition 0"
    assert down17.at_cursor == "h) Condition 17"
    assert down17.more("↑") > 0 and down17.more("↓") > 0
    assert down17.lines[down17.row + 1] == f"  ↓ {down17.more('↓')} more"
    # going back up, the list does not move until the highlighted choice reaches its top
    assert shots[18].lines == [line.replace(" » h)", "   h)").replace("   g)", " » g)") for line in down17.lines]
    assert shots[34].more("↑") == 0 and shots[34].at_cursor == "1) Condition 0"
    # Up from the first choice goes round to the last: nothing below it
    assert wrapped.at_cursor == "p) Condition 25" and wrapped.more("↓") == 0 and wrapped.more("↑") > 0
    assert answer == 25


def test_a_long_tick_list_keeps_its_ticks_while_scrolling_in_a_small_terminal() -> None:
    total = 16
    shots, answer = drive(a_checkbox(total), [SPACE] + [DOWN] * 12 + [SPACE], rows=14)
    assert len(shots[0].choice_lines) == 14 - widgets.RESERVED_ROWS - 1  # the rest of the lines: one "more" line
    last = shots[-1]
    assert last.row == last.pointer_row and last.at_cursor == "● Condition 12"
    assert last.more("↑") + len(last.choice_lines) + last.more("↓") == total
    assert "● Condition 0" not in "\n".join(last.lines)  # ticked, scrolled out of sight
    assert answer == [0, 12]


def test_a_short_list_has_no_more_line() -> None:
    shots, _ = drive(a_select(6), [DOWN] * 5)
    assert all(s.more("↑") == 0 and s.more("↓") == 0 and len(s.choice_lines) == 6 for s in shots)


@given(
    total=st.integers(1, 60),
    rows=st.integers(1, 30),
    top=st.integers(0, 70),
    line=st.integers(0, 59),
    moved=st.integers(-3, 3),
)
def test_span_keeps_the_highlighted_line_in_view_and_moves_only_when_it_must(
    total: int, rows: int, top: int, line: int, moved: int
) -> None:
    line = min(line, total - 1)
    view = widgets.span(total, rows, top, line)
    markers = (view.above > 0) + (view.below > 0) if rows >= 3 else 0
    assert view.top <= line < view.top + view.shown
    assert view.above == view.top and view.above + view.shown + view.below == total
    assert view.shown + markers <= rows
    assert view.shown + markers == min(total, rows)  # no empty line while choices are hidden
    after = widgets.span(total, rows, view.top, min(max(line + moved, 0), total - 1))
    if view.top <= line + moved < view.top + view.shown:
        assert after.top == view.top


# Colours.


def render_everything() -> Terminal:
    """The interview's messages in each style, then a select prompt answered at once."""
    with terminal() as (pipe, written, screen):
        for style in TerminalConsole.STYLES:
            TerminalConsole().say(f"a {style or 'plain'} line", style)
        pipe.send_text(ENTER)
        widgets.select("Pick one", numbered(3), instruction="(number or arrows, Enter)").unsafe_ask()
        screen.feed(written.getvalue())
    return screen


def test_help_and_prompts_use_the_terminals_own_colours(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help text is italic in the terminal's foreground (not "bright black", the background in some dark
    themes); the prompt uses no fixed colour (questionary's own are a blue and an orange)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert TerminalConsole.STYLES["help"] == "italic"
    with terminal() as (pipe, written, screen):
        pipe.send_text(ENTER)
        widgets.select("Pick one", numbered(3), instruction="(number or arrows, Enter)").unsafe_ask()
        screen.feed(written.getvalue())
    assert screen.colours() == []
    assert any("3" in params.split(";") for params in screen.sgr)  # the instruction, in italic
    everything = render_everything()
    assert everything.colours() != []  # the alerts are red
    assert not any(code.startswith(("38;2", "38;5", "48;")) for code in everything.colours())  # only named ones
    assert "90" not in everything.colours() and "33" not in everything.colours()  # no grey, no yellow


def test_no_color_leaves_no_colour_but_keeps_bold_and_italic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    screen = render_everything()
    assert screen.colours() == []
    assert {"1", "3"} <= {code for params in screen.sgr for code in params.split(";")}
    assert styled("bold fg:ansired bg:#ffffff #00ff00 italic class:x") == "bold italic class:x"


# The real interview in a terminal of 80 x 24.

FAMILY = ROOT / "intake_forms" / "relactation" / "examples" / "09-breast-reduction-lupus-warfarin.json"


@pytest.mark.slow
def test_the_health_conditions_list_in_a_24_line_terminal(tmp_path: Path) -> None:
    from tests.helpers.interview_driver import keys_for, node_for, script_for
    from tests.helpers.interview_pty import prompt_text

    form = builtin_form()
    script = script_for(json.loads(FAMILY.read_text(encoding="utf-8")))
    stop = next(i for i, (key, _) in enumerate(script) if key == "health.conditions")
    conditions: Any = node_for(form, "health.conditions")
    labels = [label for _, label in conditions.choices]
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "xterm-256color",
           "PROMPT_TOOLKIT_NO_CPR": "1", "LINES": "24", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    args = ["-m", "careplan", "interview", "--plan-type", "relactation", "-o", "intake.json"]
    child = pexpect.spawn(sys.executable, args, cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30,
                          dimensions=(24, 80))
    screen = Terminal(24, 80)

    def shown(text: str) -> Shot:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                screen.feed(child.read_nonblocking(100_000, timeout=0.05))
            except pexpect.TIMEOUT:
                if text in "".join(screen.lines):
                    return Shot(screen.lines, screen.y, screen.x, screen.cursor_shown)
        raise AssertionError(f"{text!r} never shown:\n" + "\n".join(screen.lines))

    try:
        for key, value in script[:stop]:
            node = node_for(form, key)
            asked = node.spec.ask if hasattr(node, "menu") else prompt_text(key)  # a screen's, or a question's
            shown((asked or "")[:20])
            child.send(keys_for(form, key, value))
        first = shown(prompt_text("health.conditions"))
        child.send(DOWN * 18)
        later = shown(labels[18])
    finally:
        child.terminate(force=True)
    total = len(labels)
    for shot in (first, later):
        assert shot.cursor_shown and shot.row == shot.pointer_row, shot.text
        assert shot.more("↑") + len(shot.choice_lines) + shot.more("↓") == total, shot.text
    assert first.at_cursor == f"○ {labels[0]}"
    assert first.more("↓") > 0 and first.lines[-1] == f"  ↓ {first.more('↓')} more"
    assert later.at_cursor == f"○ {labels[18]}" and later.more("↑") > 0
