"""The library's parameters: values a rule needs that no source settles, so a practice sets them.

Expressions read them as ``parameters.<name>`` (for example ``baby.age_days >= parameters.no_milk_refer_day``); a
text shows one through a param (``days: "parameters.recheck_days"``). A library file may set any of them under
``parameters:``; a later folder (a practice's) wins. Each default is a conservative choice made here, listed for a
clinician's review in the low-supply library's README (the brief's §9, item 10): earlier reassessment, a lower
depression-screen cut-off, an earlier referral when the milk has not come in, a longer watch on birth risk factors.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Parameters(BaseModel):
    """Every parameter a library can read, with its default and its range."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recheck_days: Annotated[
        int,
        Field(
            ge=1,
            le=60,
            description="Days until the plan is looked at again (L38, L42). No source gives an interval; the baby's "
            "doctor sets weight checks.",
        ),
    ] = 5
    epds_cutoff: Annotated[
        int,
        Field(
            ge=1,
            le=30,
            description="Edinburgh score at or above which the plan refers for mental health (L19). Studies used 10 "
            "(CHINA22) and 13 (WATKINS11); the lower is the default.",
        ),
    ] = 10
    no_milk_refer_day: Annotated[
        int,
        Field(
            ge=2,
            le=28,
            description="Baby's age in days from which milk that has not come in is referred (L11). Late milk is "
            "defined as after 72 hours (DEWEY03, NR10); the only day seen is a consumer page's 'third or fourth day'.",
        ),
    ] = 4
    risk_window_days: Annotated[
        int,
        Field(
            ge=1,
            le=365,
            description="How many days after the birth the birth risk factors for late milk are shown (L39).",
        ),
    ] = 28


DEFAULTS = Parameters()
