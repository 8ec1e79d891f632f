"""The family's care team: the clinicians the consultant writes to (the baby's, the parent's, a prescriber), with
how to reach them. A letter goes only to a member of the care team, and only with the family's consent to share
(``consent.share_with_care_team``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import EmailStr, Field

from careplan.intake.common import IntakeModel

#: Whom a letter is for: the baby's clinician (paediatrician, family doctor), the parent's, or a prescriber.
CareRole = Literal["baby_clinician", "parent_clinician", "prescriber"]
#: Whom the clinician cares for.
CaresFor = Literal["babies", "parent", "family"]
PHONE_PATTERN = r"^\+?[0-9 ().\-]{5,40}$"


class CareTeamMember(IntakeModel):
    role: Annotated[
        CareRole,
        Field(title="role", description="Whose requests the clinician receives: the baby's, the parent's, or a "
              "prescriber's (medicines)."),
    ]
    cares_for: Annotated[CaresFor, Field(title="cares for")] = "family"
    name: Annotated[str, Field(title="clinician's name", min_length=1, max_length=200)]
    practice: Annotated[str | None, Field(title="practice or clinic", min_length=1, max_length=200)] = None
    phone: Annotated[str | None, Field(title="phone", max_length=40, pattern=PHONE_PATTERN)] = None
    fax: Annotated[str | None, Field(title="fax", max_length=40, pattern=PHONE_PATTERN)] = None
    email: Annotated[EmailStr | None, Field(title="email")] = None
