"""The low-milk-supply part of an intake (schema 1.1): the facts a low-supply consult records beyond the shared
intake (the clinical brief's §7).

Every fact here is family-level (one birth, one parent's breasts and milk); the baby-level facts a low-supply plan
reads (weights, diapers, jaundice, fever, suck) are the shared :class:`~careplan.intake.baby.Baby`'s. As
everywhere in the intake, ``"unknown"`` is a valid answer and numbers not known are ``null``. The block is written
only for a plan whose ``plan_type`` is ``low-supply``; on any other plan it must be left out (a check says so).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from careplan.intake.common import Answer, CareDate, IntakeModel, red_flags

#: Why the family thinks the supply is low (the brief's §7 ``m.reasons_for_concern``): perceived signs are common
#: and often disagree with measurement (KENT21, MANSHANDEN25).
ConcernReason = Literal[
    "fussing",
    "frequent_or_cluster_feeds",
    "soft_breasts",
    "short_feeds",
    "takes_bottle_after_feeds",
    "low_pump_output",
    "weight_check",
    "told_by_professional",
    "other",
]


class BirthFacts(IntakeModel):
    """How the birth and the first days went: risk factors for milk coming in late (DEWEY03, NR10, PIFS2-DOL)."""

    mode: Annotated[
        Literal["vaginal", "assisted", "planned_caesarean", "emergency_caesarean", "unknown"],
        Field(title="how the baby was born"),
    ] = "unknown"
    second_stage_over_1h: Annotated[Answer, Field(title="pushing stage longer than 1 hour")] = "unknown"
    first_feed_hours: Annotated[
        float | None, Field(title="hours from birth to the first feed or skin-to-skin at the breast", ge=0, le=240)
    ] = None
    separated: Annotated[
        Literal["no", "nicu", "other", "unknown"], Field(title="parent and baby separated after the birth")
    ] = "unknown"
    formula_in_hospital: Annotated[Answer, Field(title="formula given in hospital")] = "unknown"


class MilkComingIn(IntakeModel):
    """When the milk "came in" (lactogenesis II; late when after 72 hours: DEWEY03, NR10)."""

    status: Annotated[
        Literal["yes", "not_yet", "never", "unknown"],
        Field(
            title="the milk has come in",
            description="'never': the breasts never filled after this birth (an older baby); 'not_yet': still "
            "waiting in the first days.",
        ),
    ] = "unknown"
    hours_after_birth: Annotated[
        float | None, Field(title="hours after the birth the milk came in", ge=0, le=720)
    ] = None
    engorgement: Annotated[Answer, Field(title="breasts felt full or firm in the first week")] = "unknown"


class FeedingFacts(IntakeModel):
    """How the baby feeds now."""

    at_breast: Annotated[
        Literal["yes", "some", "no", "unknown"],
        Field(
            title="the baby feeds at the breast",
            description="'no': the parent pumps for every feed (pump-dependent); 'some': some feeds at the breast.",
        ),
    ] = "unknown"
    breastfeeds_24h: Annotated[int | None, Field(title="feeds at the breast per 24 hours", ge=0, le=30)] = None
    night_feeds: Annotated[
        int | None, Field(title="feeds or pumping sessions between 11 pm and 7 am", ge=0, le=15)
    ] = None
    longest_gap_hours: Annotated[
        float | None, Field(title="longest time between feeds or pumping (hours)", ge=0, le=24)
    ] = None
    hard_to_wake: Annotated[
        Answer,
        Field(title="baby is hard to wake for feeds", json_schema_extra=red_flags(["yes"], ["no", "unknown"])),
    ] = "unknown"
    nipple_shield: Annotated[Answer, Field(title="uses a nipple shield")] = "unknown"
    pacifier: Annotated[Answer, Field(title="baby uses a pacifier")] = "unknown"
    compressions: Annotated[Answer, Field(title="has tried breast compressions")] = "unknown"
    switch_sides: Annotated[Answer, Field(title="offers both breasts at a feed")] = "unknown"


class TestWeight(IntakeModel):
    """One feed weighed before and after, on the same scale, with the same clothes."""

    date: Annotated[CareDate, Field(title="date of the test weight")]
    before_g: Annotated[int, Field(title="weight before the feed (grams)", ge=300, le=30000)]
    after_g: Annotated[int, Field(title="weight after the feed (grams)", ge=300, le=30000)]
    scale_resolution_g: Annotated[
        int | None, Field(title="the scale's smallest step (grams)", ge=1, le=50)
    ] = None


class PumpingFacts(IntakeModel):
    """Pumping or hand expression now."""

    sessions_24h: Annotated[int | None, Field(title="pumping sessions per 24 hours", ge=0, le=20)] = None
    ml_24h: Annotated[float | None, Field(title="milk pumped per 24 hours (mL)", ge=0, le=3000)] = None
    after_feeds_only: Annotated[Answer, Field(title="pumps only after feeds at the breast")] = "unknown"
    double: Annotated[Answer, Field(title="pumps both breasts at once")] = "unknown"
    hands_on: Annotated[Answer, Field(title="uses hands-on pumping")] = "unknown"
    flange_pain: Annotated[Answer, Field(title="pumping hurts, or the flange feels wrong")] = "unknown"
    poor_flow: Annotated[Answer, Field(title="milk flows poorly when pumping")] = "unknown"


class ParentFacts(IntakeModel):
    """The parent's breasts, body and mood now."""

    latch_pain: Annotated[
        Literal["none", "mild", "moderate", "severe", "unknown"], Field(title="pain when the baby latches")
    ] = "unknown"
    nipple_damage: Annotated[
        Literal["none", "cracked", "bleeding", "blister", "other", "unknown"], Field(title="nipple damage")
    ] = "unknown"
    nipple_shape: Annotated[Literal["typical", "flat", "inverted", "unknown"], Field(title="nipple shape")] = "unknown"
    bleeding_concern: Annotated[
        Answer,
        Field(
            title="heavy or long bleeding, or clots, since the birth",
            json_schema_extra=red_flags(["yes"], ["no", "unknown"]),
        ),
    ] = "unknown"
    foul_discharge: Annotated[
        Answer, Field(title="bad-smelling discharge", json_schema_extra=red_flags(["yes"], ["no", "unknown"]))
    ] = "unknown"
    sepsis_signs: Annotated[
        Answer,
        Field(
            title="very unwell: shivering, confused, fast breathing or heartbeat",
            json_schema_extra=red_flags(["yes"], ["no", "unknown"]),
        ),
    ] = "unknown"
    breast_lump_soft: Annotated[
        Answer,
        Field(
            title="a painful breast lump that feels soft or full of fluid",
            json_schema_extra=red_flags(["yes"], ["no", "unknown"]),
        ),
    ] = "unknown"
    epds: Annotated[int | None, Field(title="Edinburgh depression score (EPDS, 0-30)", ge=0, le=30)] = None
    epds_date: Annotated[CareDate | None, Field(title="date of the EPDS")] = None
    depression_symptoms: Annotated[
        Answer, Field(title="low mood or loss of interest", json_schema_extra=red_flags(["yes"], ["no", "unknown"]))
    ] = "unknown"
    self_harm_thoughts: Annotated[
        Answer,
        Field(
            title="thoughts of self-harm or of harming the baby",
            json_schema_extra=red_flags(["yes"], ["no", "unknown"]),
        ),
    ] = "unknown"
    thyroid_tested: Annotated[Answer, Field(title="thyroid tested since the birth")] = "unknown"
    thyroid_symptoms: Annotated[
        Answer, Field(title="very tired, or always cold, since the birth")
    ] = "unknown"
    reasons_for_concern: Annotated[
        list[ConcernReason], Field(title="why the family thinks the supply is low")
    ] = []


class LowSupply(IntakeModel):
    """What a low-milk-supply consult records beyond the shared intake."""

    birth: Annotated[BirthFacts, Field(title="birth and first days")] = BirthFacts()
    milk_came_in: Annotated[MilkComingIn, Field(title="milk coming in")] = MilkComingIn()
    feeding: Annotated[FeedingFacts, Field(title="feeding now")] = FeedingFacts()
    test_weights: Annotated[list[TestWeight], Field(title="test weights", max_length=60)] = []
    pumping: Annotated[PumpingFacts, Field(title="pumping now")] = PumpingFacts()
    parent: Annotated[ParentFacts, Field(title="the parent now")] = ParentFacts()

    @property
    def pump_dependent(self) -> bool:
        return self.feeding.at_breast == "no"

    @property
    def milk_in_late(self) -> bool:
        """The milk came in after 72 hours (the definition of delayed onset in DEWEY03 and NR10)."""
        return (self.milk_came_in.hours_after_birth or 0) > 72

    @property
    def milk_documented(self) -> bool:
        """The milk has come in, or milk pumped in a day was measured (low supply is less milk, not none)."""
        return self.milk_came_in.status == "yes" or (self.pumping.ml_24h or 0) > 0

    @property
    def test_weight_total_g(self) -> int | None:
        """The milk taken over every recorded test weight (grams), or null when none are recorded. Never read
        one feed alone: a single test weight can be off by 12-15 mL either way (SAVENIJE06)."""
        if not self.test_weights:
            return None
        return sum(max(0, t.after_g - t.before_g) for t in self.test_weights)

    @property
    def test_weight_count(self) -> int:
        return len(self.test_weights)
