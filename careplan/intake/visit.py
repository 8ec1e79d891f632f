"""The visit: the consult itself (date, setting, region, the consultant's assessment, the next appointment), the
family's consent to email, and the progress measured at follow-ups."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from careplan.intake.baby import FeedingMethod
from careplan.intake.common import CareDate, IntakeModel, Notes

#: Where the consult takes place ('emergency' covers humanitarian and disaster settings).
Setting = Literal["home", "clinic", "virtual", "emergency"]
#: Where the family lives (drug regulators differ).
Jurisdiction = Literal["US", "CA", "UK", "EU", "AU", "NZ", "other", "unknown"]
#: Where a weight recorded at a follow-up was taken (scales differ, so a chart says which).
WeighedAt = Literal["this_visit", "doctor", "clinic", "pharmacy", "home_scale", "other", "unknown"]
#: What the baby wore on the scale.
WeighedHow = Literal["naked", "clean_diaper", "clothed", "unknown"]


class Consult(IntakeModel):
    date: Annotated[CareDate, Field(title="consult date")]
    visit: Annotated[Literal["first", "follow_up"], Field(title="visit type")] = "first"
    setting: Annotated[
        Setting,
        Field(title="setting", description="'emergency' covers humanitarian and disaster settings."),
    ] = "clinic"
    jurisdiction: Annotated[
        Jurisdiction,
        Field(title="country or region", description="Where the family lives; drug regulators differ."),
    ] = "unknown"
    next_visit: Annotated[CareDate | None, Field(title="next visit", description="The follow-up appointment.")] = None
    next_visit_time: Annotated[
        str | None,
        Field(
            title="time of the next visit",
            pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
            description="24-hour HH:MM; the plan prints it in the practice's clock.",
        ),
    ] = None
    first_visit: Annotated[
        CareDate | None,
        Field(title="date of the first visit", description="At a follow-up: when this course of care began."),
    ] = None
    reason: Annotated[
        str | None,
        Field(title="reason for the consult", min_length=1, max_length=300,
              description="In the consultant's words, for the doctors' letter (\"wants to relactate after ...\")."),
    ] = None
    duration_minutes: Annotated[int | None, Field(title="length of the consult (minutes)", ge=5, le=480)] = None
    assessment: Annotated[
        str | None,
        Field(
            title="what we saw today",
            max_length=1500,
            description="The consultant's own words for the family, printed in the plan as written.",
        ),
    ] = None


class Consent(IntakeModel):
    email_plan: Annotated[bool, Field(title="agreed to receive the plan by email")] = False
    unencrypted_email_accepted: Annotated[bool, Field(title="accepted unencrypted email after a warning")] = False
    recorded_on: Annotated[CareDate | None, Field(title="date consent was recorded")] = None
    share_with_care_team: Annotated[
        bool,
        Field(title="agreed to share with the care team",
              description="The family agreed that the consultant may write to the clinicians in the care team."),
    ] = False
    share_recorded_on: Annotated[CareDate | None, Field(title="date consent to share was recorded")] = None

    @model_validator(mode="after")
    def _needs_email_consent(self) -> Consent:
        if self.unencrypted_email_accepted and not self.email_plan:
            raise ValueError("unencrypted email was accepted but email was not agreed to")
        if self.share_recorded_on is not None and not self.share_with_care_team:
            raise ValueError("a date of consent to share is given but sharing was not agreed to")
        return self


class FollowUp(IntakeModel):
    date: Annotated[CareDate, Field(title="follow-up date")]
    baby: Annotated[int, Field(title="which baby (1 for the first)", ge=1, le=8)] = 1
    milk_removal_sessions_per_24h: Annotated[
        int | None, Field(title="milk-removal sessions per 24 hours", ge=0, le=30)
    ] = None
    expressed_ml_per_24h: Annotated[float | None, Field(title="milk expressed per 24 hours (mL)", ge=0, le=3000)] = None
    supplement_ml_per_24h: Annotated[float | None, Field(title="supplement per 24 hours (mL)", ge=0, le=2500)] = None
    supplement_methods: Annotated[list[FeedingMethod], Field(title="how the supplement is given")] = []
    feeds_at_breast_per_24h: Annotated[int | None, Field(title="feeds at the breast per 24 hours", ge=0, le=30)] = None
    baby_weight_g: Annotated[int | None, Field(title="baby's weight (grams)", ge=300, le=30000)] = None
    weighed_at: Annotated[WeighedAt, Field(title="where the baby was weighed")] = "unknown"
    weighed_how: Annotated[WeighedHow, Field(title="what the baby wore on the scale")] = "unknown"
    test_weight_transfer_g: Annotated[
        int | None,
        Field(
            title="milk taken at one feed by test weighing (grams)",
            ge=0,
            le=500,
            description="The baby's weight after one feed at the breast minus the weight before, on the same scale.",
        ),
    ] = None
    wet_diapers_24h: Annotated[int | None, Field(title="wet diapers per 24 hours", ge=0, le=40)] = None
    dirty_diapers_24h: Annotated[int | None, Field(title="dirty diapers per 24 hours", ge=0, le=40)] = None
    notes: Notes = None

    @model_validator(mode="after")
    def _weighing_described_only_with_a_weight(self) -> FollowUp:
        if self.baby_weight_g is None and (self.weighed_at != "unknown" or self.weighed_how != "unknown"):
            raise ValueError("where or how the baby was weighed is given but no weight (baby_weight_g)")
        return self
