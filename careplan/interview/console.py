"""Where the interview's messages go: the terminal (styled, between prompts), or a stream (tests)."""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    pass


WIDTH = 78


class Console(Protocol):
    def say(self, text: str, style: str = "") -> None: ...


class TerminalConsole:
    """Messages between prompts, styled, on the prompt session's output."""

    STYLES: typing.ClassVar[dict[str, str]] = {
        "section": "bold fg:ansicyan",
        "item": "bold",
        "help": "fg:ansibrightblack",
        "alert": "bold fg:ansired",
        "ok": "fg:ansigreen",
        "warn": "fg:ansiyellow",
        "": "",
    }

    def say(self, text: str, style: str = "") -> None:
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        print_formatted_text(FormattedText([(self.STYLES.get(style, style), text)]))


class StreamConsole:
    """Plain messages to a text stream (for tests and logs of the flow, never of answers' values)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def say(self, text: str, style: str = "") -> None:
        self.stream.write(text + "\n")
