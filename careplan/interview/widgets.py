"""The interview's choice prompts: questionary's select and checkbox, with the terminal cursor on the highlighted
choice (screen readers follow the cursor), a list that scrolls in a small terminal with a line saying how many
choices are above and below, and a style that reads on light and dark backgrounds.

questionary draws the choices in a window that is never focused, so the terminal cursor stays, hidden, on the
question line. :func:`follow_choice` puts a :class:`ChoiceList` in that window's place: it shows the same lines
(questionary's own, with its pointer, shortcuts and ticks), a terminal's worth at a time, and is focused, so the
cursor that prompt_toolkit shows is the one questionary marks on the highlighted choice. Key bindings, defaults
and instructions stay questionary's; the prompt is still a questionary ``Question`` whose ``application`` is a
prompt_toolkit ``Application`` (the interview adds Ctrl-B and Ctrl-G to its key bindings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import questionary
from prompt_toolkit.application import get_app
from prompt_toolkit.data_structures import Point
from prompt_toolkit.filters import Always
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.layout import ConditionalContainer, Container, HSplit, UIContent, UIControl, VSplit, Window
from prompt_toolkit.layout.controls import GetLinePrefixCallable
from prompt_toolkit.layout.layout import walk
from prompt_toolkit.styles import Style
from questionary import Choice, Question
from questionary.prompts.common import InquirerControl

from careplan.interview.console import styled

#: Lines of a terminal kept for what is above the list (the section's title, the progress and help lines and the
#: question) and below it (a problem with the answer); the list has the rest.
RESERVED_ROWS = 8

#: The fewest lines the list is given, however small the terminal.
MIN_ROWS = 5

#: The prompts' style: the terminal's own foreground and background, marked by weight, slant and underline
#: rather than colour (questionary's own blue mark and orange answer are faint on one background or the other).
PROMPT_STYLE: tuple[tuple[str, str], ...] = (
    ("qmark", "noinherit bold"),
    ("question", "bold"),
    ("answer", "noinherit underline"),
    ("instruction", "noinherit italic"),
    ("pointer", "noinherit bold"),
    ("highlighted", "noinherit bold"),
    ("more", "noinherit italic"),
)


def prompt_style() -> Style:
    """:data:`PROMPT_STYLE` as a prompt_toolkit style (without colours when NO_COLOR is set)."""
    return Style([(name, styled(rule)) for name, rule in PROMPT_STYLE])


@dataclass(frozen=True)
class Span:
    """Which lines of a list are shown: ``shown`` lines from ``top``; ``above`` and ``below`` hidden lines (each
    said in a line of its own, in place of a choice, when not 0)."""

    top: int
    shown: int
    above: int
    below: int


def span(total: int, rows: int, top: int, line: int) -> Span:
    """The lines of a list of ``total`` to show in ``rows`` lines, keeping ``line`` (the highlighted one) in view
    and moving as little as possible from the last ``top``: a list that fits is shown whole; one that does not
    gives up a line at each end that has lines hidden beyond it, for the line that says how many."""
    if total <= rows:
        return Span(0, total, 0, 0)
    line = min(max(line, 0), total - 1)
    if rows < 3:  # no room to say what is hidden: just the highlighted line and its neighbours
        top = min(max(top, line - rows + 1, 0), line)
        return Span(top, rows, top, total - top - rows)

    def fits(first: int) -> int:
        room = rows - (first > 0)
        return room - (first + room < total)

    top = max(min(top, total - rows + 1, line), 0)  # never past the start of the last screenful
    while line >= top + fits(top):
        top += 1
    shown = fits(top)
    return Span(top, shown, top, total - top - shown)


class ChoiceList(UIControl):
    """A window's worth of questionary's choice lines, focusable, with the terminal cursor where questionary marks
    the highlighted choice (its ``[SetCursorPosition]``), and a line for the choices hidden above and below."""

    def __init__(self, choices: InquirerControl, reserved: int = RESERVED_ROWS) -> None:
        self.choices = choices
        self.reserved = reserved
        self.top = 0  # the first line shown, kept from one drawing to the next so the list moves only when needed

    def is_focusable(self) -> bool:
        return True

    def preferred_width(self, max_available_width: int) -> int | None:
        return self.choices.preferred_width(max_available_width)

    def preferred_height(
        self,
        width: int,
        max_available_height: int,
        wrap_lines: bool,
        get_line_prefix: GetLinePrefixCallable | None,
    ) -> int | None:
        total = self.choices.create_content(width, None).line_count
        return min(total, max_available_height, self.rows())

    def rows(self) -> int:
        """The most lines the list may take in this terminal."""
        return max(MIN_ROWS, get_app().output.get_size().rows - self.reserved)

    def create_content(self, width: int, height: int) -> UIContent:
        inner = self.choices.create_content(width, None)
        cursor = inner.cursor_position
        view = span(inner.line_count, min(height, self.rows()), self.top, cursor.y)
        self.top = view.top
        up, down = arrows()
        lines: list[StyleAndTextTuples] = []
        if view.above:
            lines.append([("class:more", f"  {up} {view.above} more")])
        lines += [inner.get_line(i) for i in range(view.top, view.top + view.shown)]
        if view.below:
            lines.append([("class:more", f"  {down} {view.below} more")])
        return UIContent(
            get_line=lambda i: lines[i] if 0 <= i < len(lines) else [],
            line_count=len(lines),
            cursor_position=Point(x=cursor.x, y=cursor.y - view.top + (1 if view.above else 0)),
            show_cursor=True,
        )


def arrows() -> tuple[str, str]:
    """The marks for "more above" and "more below": arrows, or ^ and v where the terminal cannot show them."""
    try:
        "↑↓".encode(get_app().output.encoding() or "utf-8")  # a stream without one (a test's) takes UTF-8
    except (UnicodeEncodeError, LookupError):
        return "^", "v"
    return "↑", "↓"


def follow_choice(question: Question, reserved: int = RESERVED_ROWS) -> Question:
    """The same question, its choices drawn by a focused :class:`ChoiceList` in place of questionary's window."""
    layout = question.application.layout
    old = next((w for w in layout.find_all_windows() if isinstance(w.content, InquirerControl)), None)
    if old is None or not isinstance(old.content, InquirerControl):
        raise TypeError("not a questionary select or checkbox prompt")
    new = Window(ChoiceList(old.content, reserved), dont_extend_height=Always(), always_hide_cursor=False)
    if not replace(layout.container, old, new):
        raise TypeError("questionary's window of choices is not where it was expected in its layout")
    layout.focus(new)
    return question


def replace(root: Container, old: Window, new: Window) -> bool:
    """Put ``new`` where ``old`` is, in the containers under ``root``; False if ``old`` is not there."""
    for container in walk(root):
        if isinstance(container, ConditionalContainer) and container.content is old:
            container.content = new
            return True
        if isinstance(container, HSplit | VSplit) and old in container.children:
            container.children[container.children.index(old)] = new
            return True
    return False


def select(message: str, choices: Sequence[Choice], **options: Any) -> Question:
    """``questionary.select`` with the cursor on the highlighted choice, a scrolling list and the prompts' style."""
    options.setdefault("style", prompt_style())
    return follow_choice(questionary.select(message, choices=list(choices), **options))


def checkbox(message: str, choices: Sequence[Choice], **options: Any) -> Question:
    """``questionary.checkbox`` with the cursor on the highlighted choice, a scrolling list and the prompts' style."""
    options.setdefault("style", prompt_style())
    return follow_choice(questionary.checkbox(message, choices=list(choices), **options))
