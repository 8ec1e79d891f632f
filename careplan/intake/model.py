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

import typing
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    EmailStr,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from careplan.intake.baby import Baby
from careplan.intake.care_team import CareTeamMember
from careplan.intake.common import SCHEMA_VERSION, SUPPORTED_MAJOR, Answer, CareDate, IntakeModel, Notes, weeks_of
from careplan.intake.health import BlendHerb, Health, Herb
from careplan.intake.low_supply import LowSupply
from careplan.intake.visit import Consent, Consult, FollowUp

_Date = date  # for models that also have a field called "date"

# --------------------------------------------------------------------------------------------------------------
# The parent
# --------------------------------------------------------------------------------------------------------------


class Parent(IntakeModel):
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
    date_of_birth: Annotated[CareDate | None, Field(title="parent's date of birth")] = None
    menopause: Annotated[
        Literal["no", "perimenopause", "postmenopause", "unknown"], Field(title="menopause status")
    ] = "unknown"
    notes: Notes = None

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


class Lactation(IntakeModel):
    ever_lactated: Annotated[Answer, Field(title="has ever made milk (any child)")] = "unknown"
    breastfed_this_baby: Annotated[Answer, Field(title="breastfed or expressed for this baby")] = "unknown"
    duration_weeks: Annotated[
        float | None, Field(title="weeks of breastfeeding or expressing for this baby", ge=0, le=260)
    ] = None
    last_milk_removal: Annotated[CareDate | None, Field(title="date of the last milk removal")] = None
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
    notes: Notes = None

    _on: date | None = PrivateAttr(default=None)
    _latest_expressed: float | None = PrivateAttr(default=None)
    _first_expressed: tuple[date, float] | None = PrivateAttr(default=None)
    _expressed_records: int = PrivateAttr(default=0)

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
        return weeks_of((self._on - self.last_milk_removal).days)

    @property
    def never_lactated(self) -> bool:
        """The parent has never made milk for any child (induced lactation)."""
        return self.ever_lactated == "no"

    @property
    def latest_expressed_ml_per_24h(self) -> float | None:
        """Milk expressed per 24 hours at the latest follow-up that recorded it; null when none did."""
        return self._latest_expressed

    @property
    def first_expressed(self) -> tuple[date, float] | None:
        """The earliest follow-up record of milk expressed per 24 hours (date, mL); null when none did."""
        return self._first_expressed

    @property
    def expressed_change_ml(self) -> float | None:
        """Milk expressed per 24 hours at the latest record minus the earliest (positive when the supply rose);
        null with fewer than two records."""
        if self._first_expressed is None or self._latest_expressed is None or self._expressed_records < 2:
            return None
        return round(self._latest_expressed - self._first_expressed[1], 1)

    @property
    def supply_rising(self) -> bool | None:
        """More milk expressed at the latest record than at the first; null with fewer than two records."""
        change = self.expressed_change_ml
        return None if change is None else change > 0

    @property
    def milk_documented(self) -> bool:
        """Milk is documented: more than drops come out now, or a follow-up recorded milk expressed."""
        return self.current_output == "some" or (self._latest_expressed or 0) > 0



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


class Situation(IntakeModel):
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
    return_to_work_date: Annotated[CareDate | None, Field(title="date of return to work")] = None
    stress: Annotated[Literal["low", "moderate", "high", "unknown"], Field(title="stress")] = "unknown"
    bedsharing: Annotated[
        Literal["never", "sometimes", "planned", "unknown"], Field(title="shares a bed with the baby")
    ] = "unknown"
    bed_hazards: Annotated[list[BedHazard], Field(title="sleep surface hazards")] = []
    notes: Notes = None


# Schema 1.1 added fluids, foods, exercise, metformin and moringa (asked in low-supply consults: L43, L44, L47, L48).
Topic = Literal["herbs", "prescription_medicine", "power_pumping", "bodywork", "co_bathing", "bedsharing", "fluids",
                "foods", "exercise", "metformin", "moringa"]


class Goals(IntakeModel):
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
    notes: Notes = None

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


# --------------------------------------------------------------------------------------------------------------
# The intake
# --------------------------------------------------------------------------------------------------------------


class Intake(IntakeModel):
    """A relactation consult intake."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_assignment=True,
        title="careplan relactation intake",
        json_schema_extra={"$comment": "Generated by `careplan schema`; do not edit by hand."},
    )

    schema_version: Annotated[str, Field(title="schema version", pattern=r"^\d+\.\d+$")] = SCHEMA_VERSION
    plan_type: Annotated[
        str,
        Field(
            title="plan type",
            pattern=r"^[a-z][a-z0-9-]*$",
            max_length=60,
            description="One of careplan's plan types (careplan.plantypes.available()).",
        ),
    ] = "relactation"
    record_id: Annotated[
        str | None,
        Field(
            title="record id",
            pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$",
            description="Set once when the intake is created (careplan interview writes a random one); its documents "
            "are named by it, so correcting a name keeps them together. Never a name or a health detail.",
        ),
    ] = None
    consult: Annotated[Consult, Field(title="consult")]
    parent: Annotated[Parent, Field(title="parent")]
    babies: Annotated[list[Baby], Field(title="babies", min_length=1, max_length=8)]
    lactation: Annotated[Lactation, Field(title="lactation history")] = Lactation()
    health: Annotated[Health, Field(title="health")] = Health()
    situation: Annotated[Situation, Field(title="situation")] = Situation()
    goals: Annotated[Goals, Field(title="goals")] = Goals()
    consent: Annotated[Consent, Field(title="consent")] = Consent()
    care_team: Annotated[list[CareTeamMember], Field(title="care team", max_length=12)] = []
    progress: Annotated[list[FollowUp], Field(title="follow-up progress", max_length=200)] = []
    low_supply: Annotated[
        LowSupply, Field(title="low milk supply", description="Schema 1.1; only for plan_type low-supply.")
    ] = LowSupply()

    @model_serializer(mode="wrap")
    def _without_other_types_parts(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """An intake is written with the parts of its own plan type only: no empty low_supply block in a
        relactation intake."""
        data: dict[str, Any] = handler(self)
        if self.plan_type != "low-supply":
            data.pop("low_supply", None)
        return data

    @field_validator("schema_version")
    @classmethod
    def _supported_version(cls, value: str) -> str:
        if value.split(".")[0] != SUPPORTED_MAJOR:
            raise ValueError(f"version {value} is not supported; this careplan reads {SUPPORTED_MAJOR}.x")
        return value

    @field_validator("plan_type")
    @classmethod
    def _known_plan_type(cls, value: str) -> str:
        from careplan.plantypes import available

        known = available()
        if value not in known:
            raise ValueError(f"is not a plan type careplan knows (there are: {', '.join(known)})")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Intake:
        from careplan.intake.checks import problems as cross_field_problems

        problems = cross_field_problems(self)
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
        first = recorded[0] if recorded else None
        self.lactation._first_expressed = (
            None if first is None or first.expressed_ml_per_24h is None else (first.date, first.expressed_ml_per_24h)
        )
        self.lactation._expressed_records = len({p.date for p in recorded})
        for number, baby in enumerate(self.babies, start=1):
            baby._on = on
            baby._milk_documented = self.lactation.milk_documented or self.low_supply.milk_documented
            baby._progress_weights = [
                (p.date, p.baby_weight_g) for p in self.progress if p.baby == number and p.baby_weight_g is not None
            ]

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
