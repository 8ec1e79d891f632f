"""The shape of a library file: its sections, sources and entries, checked field by field as it is read.

:mod:`careplan.rules.library` reads the YAML into these models and then compiles each entry's expressions. What is
checked here is what one entry can tell about itself: its kind, section and urgency agree, every text has English,
and only urgent entries and referrals carry a ``letter`` block (the request the doctors' letter makes of the
baby's or the parent's clinician). See ``careplan/plantypes/relactation/README.md`` for the format.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from careplan.rules.citations import Source

Kind = Literal["urgent", "referral", "caution", "exclusion", "expectation", "strategy"]

#: Sections that urgent items and referrals always go to, ahead of everything else.
KIND_SECTIONS: dict[str, str] = {"urgent": "urgent", "referral": "referrals"}

#: Names every parent-facing text may use without declaring them as params.
BUILTIN_PARAMS = ("baby_name", "parent_name")

#: The kinds of entry that ask something of a doctor, and so may carry a letter block.
LETTER_KINDS = ("urgent", "referral")

_LANG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


LocalText = Annotated[
    dict[Annotated[str, Field(pattern=_LANG)], Annotated[str, Field(min_length=1)]],
    Field(description="Text keyed by language; 'en' is required."),
]


def _needs_english(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is not None and "en" not in value:
        raise ValueError("needs an 'en' (English) text")
    others = sorted(set(value or {}) - {"en"})
    if others:
        raise ValueError(f"only the English text goes here; put the {', '.join(others)} text in "
                         f"translations/{others[0]}/ beside this file, with the hash of its English")
    return value


class When(_Strict):
    """Named conditions: every one under ``all`` must hold, and at least one under ``any`` when given."""

    all: dict[str, str] = {}
    any: dict[str, str] = {}


#: The section whose entries are the tiers of "When to get help" (their urgency says which); an entry's texts.
HELP_SECTION = "when_to_get_help"
TEXT_PARTS = ("title", "text", "why", "because", "short", "avoid_if", "exclusion_reason")


class Letter(_Strict):
    """What the doctors' letter asks of a clinician when this entry is in the plan: one numbered request.

    ``request`` is English clinical wording for a physician, phrased as a request ("Please consider ...") and never
    as an order or with a dose; it may use the entry's own placeholders, as ``text`` does. It is not parent text.
    """

    to: Annotated[
        Literal["baby_clinician", "parent_clinician", "prescriber"],
        Field(description="Whose clinician the request is for: the baby's, the parent's, or a prescriber's."),
    ]
    urgency: Annotated[
        Literal["same_day", "this_week", "routine"],
        Field(description="How soon: 'same_day' for urgent entries and now/today referrals, else this_week/routine."),
    ]
    request: Annotated[str, Field(min_length=1, description="The request, in English, for a physician.")]

    @field_validator("request")
    @classmethod
    def _a_request_without_a_dose(cls, value: str) -> str:
        from careplan.rules.doses import REQUEST_OPENINGS, find_dose, find_order

        dose, order = find_dose(value), find_order(value)
        if dose is not None:
            raise ValueError(f"a dose ({dose!r}): careplan never gives one; ask the clinician to decide instead")
        if order is not None:
            raise ValueError(f"an order ({order!r}): ask, as in 'Please consider ...'")
        if not value.startswith(REQUEST_OPENINGS):
            raise ValueError(f"must open as a request: {', '.join(repr(o.strip()) for o in REQUEST_OPENINGS)}")
        return value


class Entry(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    rules: Annotated[
        list[Annotated[str, Field(pattern=r"^[A-Z]\d{2}$")]],
        Field(description="The rows of the plan type's rule table it encodes (R01 relactation, L01 low supply)"),
    ] = []
    kind: Kind
    section: str | None = None
    title: LocalText
    when: When = When()
    params: dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")], str] = {}
    text: LocalText
    words: Annotated[
        dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")],
             dict[Annotated[str, Field(pattern=r"^[a-z0-9_]+$")], LocalText]],
        Field(description="For a param whose expression gives a key (or a list of keys): the text of each key, "
                          "translated like the entry's other texts."),
    ] = {}
    why: LocalText | None = None
    because: LocalText | None = None
    short: LocalText | None = None  # one line for compact views (the herb table's "what is known")
    avoid_if: LocalText | None = None  # who must not use it, in a few words (the herb table)
    clinician_note: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[str], Field(min_length=1)]
    excludes: list[str] = []
    exclusion_reason: LocalText | None = None
    priority: Annotated[int, Field(ge=0, le=1000)] = 50
    urgency: Annotated[
        Literal["now", "today", "soon"] | None,
        Field(description="How soon: 'now' (emergency), 'today' (same day) or 'soon'; required for urgent entries."),
    ] = None
    holds_amounts: Annotated[
        bool,
        Field(description="When this entry fires, no daily milk amount and no step-down is computed for the baby."),
    ] = False
    shows_amounts: Annotated[
        bool,
        Field(description="This entry points the parent to the computed amounts or step-down: it is left out, with "
                          "the reason, while an entry that holds the amounts is in the plan for the baby."),
    ] = False
    letter: Annotated[
        Letter | None,
        Field(description="The request the doctors' letter makes when this urgent entry or referral is in the plan."),
    ] = None

    _english = field_validator(*TEXT_PARTS)(_needs_english)

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        forced = KIND_SECTIONS.get(self.kind)
        if forced is not None and self.section not in (None, forced):
            raise ValueError(f"a {self.kind} entry always goes in section '{forced}'")
        if forced is None and self.section is None:
            raise ValueError("section is required")
        if self.kind == "urgent" and self.urgency not in ("now", "today"):
            raise ValueError("an urgent entry needs urgency 'now' or 'today'")
        if self.urgency is not None and self.kind not in ("urgent", "referral") and self.section != HELP_SECTION:
            raise ValueError("only urgent entries, referrals and 'when to get help' tiers have an urgency")
        if self.excludes and self.exclusion_reason is None:
            raise ValueError("an entry that excludes others needs an exclusion_reason")
        if self.kind == "exclusion" and not self.excludes:
            raise ValueError("an exclusion entry must list what it excludes")
        for param, choices in self.words.items():
            if param not in self.params:
                raise ValueError(f"words: {param} is not one of this entry's params")
            for text in choices.values():
                _needs_english(text)
        if set(self.when.all) & set(self.when.any):
            raise ValueError("a condition name is used under both 'all' and 'any'")
        if self.letter is not None:
            _check_letter(self.kind, self.urgency, self.letter)
        return self

    @property
    def plan_section(self) -> str:
        return KIND_SECTIONS.get(self.kind) or str(self.section)


def _check_letter(kind: str, urgency: str | None, letter: Letter) -> None:
    """A letter block only on an urgent entry or a referral, and as urgent as the entry: 'same_day' for an entry
    the parent is told to act on now or today, 'this_week' or 'routine' for the others."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"letter: only urgent entries and referrals have a letter block, not a {kind}")
    same_day = kind == "urgent" or urgency in ("now", "today")
    if same_day and letter.urgency != "same_day":
        raise ValueError(f"letter: urgency must be 'same_day' for a {kind} entry with urgency '{urgency}'")
    if not same_day and letter.urgency == "same_day":
        raise ValueError(
            f"letter: urgency 'same_day' needs an urgent entry or a referral with urgency 'now' or 'today' "
            f"(this one's is {urgency or 'not set'}): use 'this_week' or 'routine', or raise the entry's urgency"
        )


class Section(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: LocalText
    intro: LocalText | None = None

    _english = field_validator("title", "intro")(_needs_english)


class LibraryFile(_Strict):
    """The shape of one YAML file; each part is optional so entries can be split across files."""

    sections: list[Section] = []
    sources: dict[str, Source] = {}
    entries: list[Entry] = []
    #: Values for careplan.rules.parameters.Parameters, checked once every folder is read.
    parameters: dict[str, int] = {}

