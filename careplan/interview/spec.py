"""The question file's shape (intake_forms/<type>/questions.yaml), as Pydantic models: sections, groups, questions,
conditions, red flags.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ConditionSpec(Strict):
    field: str
    is_: Annotated[list[Any] | None, Field(alias="is")] = None
    is_not: list[Any] | None = None
    includes_any: list[Any] | None = None
    more_than: float | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> ConditionSpec:
        given = [n for n in ("is_", "is_not", "includes_any", "more_than") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of is, is_not, includes_any, more_than")
        return self


When = ConditionSpec | list[ConditionSpec] | None


class QuestionSpec(Strict):
    field: str
    ask: str
    help: str | None = None
    choices: dict[str, str] | None = None
    #: Choice values this form does not offer (another plan type's, e.g. topics only a low-supply plan reads).
    omit: list[str] = []
    when: When = None
    otherwise: Any = None
    default: Any = None
    default_from: str | None = None
    same_as: str | None = None
    input: Literal["weight", "volume", "weeks"] | None = None
    hint: str | None = None
    follow_up: Literal["fresh"] | None = None
    gate: dict[str, str] | None = None
    pick: str | None = None
    #: A section's notes: not asked in order; Ctrl-N at any question of the section opens it; the review lists it.
    note: bool = False
    #: Inside a screen: the value this question takes when the screen's answer is {none, unknown, declined}
    #: (declined falls back to unknown).
    screened: dict[Literal["none", "unknown", "declined"], Any] | None = None


class ScreenItemSpec(Strict):
    id: str
    label: str
    set: dict[str, Any]


class ScreenSpec(Strict):
    """One tick list standing for several questions (warning signs, substances, health history): each tick sets
    a question inside (a value, or "some" for a list that may be unknown, whose items are then asked); "None of
    these", "Not assessed" (and "Prefers not to say") answer them all; "Ask one by one" asks them as usual."""

    screen: str
    ask: str
    help: str | None = None
    when: When = None
    follow_up: Literal["fresh"] | None = None
    #: One choice (a menu) rather than ticks: for answers that exclude each other.
    one: bool = False
    specials: dict[Literal["none", "unknown", "declined", "each"], str]
    items: list[ScreenItemSpec]
    questions: list[QuestionSpec | GroupSpec]


class GroupSpec(Strict):
    group: str
    item: str
    label: str | None = None
    ask: str | None = None
    add: str
    help: str | None = None
    when: When = None
    choices: dict[str, str] | None = None
    follow_up: Literal["fresh"] | None = None
    questions: list[QuestionSpec | ScreenSpec | GroupSpec]


class SectionSpec(Strict):
    id: str
    title: str
    questions: list[QuestionSpec | ScreenSpec | GroupSpec]


class RedFlagSpec(Strict):
    kinds: list[Literal["urgent", "referral"]] = ["urgent"]
    entries: list[str] = []


class FormSpec(Strict):
    version: Literal[1]
    #: The plan type whose intake this form fills in; written into the intake's ``plan_type``.
    plan_type: str = "relactation"
    red_flags: RedFlagSpec = RedFlagSpec()
    sections: list[SectionSpec]


ScreenSpec.model_rebuild()
