"""Where the interview's messages go: the terminal (styled, between prompts), or a stream (tests)."""

from __future__ import annotations

import os
import typing
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    pass


WIDTH = 78

#: The words of a prompt_toolkit style that are not colours (kept when NO_COLOR is set).
NOT_COLOURS = frozenset(
    word + name
    for name in ("bold", "italic", "underline", "strike", "blink", "reverse", "hidden", "dim")
    for word in ("", "no")
) | {"noinherit"}


def no_color() -> bool:
    """Whether the NO_COLOR environment variable asks for no colours (set and not empty: https://no-color.org)."""
    return bool(os.environ.get("NO_COLOR"))


def styled(style: str) -> str:
    """A prompt_toolkit style as given, or without its colours when NO_COLOR is set (bold, italic and the like
    stay, as NO_COLOR allows)."""
    if not no_color():
        return style
    return " ".join(w for w in style.split() if w in NOT_COLOURS or w.startswith(("class:", "[")))


class Console(Protocol):
    def say(self, text: str, style: str = "") -> None: ...


class TerminalConsole:
    """Messages between prompts, styled, on the prompt session's output.

    Colours are the terminal's named ones, so the terminal's theme decides how each looks on its background, and
    never the ones that vanish on one background or the other: help is the terminal's own foreground in italic
    (its "bright black" is the background colour in some dark themes), warnings magenta (its yellow is faint on
    white). NO_COLOR leaves the bold and italic only."""

    STYLES: typing.ClassVar[dict[str, str]] = {
        "section": "bold fg:ansicyan",
        "item": "bold",
        "help": "italic",
        "alert": "bold fg:ansired",
        "ok": "fg:ansigreen",
        "warn": "bold fg:ansimagenta",
        "": "",
    }

    def say(self, text: str, style: str = "") -> None:
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        print_formatted_text(FormattedText([(styled(self.STYLES.get(style, style)), text)]))


class StreamConsole:
    """Plain messages to a text stream (for tests and logs of the flow, never of answers' values)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def say(self, text: str, style: str = "") -> None:
        self.stream.write(text + "\n")
