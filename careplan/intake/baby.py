"""The baby: birth details, weights, feeding now, and the red-flag signs a consultant records."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    Field,
    PrivateAttr,
    model_validator,
)

from careplan.intake.common import (
    DAYS_PER_MONTH,
    LOW_BIRTH_WEIGHT_BELOW_G,
    PRETERM_BEFORE_WEEKS,
    TERM_WEEKS,
    Answer,
    CareDate,
    IntakeModel,
    Notes,
    red_flags,
    weeks_of,
)

# --------------------------------------------------------------------------------------------------------------
# The baby
# --------------------------------------------------------------------------------------------------------------

Milk = Literal["direct_breastfeeding", "expressed_breast_milk", "donor_milk", "formula", "solids", "other"]
FeedingMethod = Literal[
    "bottle", "cup", "paladai", "spoon", "syringe", "finger_feeding", "at_breast_supplementer", "tube"
]
FeedingConcern = Literal[
    "formula_intolerance",
    "reflux",
    "tongue_tie",
    "oral_aversion",
    "weak_suck",
    "breast_refusal",
    "jaundice",
    "other",
]
DehydrationSign = Literal["dry_mouth", "sunken_fontanelle", "lethargy", "no_urine_12h"]
Vomiting = Literal["no", "sometimes", "forceful", "green", "unknown"]



StoolColour = Literal["black_meconium", "green_or_brown", "yellow", "pale_or_white", "unknown"]
JaundiceTreatment = Literal["none", "phototherapy", "other", "unknown"]

#: Days of life under which amounts and a step-down are never computed (AAPNB: back to birth weight by
#: 10-14 days; ABM3 gives per-feed colostrum amounts for the first days only).
AMOUNTS_FROM_DAY = 14
#: TPH12: gain under 20 g/day in the first 3-4 months signals inadequate intake (the rule reads under 16 weeks).
EXPECTED_GAIN_G_PER_DAY_UNDER_16_WEEKS = 20
#: Why the daily estimate and the step-down are withheld for a baby (see Baby.amount_guards).
AmountGuard = Literal[
    "under_14_days",
    "below_birth_weight",
    "preterm",
    "low_birth_weight",
    "gestation_unknown",
    "birth_weight_unknown",
    "weight_under_2500_g",
    "weight_unknown",
    "gain_unknown",
    "gain_low",
    "no_milk_yet",
]
#: The sex the WHO growth standards are split by; "unknown" draws no centile curves.
Sex = Literal["female", "male", "unknown"]
SleepPlace = Literal[
    "own_room",
    "separate_surface_in_parents_room",
    "sidecar_crib",
    "parents_bed",
    "sofa_or_armchair",
    "other",
    "unknown",
]


class WeightCheck(IntakeModel):
    date: Annotated[CareDate, Field(title="date weighed")]
    grams: Annotated[int, Field(title="weight in grams", ge=300, le=30000)]


class CurrentFeeding(IntakeModel):
    milk: Annotated[list[Milk], Field(title="what the baby is fed now")] = []
    supplement_ml_per_24h: Annotated[
        float | None,
        Field(
            title="supplement per 24 hours (mL)",
            ge=0,
            le=2500,
            description="Formula, donor or expressed milk.",
        ),
    ] = None
    feeds_per_24h: Annotated[int | None, Field(title="feeds per 24 hours", ge=0, le=30)] = None
    methods: Annotated[list[FeedingMethod], Field(title="how the supplement is given")] = []


class Baby(IntakeModel):
    name: Annotated[str, Field(title="baby's name", min_length=1, max_length=200)]
    birth_date: Annotated[CareDate, Field(title="baby's birth date")]
    sex: Annotated[
        Sex,
        Field(
            title="sex (for the WHO growth curves)",
            description="The WHO standards differ for girls and boys; 'unknown' gives weights without centiles.",
        ),
    ] = "unknown"
    gestational_age_weeks: Annotated[float | None, Field(title="gestational age at birth (weeks)", ge=22, le=45)] = None
    birth_weight_g: Annotated[int | None, Field(title="birth weight (grams)", ge=300, le=7000)] = None
    current_weight_g: Annotated[int | None, Field(title="current weight (grams)", ge=300, le=30000)] = None
    weighed_on: Annotated[CareDate | None, Field(title="date of the current weight")] = None
    earlier_weights: Annotated[list[WeightCheck], Field(title="earlier weights", max_length=100)] = []
    feeding: Annotated[CurrentFeeding, Field(title="current feeding")] = CurrentFeeding()
    latches: Annotated[Answer, Field(title="latches at the breast")] = "unknown"
    concerns: Annotated[
        list[FeedingConcern],
        Field(
            title="feeding concerns",
            json_schema_extra=red_flags(
                ["formula_intolerance", "tongue_tie", "weak_suck", "jaundice"],
                ["reflux", "oral_aversion", "breast_refusal", "other"],
            ),
        ),
    ] = []
    concerns_other: Annotated[
        str | None,
        Field(title="other feeding concern", description="What the 'other' concern is.", min_length=1, max_length=200),
    ] = None
    wet_diapers_24h: Annotated[int | None, Field(title="wet diapers per 24 hours", ge=0, le=40)] = None
    dirty_diapers_24h: Annotated[int | None, Field(title="dirty diapers per 24 hours", ge=0, le=40)] = None
    dehydration_signs: Annotated[
        list[DehydrationSign] | None,
        Field(
            title="signs of dehydration",
            description="null when not assessed (nobody checked); [] when checked and none seen.",
            json_schema_extra=red_flags(["dry_mouth", "sunken_fontanelle", "lethargy", "no_urine_12h"], []),
        ),
    ] = None
    stool_colour: Annotated[
        StoolColour,
        Field(
            title="colour of the baby's stools now",
            description="Black meconium is a red flag from 5 days old.",
            json_schema_extra=red_flags(["pale_or_white", "black_meconium"], ["green_or_brown", "yellow", "unknown"]),
        ),
    ] = "unknown"
    jaundice: Annotated[
        Answer,
        Field(title="yellow skin or eyes (jaundice)", json_schema_extra=red_flags(["yes"], ["no", "unknown"])),
    ] = "unknown"
    jaundice_since: Annotated[CareDate | None, Field(title="date the jaundice was first seen")] = None
    jaundice_treatment: Annotated[JaundiceTreatment, Field(title="treatment for jaundice")] = "unknown"
    fever: Annotated[
        Answer, Field(title="fever now or in the last day", json_schema_extra=red_flags(["yes"], ["no", "unknown"]))
    ] = "unknown"
    temperature_c: Annotated[
        float | None, Field(title="highest temperature measured (degrees C)", ge=30, le=44)
    ] = None
    vomiting: Annotated[
        Vomiting,
        Field(title="vomiting", json_schema_extra=red_flags(["forceful", "green"], ["no", "sometimes", "unknown"])),
    ] = "unknown"
    sleeps: Annotated[SleepPlace, Field(title="where the baby sleeps")] = "unknown"
    notes: Notes = None

    _on: date | None = PrivateAttr(default=None)
    _milk_documented: bool = PrivateAttr(default=False)
    _progress_weights: list[tuple[date, int]] = PrivateAttr(default_factory=list)  # weights recorded at follow-ups

    @property
    def dehydration_sign_list(self) -> list[DehydrationSign]:
        """The signs seen, with "not assessed" read as none (check ``dehydration_assessed`` too)."""
        return list(self.dehydration_signs or [])

    @property
    def dehydration_assessed(self) -> bool:
        return self.dehydration_signs is not None

    @model_validator(mode="after")
    def _weight_has_a_date(self) -> Baby:
        if self.current_weight_g is not None and self.weighed_on is None:
            raise ValueError("the current weight needs the date it was taken (weighed_on)")
        if self.weighed_on is not None and self.weighed_on < self.birth_date:
            raise ValueError("the current weight was taken before the baby's birth date")
        if self.jaundice_since is not None:
            if self.jaundice == "no":
                raise ValueError("a jaundice date is given but jaundice is 'no'")
            if self.jaundice_since < self.birth_date:
                raise ValueError("the jaundice is dated before the baby's birth date")
        for check in self.earlier_weights:
            if check.date < self.birth_date:
                raise ValueError("an earlier weight is dated before the baby's birth date")
            if self.weighed_on is not None and check.date > self.weighed_on:
                raise ValueError("an earlier weight is dated after the current weight")
        return self

    @property
    def _as_of(self) -> date:
        return self._on if self._on is not None else date.today()

    @property
    def age_days(self) -> int:
        """Age in days on the consult date."""
        return (self._as_of - self.birth_date).days

    @property
    def age_weeks(self) -> float:
        """Age in weeks (one decimal) on the consult date."""
        return weeks_of(self.age_days)

    @property
    def age_months(self) -> float:
        """Age in months (one decimal) on the consult date."""
        return round(self.age_days / DAYS_PER_MONTH, 1)

    @property
    def preterm(self) -> bool | None:
        """Born before 37 weeks; null when the gestational age is unknown."""
        if self.gestational_age_weeks is None:
            return None
        return self.gestational_age_weeks < PRETERM_BEFORE_WEEKS

    @property
    def low_birth_weight(self) -> bool | None:
        """Birth weight under 2500 g; null when the birth weight is unknown."""
        if self.birth_weight_g is None:
            return None
        return self.birth_weight_g < LOW_BIRTH_WEIGHT_BELOW_G

    @property
    def corrected_age_weeks(self) -> float:
        """Age corrected for prematurity (weeks); the same as the age for a term or unknown gestation."""
        if self.gestational_age_weeks is None or self.gestational_age_weeks >= PRETERM_BEFORE_WEEKS:
            return self.age_weeks
        return round(self.age_weeks - (TERM_WEEKS - self.gestational_age_weeks), 1)

    @property
    def weight_change_pct(self) -> float | None:
        """Change from birth weight to the current weight, in percent of birth weight (negative is a loss)."""
        if self.birth_weight_g is None or self.current_weight_g is None:
            return None
        return round((self.current_weight_g - self.birth_weight_g) * 100.0 / self.birth_weight_g, 1)

    @property
    def weight_loss_pct(self) -> float | None:
        """Loss from birth weight in percent (0 when the baby is at or above birth weight)."""
        change = self.weight_change_pct
        return None if change is None else max(0.0, -change)

    @property
    def below_birth_weight(self) -> bool | None:
        """The current weight is under the birth weight."""
        if self.birth_weight_g is None or self.current_weight_g is None:
            return None
        return self.current_weight_g < self.birth_weight_g

    @property
    def weight_gain_g_per_day(self) -> float | None:
        """Average gain per day: from the latest earlier weight (or weight recorded at a follow-up) at least 5 days
        before the current one, or from birth once the baby was at least 14 days old when weighed (which
        under-reads, erring towards a referral). A follow-up's weight counts, so the step-down continues only
        while the gain since the last weighing holds."""
        if self.current_weight_g is None or self.weighed_on is None:
            return None
        weighed_on = self.weighed_on
        earlier = [(w.date, w.grams) for w in self.earlier_weights] + self._progress_weights
        earlier = [(day, grams) for day, grams in earlier if (weighed_on - day).days >= 5]
        if earlier:
            day, grams = max(earlier, key=lambda w: w[0])
            return round((self.current_weight_g - grams) / (weighed_on - day).days, 1)
        days = (self.weighed_on - self.birth_date).days
        if self.birth_weight_g is not None and days >= 14:
            return round((self.current_weight_g - self.birth_weight_g) / days, 1)
        return None

    @property
    def weight_age_days(self) -> int | None:
        """Days since the current weight was taken."""
        return None if self.weighed_on is None else (self._as_of - self.weighed_on).days

    @property
    def has_jaundice(self) -> bool:
        """Jaundice recorded, as an answer or as a feeding concern."""
        return self.jaundice == "yes" or "jaundice" in self.concerns

    @property
    def jaundice_from_day(self) -> int | None:
        """Day of life the jaundice was first seen (0 is the day of birth); null when not known."""
        if not self.has_jaundice or self.jaundice_since is None:
            return None
        return (self.jaundice_since - self.birth_date).days

    @property
    def jaundice_days(self) -> int | None:
        """How many days the jaundice has lasted by the consult; null when not known."""
        if not self.has_jaundice or self.jaundice_since is None:
            return None
        return (self._as_of - self.jaundice_since).days

    @property
    def has_fever(self) -> bool:
        """Fever answered yes, or a temperature of 38.0 C or more (NICE NG143)."""
        return self.fever == "yes" or (self.temperature_c is not None and self.temperature_c >= 38.0)

    @property
    def expected_wet_diapers(self) -> int | None:
        """The fewest wet diapers a day expected by age in days (days after the birth date): 1 at 1 day, 2 at 2
        days, 3 at 3-4 days (DAYLIFE), then 6 from 5 days (AAPNB); null on the day of birth."""
        day = self.age_days
        if day < 1:
            return None
        return min(day, 3) if day <= 4 else 6

    @property
    def expected_stools(self) -> int | None:
        """The fewest stools a day expected by age in days: 1 at 1-2 days, then 2 (DAYLIFE); null on the day of
        birth and after 6 weeks, when fewer stools can be normal."""
        day = self.age_days
        if day < 1 or day > 42:
            return None
        return 1 if day <= 2 else 2

    @property
    def amount_guards(self) -> list[AmountGuard]:
        """Why a daily milk amount or a step-down must not be computed for this baby; empty when none applies.
        These are the intake's own facts; red flags that fire in the library add theirs in the engine."""
        guards: list[AmountGuard] = []
        if self.age_days < AMOUNTS_FROM_DAY:
            guards.append("under_14_days")
        if self.below_birth_weight:
            guards.append("below_birth_weight")
        if self.preterm:
            guards.append("preterm")
        elif self.preterm is None:
            guards.append("gestation_unknown")
        if self.low_birth_weight:
            guards.append("low_birth_weight")
        elif self.low_birth_weight is None:
            guards.append("birth_weight_unknown")
        if self.current_weight_g is None:
            guards.append("weight_unknown")
        elif self.current_weight_g < LOW_BIRTH_WEIGHT_BELOW_G:
            guards.append("weight_under_2500_g")
        gain = self.weight_gain_g_per_day
        if gain is None:
            guards.append("gain_unknown")
        elif gain <= 0 or (self.age_weeks < 16 and gain < EXPECTED_GAIN_G_PER_DAY_UNDER_16_WEEKS):
            guards.append("gain_low")
        if not self._milk_documented:
            guards.append("no_milk_yet")
        return guards
