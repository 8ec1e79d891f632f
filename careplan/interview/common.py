"""What the interview's parts share: the answer that means 'go back', a red flag as shown, and node casts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from careplan.interview.form import Group, Question

if TYPE_CHECKING:
    pass


class Back:
    pass


BACK = Back()


@dataclass(frozen=True)
class Flag:
    id: str
    title: str
    text: str
    babies: tuple[str, ...]


def as_group(node: Any) -> Group:
    if not isinstance(node, Group):
        raise TypeError("expected a group")
    return node


def as_question(node: Any) -> Question:
    if not isinstance(node, Question):
        raise TypeError("expected a question")
    return node
