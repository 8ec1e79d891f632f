"""What the interview's parts share: the answer that means 'go back', a red flag as shown, and node casts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from careplan.interview.nodes import Group, Question

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
    kind: str = "urgent"  # the library entry's kind: "urgent" or "referral"
    findings: tuple[str, ...] = ()  # the conditions that held, in the consultant's words

    @property
    def summary(self) -> str:
        """One line for the consultant: how urgent, what was found, for whom."""
        urgency = "URGENT" if self.kind == "urgent" else "same-day referral"
        found = "; ".join(self.findings) or self.title
        who = f" ({', '.join(self.babies)})" if self.babies else ""
        return f"{urgency}{who}: {found}"


def as_group(node: Any) -> Group:
    if not isinstance(node, Group):
        raise TypeError("expected a group")
    return node


def as_question(node: Any) -> Question:
    if not isinstance(node, Question):
        raise TypeError("expected a question")
    return node
