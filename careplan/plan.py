"""The care plan: what :func:`careplan.rules.engine.build_plan` produces and every later step reads.

A plan is data, not layout. Items are grouped into sections in reading order (urgent items and referrals first),
each item carries its trace (the named conditions that held and the intake values behind them) and its sources.
The computed parts (milk-removal schedule, feeding plan, step-down schedule, timeline) are plain numbers and
times; the templates decide how they look.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRef(_Frozen):
    id: str
    citation: str
    link: str | None = None  # the DOI's, the page's or the PubMed record's address
    link_text: str | None = None  # how the address prints: "doi:10...", "PMID 123", the URL


class ConditionTrace(_Frozen):
    """One named condition that held, with the intake values it read."""

    name: str
    expression: str
    values: dict[str, Any]


class LetterRequest(_Frozen):
    """What the doctors' letter asks of a clinician for one item: a request in English for a physician, with the
    item's values filled in, never a dose."""

    to: Literal["baby_clinician", "parent_clinician", "prescriber"]
    urgency: Literal["same_day", "this_week", "routine"]
    request: str


def finding(trace: ConditionTrace) -> str:
    """A condition that held, in the consultant's words: its name as a phrase, with the numbers it read
    ("lost over 10 percent (11.2)"); never the parent's wording, never free text from the intake."""
    numbers = [
        f"{value:g}" if isinstance(value, float) else str(value)
        for value in trace.values.values()
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    phrase = trace.name.replace("_", " ")
    return f"{phrase} ({', '.join(numbers)})" if numbers else phrase


class PlanItem(_Frozen):
    id: str
    kind: Literal["urgent", "referral", "caution", "exclusion", "expectation", "strategy"]
    urgency: Literal["now", "today", "soon"] | None = None
    section: str
    title: str
    text: str
    why: str | None = None
    because: str | None = None
    short: str | None = None  # one line for compact views (the herb table)
    avoid_if: str | None = None  # who must not use it, in a few words
    clinician_note: str
    sources: list[SourceRef]
    rules: list[str] = []
    babies: list[str] = []
    trace: list[ConditionTrace] = []
    letter: LetterRequest | None = None  # urgent items and referrals: the request the doctors' letter makes


class Exclusion(_Frozen):
    """Something the plan deliberately leaves out, and why."""

    id: str
    title: str
    reason: str
    by: str
    sources: list[SourceRef]
    babies: list[str] = []


class PlanSection(_Frozen):
    id: str
    title: str
    intro: str | None = None
    items: list[PlanItem]


class Session(_Frozen):
    """One milk-removal session in the 24-hour schedule (none for a comfort-nursing goal)."""

    time: str
    night: bool
    what: str


class Schedule(_Frozen):
    kind: Literal["timed", "comfort"] = "timed"
    sessions: list[Session]
    longest_gap_hours: float
    note: str
    sources: list[str]


class StepDown(_Frozen):
    day: int
    starts_on: date
    daily_ml: int


class FeedingPlan(_Frozen):
    """The supplement plan for one baby. The daily estimate is a range (both ends) and is given only when no
    guard holds; ``amounts_held`` lists the guards that held (intake facts, and ``red_flag`` when an urgent item
    or referral that holds amounts fired), and then the amounts are set with the baby's doctor."""

    baby: str
    weight_g: int | None
    current_supplement_ml: float | None
    need_ml_low: int | None
    need_ml_high: int | None
    per_feed_ml_low: int | None
    per_feed_ml_high: int | None
    feeds_per_24h: int
    basis: str
    notes: list[str]
    amounts_held: list[str]
    step_down: list[StepDown]
    step_down_withheld: str | None
    sources: list[str]


class Milestone(_Frozen):
    label: str
    from_date: date | None
    to_date: date | None
    text: str
    sources: list[str]


class BabySummary(_Frozen):
    name: str
    age_days: int
    age_weeks: float
    age_months: float
    corrected_age_weeks: float
    preterm: bool | None
    expected_wet_diapers: int | None = None  # the fewest wet diapers a day expected at this age


class GrowthPoint(_Frozen):
    """One weighing on the WHO weight-for-age standard. ``z`` and ``centile`` are null when the sex is not known
    or the age is outside the standard (before term-equivalent age, after 24 months); ``beyond`` says the weight is
    past -3 or +3 z, where careplan does not extrapolate (``z`` is then -3 or 3)."""

    date: date
    age_days: int
    corrected_age_days: float | None = None  # for a baby born preterm: the age from the due date
    weight_g: int
    weighed: str  # birth, or where it was taken (this_visit, doctor, home_scale, ..., unknown)
    weighed_how: str | None = None
    z: float | None = None
    centile: float | None = None
    beyond: Literal["below", "above"] | None = None
    velocity_g_per_day: float | None = None  # the gain since the latest weighing at least 5 days before
    velocity_days: int | None = None  # the days that gain is measured over


class Growth(_Frozen):
    """One baby's weights on the WHO 2006 weight-for-age standard (birth to 24 months)."""

    baby: str
    sex: Literal["female", "male", "unknown"]
    standard: str
    corrected: bool  # ages are corrected for prematurity
    points: list[GrowthPoint]
    notes: list[str] = []  # why centiles are missing for some or all weights
    sources: list[SourceRef] = []  # the standard and the advice to use it (cited where a chart is printed)


class ProgressRow(_Frozen):
    """One follow-up measurement the intake recorded, for the plan's "what changed" table."""

    date: date
    baby: str
    milk_removal_sessions_per_24h: int | None = None
    expressed_ml_per_24h: float | None = None
    supplement_ml_per_24h: float | None = None
    supplement_methods: list[str] = []
    feeds_at_breast_per_24h: int | None = None
    baby_weight_g: int | None = None
    weighed_at: str = "unknown"
    weighed_how: str = "unknown"
    test_weight_transfer_g: int | None = None
    wet_diapers_24h: int | None = None
    dirty_diapers_24h: int | None = None


class CareTeamEntry(_Frozen):
    role: Literal["baby_clinician", "parent_clinician", "prescriber"]
    cares_for: str
    name: str
    practice: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None


class BabyRecord(_Frozen):
    """One baby's facts as a physician reads them (the letter's "objective" part)."""

    name: str
    birth_date: date
    sex: str
    age_days: int
    gestational_age_weeks: float | None = None
    birth_weight_g: int | None = None
    current_weight_g: int | None = None
    weighed_on: date | None = None
    weight_change_pct: float | None = None  # from birth weight; negative is a loss
    gain_g_per_day: float | None = None
    wet_diapers_24h: int | None = None
    dirty_diapers_24h: int | None = None
    milk: list[str] = []
    supplement_ml_per_24h: float | None = None
    supplement_methods: list[str] = []
    latches: str = "unknown"


class ClinicalRecord(_Frozen):
    """What the letter to the doctors reports besides the items: the consult, consent to share, the care team, and
    the history and measurements behind the requests (plain facts from the intake; no free text but the reason)."""

    reason: str | None = None
    duration_minutes: int | None = None
    setting: str
    consent_to_share: bool = False
    share_recorded_on: date | None = None
    care_team: list[CareTeamEntry] = []
    parent_relationship: str
    parent_age: int | None = None
    conditions: list[str] = []
    medications: list[str] = []  # taken now, by name as recorded
    breast_surgeries: list[str] = []
    breastfed_this_baby: str = "unknown"
    breastfeeding_weeks: float | None = None
    weeks_since_milk_removal: float | None = None
    stop_reasons: list[str] = []
    current_output: str = "unknown"
    latest_expressed_ml_per_24h: float | None = None
    babies: list[BabyRecord] = []
    #: A low-supply plan's history (intake schema 1.1): when the milk came in, feeding and pumping now, the EPDS.
    low_supply: dict[str, str | float | int | None] | None = None


class LanguageNote(_Frozen):
    """The sentence that says a plan is in English: in English, and in the family's language when careplan has
    it; ``reason`` is no_translation, incomplete or not_reviewed."""

    english: str
    local: str | None = None
    reason: str


class Plan(_Frozen):
    schema_version: Literal["1.0"] = "1.0"
    plan_type: str = "relactation"
    language: str
    requested_language: str
    language_note: LanguageNote | None = None  # why the plan is not in the family's language, when it is not
    translation_reviewed: bool = True  # False when a translation the plan used is still a draft
    direction: Literal["ltr", "rtl"] = "ltr"
    consult_date: date
    parent_name: str
    baby_names: list[str]
    babies: list[BabySummary]
    jurisdiction: str
    next_visit: date | None
    next_visit_time: str | None = None
    visit: Literal["first", "follow_up"] = "first"
    first_visit: date | None = None
    assessment: str | None = None
    progress: list[ProgressRow] = []
    goal: str
    goal_in_own_words: str | None
    sections: list[PlanSection]
    exclusions: list[Exclusion]
    schedule: Schedule | None = None  # when the plan type computes a milk-removal schedule
    feeding: list[FeedingPlan] = []
    timeline: list[Milestone] = []
    growth: list[Growth] = []  # when the plan type computes growth: each baby's weights on the WHO standard
    record: ClinicalRecord | None = None  # the facts the letter to the doctors reports
    sources: dict[str, SourceRef]
    library: list[str]

    def items(self) -> list[PlanItem]:
        return [item for section in self.sections for item in section.items]

    def item_ids(self) -> set[str]:
        return {item.id for item in self.items()}

    def excluded_ids(self) -> set[str]:
        return {exclusion.id for exclusion in self.exclusions}

    def urgent(self) -> list[PlanItem]:
        return [item for item in self.items() if item.kind == "urgent"]
