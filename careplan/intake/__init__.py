"""The intake: everything a consult records, validated (stage 1 of the pipeline).

The models are the single source of truth for types, ranges and messages: the interview, the JSON Schema and the
rule engine's type checks all derive from them. Modules: :mod:`.common` (base model, thresholds), :mod:`.baby`,
:mod:`.health` (with the medicine names careplan recognises), :mod:`.model` (the root :class:`Intake`, the consult,
the parent, lactation, situation, goals, consent and follow-up visits), :mod:`.load` (files) and
:mod:`.embedded` (the copy of the intake every plan PDF carries).
"""

from careplan.intake.baby import (
    AMOUNTS_FROM_DAY,
    AmountGuard,
    Baby,
    CurrentFeeding,
    DehydrationSign,
    FeedingConcern,
    FeedingMethod,
    Milk,
    SleepPlace,
    StoolColour,
    Vomiting,
    WeightCheck,
)
from careplan.intake.care_team import CareRole, CareTeamMember
from careplan.intake.common import MAX_INTAKE_BYTES, SCHEMA_VERSION, Answer
from careplan.intake.embedded import ATTACHMENT, embedded_intake, extract_intake
from careplan.intake.health import (
    Allergen,
    BlendHerb,
    BreastProblem,
    BreastSurgery,
    Condition,
    Health,
    Herb,
    Medication,
    MedicineClass,
    medicine_lexicon,
)
from careplan.intake.load import load_intake, parse_intake, read_intake_bytes
from careplan.intake.model import (
    BedHazard,
    Goals,
    Intake,
    Lactation,
    Parent,
    Situation,
    StopReason,
    Topic,
)
from careplan.intake.visit import Consent, Consult, FollowUp

__all__ = [
    "AMOUNTS_FROM_DAY",
    "ATTACHMENT",
    "MAX_INTAKE_BYTES",
    "SCHEMA_VERSION",
    "Allergen",
    "AmountGuard",
    "Answer",
    "Baby",
    "BedHazard",
    "BlendHerb",
    "BreastProblem",
    "BreastSurgery",
    "CareRole",
    "CareTeamMember",
    "Condition",
    "Consent",
    "Consult",
    "CurrentFeeding",
    "DehydrationSign",
    "FeedingConcern",
    "FeedingMethod",
    "FollowUp",
    "Goals",
    "Health",
    "Herb",
    "Intake",
    "Lactation",
    "Medication",
    "MedicineClass",
    "Milk",
    "Parent",
    "Situation",
    "SleepPlace",
    "StoolColour",
    "StopReason",
    "Topic",
    "Vomiting",
    "WeightCheck",
    "embedded_intake",
    "extract_intake",
    "load_intake",
    "medicine_lexicon",
    "parse_intake",
    "read_intake_bytes",
]
