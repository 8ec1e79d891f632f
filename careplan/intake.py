"""The intake: everything a relactation consult records, validated.

One public function, :func:`load_intake`, turns a JSON file into an :class:`Intake`. The models are the single
source of truth for types, ranges and messages: the interview, the JSON Schema and the rule engine's type checks
all derive from them.

Conventions:

* ``"unknown"`` is a valid answer wherever a consultant may not know. Numbers and dates that are not known are
  ``null``. Lists that may not have been asked (conditions, allergies, medicines, breast surgery) are ``null``
  when unknown and ``[]`` when the answer is "none".
* Values the rules need but that follow from others (ages, weeks since the last milk removal, weight change,
  preterm and low-birth-weight flags) are read-only properties, computed as of the consult date. They are never
  stored in the JSON.
"""

from __future__ import annotations

import json
import re
import typing
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from careplan.errors import InputError, describe_validation_error

SCHEMA_VERSION = "1.0"
SUPPORTED_MAJOR = "1"

#: Larger files are refused before parsing: a real intake is a few kilobytes.
MAX_INTAKE_BYTES = 2 * 1024 * 1024

Answer = Literal["yes", "no", "unknown"]
_Date = date  # for models that also have a field called "date"

# Thresholds that define the computed flags, with their sources in the strategy library's terms.
PRETERM_BEFORE_WEEKS = 37.0
LOW_BIRTH_WEIGHT_BELOW_G = 2500
TERM_WEEKS = 40.0
DAYS_PER_MONTH = 30.4375


class _Model(BaseModel):
    """Base for every intake model: unknown keys are errors, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)


def _weeks(days: int | float) -> float:
    return round(days / 7.0, 1)


# --------------------------------------------------------------------------------------------------------------
# The consult
# --------------------------------------------------------------------------------------------------------------


class Consult(_Model):
    date: Annotated[date, Field(title="consult date")]
    visit: Annotated[Literal["first", "follow_up"], Field(title="visit type")] = "first"
    setting: Annotated[
        Literal["home", "clinic", "virtual", "emergency"],
        Field(title="setting", description="'emergency' covers humanitarian and disaster settings."),
    ] = "clinic"
    jurisdiction: Annotated[
        Literal["US", "CA", "UK", "EU", "AU", "NZ", "other", "unknown"],
        Field(title="country or region", description="Where the family lives; drug regulators differ."),
    ] = "unknown"
    next_visit: Annotated[_Date | None, Field(title="next visit", description="The follow-up appointment.")] = None
    first_visit: Annotated[
        _Date | None,
        Field(title="date of the first visit", description="At a follow-up: when this course of care began."),
    ] = None


# --------------------------------------------------------------------------------------------------------------
# The parent
# --------------------------------------------------------------------------------------------------------------


class Parent(_Model):
    name: Annotated[str, Field(title="parent's name", min_length=1, max_length=200)]
    email: Annotated[EmailStr | None, Field(title="parent's email")] = None
    phone: Annotated[
        str | None,
        Field(title="parent's phone", max_length=40, pattern=r"^\+?[0-9 ().\-]{5,40}$"),
    ] = None
    preferred_language: Annotated[
        str,
        Field(
            title="preferred language",
            description="A language tag such as 'en' or 'es'.",
            pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        ),
    ] = "en"
    relationship: Annotated[
        Literal["birth_parent", "adoptive_parent", "non_gestational_parent", "grandparent", "other_carer"],
        Field(title="relationship to the baby"),
    ] = "birth_parent"
    age_years: Annotated[int | None, Field(title="parent's age in years", ge=10, le=80)] = None
    date_of_birth: Annotated[date | None, Field(title="parent's date of birth")] = None
    menopause: Annotated[
        Literal["no", "perimenopause", "postmenopause", "unknown"], Field(title="menopause status")
    ] = "unknown"

    _on: date | None = PrivateAttr(default=None)

    @property
    def age(self) -> int | None:
        """Age in whole years on the consult date (from the date of birth when given)."""
        if self.date_of_birth is not None and self._on is not None:
            dob, on = self.date_of_birth, self._on
            return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
        return self.age_years

    @property
    def is_parent(self) -> bool:
        """True for birth, adoptive and non-gestational parents; false for grandparents and other carers."""
        return self.relationship in ("birth_parent", "adoptive_parent", "non_gestational_parent")


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


def red_flags(flags: list[str], others: list[str]) -> dict[str, Any]:
    """Field metadata naming which values are red flags (each must be read by an urgent entry or a referral) and
    which are not; a test checks that together they cover every value the field can hold, so a value added later
    needs a decision and, if it is a red flag, a rule."""
    return {"x-red-flags": flags, "x-not-red-flags": others}

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
SleepPlace = Literal[
    "own_room",
    "separate_surface_in_parents_room",
    "sidecar_crib",
    "parents_bed",
    "sofa_or_armchair",
    "other",
    "unknown",
]


class WeightCheck(_Model):
    date: Annotated[date, Field(title="date weighed")]
    grams: Annotated[int, Field(title="weight in grams", ge=300, le=30000)]


class CurrentFeeding(_Model):
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


class Baby(_Model):
    name: Annotated[str, Field(title="baby's name", min_length=1, max_length=200)]
    birth_date: Annotated[date, Field(title="baby's birth date")]
    gestational_age_weeks: Annotated[float | None, Field(title="gestational age at birth (weeks)", ge=22, le=45)] = None
    birth_weight_g: Annotated[int | None, Field(title="birth weight (grams)", ge=300, le=7000)] = None
    current_weight_g: Annotated[int | None, Field(title="current weight (grams)", ge=300, le=30000)] = None
    weighed_on: Annotated[date | None, Field(title="date of the current weight")] = None
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
    wet_diapers_24h: Annotated[int | None, Field(title="wet diapers per 24 hours", ge=0, le=40)] = None
    dirty_diapers_24h: Annotated[int | None, Field(title="dirty diapers per 24 hours", ge=0, le=40)] = None
    dehydration_signs: Annotated[
        list[DehydrationSign],
        Field(
            title="signs of dehydration",
            json_schema_extra=red_flags(["dry_mouth", "sunken_fontanelle", "lethargy", "no_urine_12h"], []),
        ),
    ] = []
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
    jaundice_since: Annotated[date | None, Field(title="date the jaundice was first seen")] = None
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

    _on: date | None = PrivateAttr(default=None)
    _milk_documented: bool = PrivateAttr(default=False)

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
        return _weeks(self.age_days)

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
        """Average gain per day: from the latest earlier weight at least 5 days before the current one, or
        from birth once the baby was at least 14 days old when weighed (which under-reads, erring towards
        a referral)."""
        if self.current_weight_g is None or self.weighed_on is None:
            return None
        earlier = [w for w in self.earlier_weights if (self.weighed_on - w.date).days >= 5]
        if earlier:
            ref = max(earlier, key=lambda w: w.date)
            return round((self.current_weight_g - ref.grams) / (self.weighed_on - ref.date).days, 1)
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


# --------------------------------------------------------------------------------------------------------------
# Lactation history
# --------------------------------------------------------------------------------------------------------------

StopReason = Literal[
    "low_supply",
    "latch_difficulty",
    "pain",
    "baby_refused",
    "return_to_work",
    "illness_or_hospital",
    "medication",
    "advised_to_stop",
    "separation",
    "personal_choice",
    "other",
]


class Lactation(_Model):
    ever_lactated: Annotated[Answer, Field(title="has ever made milk (any child)")] = "unknown"
    breastfed_this_baby: Annotated[Answer, Field(title="breastfed or expressed for this baby")] = "unknown"
    duration_weeks: Annotated[
        float | None, Field(title="weeks of breastfeeding or expressing for this baby", ge=0, le=260)
    ] = None
    last_milk_removal: Annotated[date | None, Field(title="date of the last milk removal")] = None
    full_supply_before: Annotated[Answer, Field(title="had a full milk supply for this baby")] = "unknown"
    stop_reasons: Annotated[list[StopReason], Field(title="why breastfeeding stopped")] = []
    current_output: Annotated[Literal["none", "drops", "some", "unknown"], Field(title="what comes out now")] = (
        "unknown"
    )
    earlier_children: Annotated[int | None, Field(title="number of earlier children", ge=0, le=20)] = None
    earlier_children_breastfed: Annotated[int | None, Field(title="earlier children breastfed", ge=0, le=20)] = None
    breast_changes_in_pregnancy: Annotated[
        Literal["yes", "no", "not_pregnant", "unknown"], Field(title="breast changes in pregnancy")
    ] = "unknown"

    _on: date | None = PrivateAttr(default=None)
    _latest_expressed: float | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> Lactation:
        if (
            self.earlier_children is not None
            and self.earlier_children_breastfed is not None
            and self.earlier_children_breastfed > self.earlier_children
        ):
            raise ValueError("more earlier children breastfed than earlier children")
        if self.breastfed_this_baby == "no" and self.duration_weeks not in (None, 0):
            raise ValueError("a breastfeeding duration is given but the baby was never breastfed")
        return self

    @property
    def weeks_since_last_milk_removal(self) -> float | None:
        """Weeks from the last milk removal to the consult; null when unknown or never."""
        if self.last_milk_removal is None or self._on is None:
            return None
        return _weeks((self._on - self.last_milk_removal).days)

    @property
    def never_lactated(self) -> bool:
        """The parent has never made milk for any child (induced lactation)."""
        return self.ever_lactated == "no"

    @property
    def latest_expressed_ml_per_24h(self) -> float | None:
        """Milk expressed per 24 hours at the latest follow-up that recorded it; null when none did."""
        return self._latest_expressed

    @property
    def milk_documented(self) -> bool:
        """Milk is documented: more than drops come out now, or a follow-up recorded milk expressed."""
        return self.current_output == "some" or (self._latest_expressed or 0) > 0


# --------------------------------------------------------------------------------------------------------------
# Health
# --------------------------------------------------------------------------------------------------------------

Condition = Literal[
    "hypothyroidism",
    "hyperthyroidism",
    "pcos",
    "infertility",
    "diabetes_type_1",
    "diabetes_type_2",
    "gestational_diabetes",
    "insulin_resistance",
    "hypertension",
    "obesity",
    "severe_postpartum_haemorrhage",
    "milk_never_came_in",
    "no_periods_and_fatigue",
    "retained_placenta_suspected",
    "theca_lutein_cyst",
    "depression",
    "heart_rhythm_problem",
    "heart_disease",
    "lupus",
    "clotting_disorder",
    "asthma",
    "liver_disease",
    "kidney_disease",
    "malnutrition_moderate",
    "malnutrition_severe",
]
DIABETES: frozenset[str] = frozenset({"diabetes_type_1", "diabetes_type_2", "gestational_diabetes"})

MedicineClass = Literal[
    "estrogen_contraceptive",
    "progestin_only_contraceptive",
    "pseudoephedrine",
    "antidiabetic",
    "anticoagulant",
    "cabergoline",
    "bromocriptine",
    "thyroid_hormone",
    "qt_prolonging",
    "cyp3a4_inhibitor",
    "sedating",
    "metoclopramide",
    "domperidone",
    "antidepressant",
    "of_concern",
    "other",
]
Allergen = Literal[
    "peanut",
    "chickpea",
    "soy",
    "lupin",
    "other_legume",
    "ragweed",
    "daisy_family",
    "artichoke",
    "kiwi",
    "asparagus",
    "onion_family",
    "other",
]
#: What a blend's label can list: the herbs, without "blend" itself.
BlendHerb = Literal[
    "fenugreek",
    "goats_rue",
    "moringa",
    "shatavari",
    "alfalfa",
    "stinging_nettle",
    "blessed_thistle",
    "milk_thistle",
    "fennel",
    "other",
]
#: A herb taken or asked about: one of the herbs, or a blend of them.
Herb = Literal[BlendHerb, "blend"]

BreastProblem = Literal["mastitis", "breast_abscess", "nipple_damage", "red_hot_painful_area"]

SurgeryKind = Literal["reduction", "augmentation", "lumpectomy", "mastectomy", "biopsy", "nipple", "other"]


class BreastSurgery(_Model):
    kind: Annotated[SurgeryKind, Field(title="kind of breast surgery")]
    tissue_preserved: Annotated[
        Literal["full", "partial", "none", "unknown"],
        Field(title="tissue under the areola preserved", description="From the surgical report, if known."),
    ] = "unknown"
    year: Annotated[int | None, Field(title="year of surgery", ge=1950, le=2100)] = None


@cache
def medicine_lexicon() -> dict[str, tuple[str, ...]]:
    """Brand and generic names careplan recognises, mapped to the medicine classes the rules know.

    The list is data (``careplan/medicines.yaml``) so a practice can read it; matching is by whole word,
    case-insensitive.
    """
    raw = yaml.safe_load((files("careplan") / "medicines.yaml").read_text(encoding="utf-8"))
    return {str(name).lower(): tuple(classes) for name, classes in raw["names"].items()}


@cache
def _lexicon_pattern() -> re.Pattern[str]:
    """Every lexicon name as one whole-word pattern, longest names first so the longest match wins."""
    names = sorted(medicine_lexicon(), key=len, reverse=True)
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(n) for n in names) + r")(?![a-z])")


class Medication(_Model):
    name: Annotated[str, Field(title="medicine name", min_length=1, max_length=200)]
    classes: Annotated[
        list[MedicineClass],
        Field(
            title="medicine classes",
            description="Set by the consultant; careplan adds the ones it recognises.",
        ),
    ] = []
    status: Annotated[Literal["taking", "stopped"], Field(title="taking it now, or stopped")] = "taking"
    stopped_on: Annotated[date | None, Field(title="date it was stopped")] = None
    stop_reason: Annotated[str | None, Field(title="why it was stopped", max_length=300)] = None

    @model_validator(mode="after")
    def _stopped_details(self) -> Medication:
        if self.status == "taking" and (self.stopped_on is not None or self.stop_reason is not None):
            raise ValueError("a stop date or reason is given for a medicine still taken")
        return self

    @property
    def recognised(self) -> bool:
        """careplan knows what this medicine is: a class other than 'other', by name or set by hand."""
        return any(c != "other" for c in self.recognised_classes)

    @property
    def recognised_classes(self) -> list[MedicineClass]:
        """The classes set by hand plus those recognised from the name. The longest name that matches at a place
        wins, so a product listed with no class ("sudafed pe", phenylephrine) is not read as a shorter name in it
        ("sudafed", pseudoephedrine)."""
        found: set[MedicineClass] = set(self.classes)
        lexicon = medicine_lexicon()
        for match in _lexicon_pattern().finditer(self.name.lower()):
            found.update(typing.cast("tuple[MedicineClass, ...]", lexicon[match.group(1)]))
        return sorted(found)


class Health(_Model):
    conditions: Annotated[
        list[Condition] | None,
        Field(title="health conditions", description="null when not asked or not known; [] for none."),
    ] = None
    bmi: Annotated[float | None, Field(title="body mass index", ge=12, le=90)] = None
    breast_surgeries: Annotated[
        list[BreastSurgery] | None,
        Field(title="breast surgery", description="null when unknown; [] for none."),
    ] = None
    igt_signs: Annotated[
        list[
            Literal[
                "minimal_change_in_puberty",
                "marked_asymmetry",
                "widely_spaced",
                "tubular_or_cone_shaped",
            ]
        ],
        Field(title="signs of insufficient glandular tissue"),
    ] = []
    medications: Annotated[
        list[Medication] | None, Field(title="medicines", description="null when unknown; [] for none.")
    ] = None
    allergies: Annotated[
        list[Allergen] | None, Field(title="allergies", description="null when unknown; [] for none.")
    ] = None
    smokes: Annotated[Literal["no", "yes", "heavy", "unknown"], Field(title="parent smokes")] = "unknown"
    household_smoke: Annotated[Answer, Field(title="anyone in the home smokes")] = "unknown"
    alcohol: Annotated[Literal["none", "occasional", "regular", "heavy", "unknown"], Field(title="alcohol")] = "unknown"
    sedating_substances: Annotated[
        Answer,
        Field(title="sedating medicines or drugs", description="Sedating medicines, cannabis, opioids."),
    ] = "unknown"
    placenta_capsules: Annotated[Answer, Field(title="takes placenta capsules")] = "no"
    breast_problems: Annotated[
        list[BreastProblem] | None,
        Field(
            title="breast problems now",
            description="null when not asked or not known; [] for none.",
            json_schema_extra=red_flags(["mastitis", "breast_abscess", "nipple_damage", "red_hot_painful_area"], []),
        ),
    ] = None
    fever: Annotated[
        Answer, Field(title="parent has a fever now", json_schema_extra=red_flags(["yes"], ["no", "unknown"]))
    ] = "unknown"

    @property
    def breast_problem_list(self) -> list[BreastProblem]:
        return list(self.breast_problems or [])

    @property
    def condition_list(self) -> list[Condition]:
        """The conditions, with an unknown history read as none (check ``conditions_known`` too)."""
        return list(self.conditions or [])

    @property
    def conditions_known(self) -> bool:
        return self.conditions is not None

    @property
    def allergy_list(self) -> list[Allergen]:
        return list(self.allergies or [])

    @property
    def allergies_known(self) -> bool:
        return self.allergies is not None

    @property
    def medications_known(self) -> bool:
        return self.medications is not None

    @property
    def current_medications(self) -> list[Medication]:
        return [m for m in self.medications or [] if m.status == "taking"]

    @property
    def medicine_classes(self) -> list[MedicineClass]:
        """Every class of every medicine taken now, recognised or set by hand."""
        return sorted({c for m in self.current_medications for c in m.recognised_classes})

    @property
    def stopped_medicine_classes(self) -> list[MedicineClass]:
        """Every class of every medicine the parent has stopped."""
        return sorted({c for m in self.medications or [] if m.status == "stopped" for c in m.recognised_classes})

    def _names_with(self, wanted: set[str], stopped: bool = False) -> list[str]:
        chosen = [m for m in self.medications or [] if (m.status == "stopped") == stopped]
        return [m.name for m in chosen if wanted & set(m.recognised_classes)]

    @property
    def unrecognised_medicines(self) -> list[str]:
        """Names of medicines taken now that careplan does not know: they are named in the plan, never passed
        over."""
        return [m.name for m in self.current_medications if not m.recognised]

    @property
    def medicines_of_concern(self) -> list[str]:
        """Names of medicines taken now that need a prescriber's review while breastfeeding (LactMed)."""
        return self._names_with({"of_concern"})

    @property
    def qt_or_cyp3a4_medicines(self) -> list[str]:
        """Names of medicines taken now that prolong the QT interval or strongly inhibit CYP3A4."""
        return self._names_with({"qt_prolonging", "cyp3a4_inhibitor"})

    @property
    def stopped_thyroid_medicines(self) -> list[str]:
        """Names of thyroid medicines the parent has stopped."""
        return self._names_with({"thyroid_hormone"}, stopped=True)

    @property
    def surgery_kinds(self) -> list[SurgeryKind]:
        return sorted({s.kind for s in self.breast_surgeries or []})

    @property
    def diabetes(self) -> bool:
        return bool(DIABETES & set(self.condition_list))

    @property
    def reduction_tissue(self) -> Literal["full", "partial", "none", "unknown", "no_reduction"]:
        """Least tissue preserved in any breast reduction: full, partial, none, unknown, or 'no_reduction'."""
        kept = [s.tissue_preserved for s in self.breast_surgeries or [] if s.kind == "reduction"]
        if not kept:
            return "no_reduction"
        for level in ("none", "unknown", "partial", "full"):
            if level in kept:
                return level
        return "unknown"  # pragma: no cover - every level is listed above


# --------------------------------------------------------------------------------------------------------------
# Situation, goals, consent, progress
# --------------------------------------------------------------------------------------------------------------

BedHazard = Literal[
    "sofa_or_armchair",
    "waterbed_or_soft_mattress",
    "soft_bedding_or_pillows",
    "other_children_in_bed",
    "pets_in_bed",
    "gaps_near_bed",
]


class Situation(_Model):
    pump: Annotated[
        Literal["none", "manual", "single_electric", "double_electric", "hospital_grade", "unknown"],
        Field(title="breast pump"),
    ] = "unknown"
    supplementer: Annotated[
        Literal["has_one", "can_get_one", "no", "unknown"], Field(title="at-breast supplementer")
    ] = "unknown"
    support_at_home: Annotated[
        Literal["strong", "some", "little", "none", "unknown"], Field(title="support at home")
    ] = "unknown"
    returning_to_work: Annotated[Answer, Field(title="returning to work or study")] = "unknown"
    return_to_work_date: Annotated[date | None, Field(title="date of return to work")] = None
    stress: Annotated[Literal["low", "moderate", "high", "unknown"], Field(title="stress")] = "unknown"
    bedsharing: Annotated[
        Literal["never", "sometimes", "planned", "unknown"], Field(title="shares a bed with the baby")
    ] = "unknown"
    bed_hazards: Annotated[list[BedHazard], Field(title="sleep surface hazards")] = []


Topic = Literal["herbs", "prescription_medicine", "power_pumping", "bodywork", "co_bathing", "bedsharing"]


class Goals(_Model):
    goal: Annotated[
        Literal[
            "exclusive_breastfeeding",
            "partial_breastfeeding",
            "comfort_nursing",
            "expressed_milk",
            "any_milk",
            "unsure",
        ],
        Field(title="the family's goal"),
    ] = "unsure"
    in_own_words: Annotated[str | None, Field(title="the goal in the family's own words", max_length=2000)] = None
    what_matters_most: Annotated[str | None, Field(title="what matters most", max_length=2000)] = None
    herbs_interest: Annotated[Literal["yes", "no", "unsure"], Field(title="open to herbs")] = "no"
    herbs_taken: Annotated[list[Herb], Field(title="herbs already taken")] = []
    blend_herbs: Annotated[
        list[BlendHerb] | None,
        Field(
            title="herbs listed on the blend's label",
            description="For a blend: the herbs its label lists; null when the label is not known.",
        ),
    ] = None
    prescription_discussion: Annotated[
        Answer, Field(title="wants to discuss prescription options with a physician")
    ] = "no"
    reduce_supplement: Annotated[
        Literal["yes", "not_yet", "no", "not_asked"],
        Field(
            title="wants to reduce the supplement",
            description="Asked, never assumed: 'not_asked' plans no step-down.",
        ),
    ] = "not_asked"
    asked_about: Annotated[list[Topic], Field(title="topics the family asked about")] = []

    @model_validator(mode="after")
    def _blend_needs_blend(self) -> Goals:
        if self.blend_herbs is not None and "blend" not in self.herbs_taken:
            raise ValueError("the herbs of a blend are given but no blend is taken")
        return self

    @property
    def herbs_in_use(self) -> list[Herb]:
        """Every herb taken now, with a blend counted as the herbs its label lists (the blend itself stays when its
        label is not known)."""
        herbs = set(self.herbs_taken)
        if "blend" in herbs and self.blend_herbs is not None:
            herbs.discard("blend")
            herbs.update(typing.cast("list[Herb]", self.blend_herbs))
        return sorted(herbs)

    @property
    def blend_label_unknown(self) -> bool:
        return "blend" in self.herbs_taken and self.blend_herbs is None


class Consent(_Model):
    email_plan: Annotated[bool, Field(title="agreed to receive the plan by email")] = False
    unencrypted_email_accepted: Annotated[bool, Field(title="accepted unencrypted email after a warning")] = False
    recorded_on: Annotated[date | None, Field(title="date consent was recorded")] = None

    @model_validator(mode="after")
    def _needs_email_consent(self) -> Consent:
        if self.unencrypted_email_accepted and not self.email_plan:
            raise ValueError("unencrypted email was accepted but email was not agreed to")
        return self


class Progress(_Model):
    date: Annotated[date, Field(title="follow-up date")]
    baby: Annotated[int, Field(title="which baby (1 for the first)", ge=1, le=8)] = 1
    milk_removal_sessions_per_24h: Annotated[
        int | None, Field(title="milk-removal sessions per 24 hours", ge=0, le=30)
    ] = None
    expressed_ml_per_24h: Annotated[float | None, Field(title="milk expressed per 24 hours (mL)", ge=0, le=3000)] = None
    supplement_ml_per_24h: Annotated[float | None, Field(title="supplement per 24 hours (mL)", ge=0, le=2500)] = None
    baby_weight_g: Annotated[int | None, Field(title="baby's weight (grams)", ge=300, le=30000)] = None
    wet_diapers_24h: Annotated[int | None, Field(title="wet diapers per 24 hours", ge=0, le=40)] = None
    dirty_diapers_24h: Annotated[int | None, Field(title="dirty diapers per 24 hours", ge=0, le=40)] = None


# --------------------------------------------------------------------------------------------------------------
# The intake
# --------------------------------------------------------------------------------------------------------------


class Intake(_Model):
    """A relactation consult intake."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_assignment=True,
        title="careplan relactation intake",
        json_schema_extra={"$comment": "Generated by `careplan schema`; do not edit by hand."},
    )

    schema_version: Annotated[str, Field(title="schema version", pattern=r"^\d+\.\d+$")] = SCHEMA_VERSION
    plan_type: Annotated[Literal["relactation"], Field(title="plan type")] = "relactation"
    consult: Annotated[Consult, Field(title="consult")]
    parent: Annotated[Parent, Field(title="parent")]
    babies: Annotated[list[Baby], Field(title="babies", min_length=1, max_length=8)]
    lactation: Annotated[Lactation, Field(title="lactation history")] = Lactation()
    health: Annotated[Health, Field(title="health")] = Health()
    situation: Annotated[Situation, Field(title="situation")] = Situation()
    goals: Annotated[Goals, Field(title="goals")] = Goals()
    consent: Annotated[Consent, Field(title="consent")] = Consent()
    progress: Annotated[list[Progress], Field(title="follow-up progress", max_length=200)] = []

    @field_validator("schema_version")
    @classmethod
    def _supported_version(cls, value: str) -> str:
        if value.split(".")[0] != SUPPORTED_MAJOR:
            raise ValueError(f"version {value} is not supported; this careplan reads {SUPPORTED_MAJOR}.x")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Intake:
        on = self.consult.date
        # Each problem is reported at the field it concerns, on a line of its own.
        problems: list[tuple[tuple[int | str, ...], str]] = []

        def add(message: str, *loc: int | str) -> None:
            problems.append((loc, message))

        for index, baby in enumerate(self.babies):
            number = index + 1
            if baby.birth_date > on:
                add(f"baby {number} is born after the consult date", "babies", index, "birth_date")
            if baby.weighed_on is not None and baby.weighed_on > on:
                add(f"baby {number}'s weight is dated after the consult", "babies", index, "weighed_on")
            if baby.birth_date < date(on.year - 6, on.month, 1):
                add(f"baby {number} is over 5 years old; check the birth date", "babies", index, "birth_date")
        seen: dict[str, int] = {}
        for index, baby in enumerate(self.babies):
            key = " ".join(baby.name.split()).casefold()
            if key in seen:
                same = f"babies {seen[key]} and {index + 1} have the same name; give each baby its own name"
                add(same, "babies", index, "name")
            else:
                seen[key] = index + 1
        earliest_birth = min(b.birth_date for b in self.babies)
        removal = self.lactation.last_milk_removal
        if removal is not None:
            if removal > on:
                add("the last milk removal is dated after the consult", "lactation", "last_milk_removal")
            if removal < earliest_birth:
                before_birth = "the last milk removal is dated before the baby was born"
                add(before_birth, "lactation", "last_milk_removal")
        duration = self.lactation.duration_weeks
        if duration is not None and duration * 7 > (on - earliest_birth).days + 7:
            add("breastfeeding lasted longer than the baby's age", "lactation", "duration_weeks")
        if self.parent.date_of_birth is not None:
            if self.parent.date_of_birth > on:
                add("the parent's date of birth is after the consult", "parent", "date_of_birth")
            elif earliest_birth.year - self.parent.date_of_birth.year < 10:
                add(
                    "the parent's date of birth is less than 10 years before the baby's",
                    "parent",
                    "date_of_birth",
                )
        first = self.consult.first_visit
        if first is not None and first > on:
            add("the first visit is dated after this consult", "consult", "first_visit")
        for index, entry in enumerate(self.progress):
            if entry.date > on:
                add("a follow-up is dated after the consult", "progress", index, "date")
            if entry.baby > len(self.babies):
                add(
                    f"a follow-up names baby {entry.baby}, but there are {len(self.babies)}",
                    "progress",
                    index,
                    "baby",
                )
            elif entry.date < self.babies[entry.baby - 1].birth_date:
                add("a follow-up is dated before the baby's birth", "progress", index, "date")
        if self.situation.return_to_work_date is not None and self.situation.returning_to_work == "no":
            add(
                "a return-to-work date is given but returning to work is 'no'",
                "situation",
                "return_to_work_date",
            )
        if problems:
            # A ValidationError raised in a validator is merged into the outer one, each location kept.
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    {"type": PydanticCustomError("date_order", message), "loc": loc, "input": None}
                    for loc, message in problems
                ],
            )
        self._stamp()
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._stamp()

    def _stamp(self) -> None:
        """Give the nested models the consult date their computed values are measured from."""
        on = self.consult.date
        self.parent._on = on
        self.lactation._on = on
        recorded = [p for p in sorted(self.progress, key=lambda p: p.date) if p.expressed_ml_per_24h is not None]
        self.lactation._latest_expressed = recorded[-1].expressed_ml_per_24h if recorded else None
        for baby in self.babies:
            baby._on = on
            baby._milk_documented = self.lactation.milk_documented

    @property
    def course_start(self) -> _Date:
        """The day this course of care began: the first visit's date, else the earliest follow-up record, else
        this consult."""
        dates = [d for d in (self.consult.first_visit, *(p.date for p in self.progress)) if d is not None]
        return min([*dates, self.consult.date])

    # Computed values that span several parts of the intake ----------------------------------------------------

    @property
    def youngest_baby(self) -> Baby:
        return min(self.babies, key=lambda b: b.age_days)

    @property
    def twins_or_more(self) -> bool:
        return len(self.babies) > 1


def load_intake(path: str | Path) -> Intake:
    """Read and validate an intake JSON file.

    Raises :class:`~careplan.errors.InputError` with one line per problem, each naming the file and the field.
    The messages never repeat the values typed into the intake.
    """
    return parse_intake(read_intake_bytes(path, str(path)), str(path))


def read_intake_bytes(path: str | Path, label: str) -> bytes:
    """An intake file's bytes (at most the size limit plus one, so a huge file is refused without reading it),
    with one clear line, naming ``label``, when the file cannot be read."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(MAX_INTAKE_BYTES + 1)
    except FileNotFoundError:
        raise InputError([f"{label}: no such file"]) from None
    except IsADirectoryError:
        raise InputError([f"{label}: is a folder, not an intake file"]) from None
    except PermissionError:
        raise InputError([f"{label}: permission denied"]) from None
    except OSError as exc:
        raise InputError([f"{label}: cannot be read ({exc.strerror or 'I/O error'})"]) from None


def parse_intake(raw: bytes | str, label: str = "<intake>") -> Intake:
    """Validate intake JSON given as bytes or text; ``label`` names it in messages."""
    if len(raw) > MAX_INTAKE_BYTES:
        limit = MAX_INTAKE_BYTES // (1024 * 1024)
        raise InputError([f"{label}: file is too large (over {limit} MB); an intake is a few kilobytes"])
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError([f"{label}: not UTF-8 text (bad byte at position {exc.start})"]) from None
    else:
        text = raw
    if not text.strip():
        raise InputError([f"{label}: file is empty"])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([f"{label}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]) from None
    except RecursionError:
        raise InputError([f"{label}: not valid JSON: nested too deeply"]) from None
    if not isinstance(data, dict):
        raise InputError([f"{label}: the top level must be a JSON object {{...}}"])
    try:
        return Intake.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, Intake, label)) from None
