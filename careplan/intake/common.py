"""What every intake model shares: the base model, the schema version, thresholds and the answer type."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = "1.1"  # 1.1: the low_supply block, more asked-about topics, breast surgery incision
SUPPORTED_MAJOR = "1"

#: Larger files are refused before parsing: a real intake is a few kilobytes.
MAX_INTAKE_BYTES = 2 * 1024 * 1024

Answer = Literal["yes", "no", "unknown"]

# Thresholds that define the computed flags, with their sources in the strategy library's terms.
PRETERM_BEFORE_WEEKS = 37.0
LOW_BIRTH_WEIGHT_BELOW_G = 2500
TERM_WEEKS = 40.0
DAYS_PER_MONTH = 30.4375


#: Control characters (C0, DEL and C1) other than tab and line feed: they would move a terminal's cursor, colour
#: its text or hide words in a plan, a message or a file name.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class IntakeModel(BaseModel):
    """Base for every intake model: unknown keys are errors, text is trimmed, control characters removed, and
    accents typed as separate marks composed (NFC), so every letter prints from careplan's own fonts."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _without_control_characters(cls, value: Any) -> Any:
        return unicodedata.normalize("NFC", _CONTROL.sub("", value)) if isinstance(value, str) else value


#: The consultant's short notes on one part of the consult (the parent, a baby, the history...), for the record:
#: kept in the intake, shown in the review, not printed in the parent's plan.
Notes = Annotated[
    str | None,
    Field(title="notes", description="The consultant's notes on this part of the consult.", min_length=1,
          max_length=500),
]


def weeks_of(days: int | float) -> float:
    return round(days / 7.0, 1)

def red_flags(flags: list[str], others: list[str]) -> dict[str, Any]:
    """Field metadata naming which values are red flags (each must be read by an urgent entry or a referral) and
    which are not; a test checks that together they cover every value the field can hold, so a value added later
    needs a decision and, if it is a red flag, a rule."""
    return {"x-red-flags": flags, "x-not-red-flags": others}


#: Any date an intake holds: a real calendar date in a span careplan can count in (a far date such as 9999-12-31
#: would overflow every "days since" and "weeks until").
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
#: A date as an intake writes it: ``YYYY-MM-DD`` (or a date object). Pydantic alone would also take a number as a
#: Unix timestamp (``0`` becomes 1970-01-01) or a datetime; an intake never means either.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_WRITTEN = "must be a date written as YYYY-MM-DD"


def iso_date_only(value: Any) -> date:
    """A date object, or a ``YYYY-MM-DD`` string read as one; anything else is an error in plain words (never
    repeating the value)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value.strip()):
        raise PydanticCustomError("date_written", DATE_WRITTEN)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError("date_real", "is not a real calendar date (written as YYYY-MM-DD)") from None


CareDate = Annotated[date, Field(ge=EARLIEST_DATE, le=LATEST_DATE), BeforeValidator(iso_date_only)]
