"""Answers that each pass on their own but disagree with one another ("fed at the breast" and "does not latch").

They are not errors: a family's situation can be in between (a baby who latches now and then), so the intake
stays valid. The interview shows them before the consultant saves, so one of the two is corrected or both are
meant; ``careplan validate`` lists them as notes. Each line names the fields and never repeats what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from careplan.intake.baby import Baby
    from careplan.intake.model import Intake

SUPPLEMENTS = {"expressed_breast_milk", "donor_milk", "formula"}


def _babies(intake: Intake) -> Iterator[tuple[str, Baby]]:
    for index, baby in enumerate(intake.babies):
        yield (f"babies[{index + 1}]" if len(intake.babies) > 1 else "babies[1]"), baby


def fed_at_the_breast(intake: Intake) -> Iterator[str]:
    for where, baby in _babies(intake):
        at_breast = "direct_breastfeeding" in baby.feeding.milk
        if at_breast and baby.latches == "no":
            yield f"{where}: feeding.milk says fed at the breast, but latches says no"
        if at_breast and "breast_refusal" in baby.concerns:
            yield f"{where}: feeding.milk says fed at the breast, but concerns say the baby refuses the breast"


def supplement(intake: Intake) -> Iterator[str]:
    for where, baby in _babies(intake):
        given = SUPPLEMENTS & set(baby.feeding.milk)
        amount = baby.feeding.supplement_ml_per_24h
        if given and amount == 0:
            yield f"{where}: feeding.milk names a supplement, but feeding.supplement_ml_per_24h is 0"
    if intake.goals.reduce_supplement == "yes" and not any(SUPPLEMENTS & set(b.feeding.milk) for b in intake.babies):
        yield "goals.reduce_supplement is yes, but no baby is given a supplement (feeding.milk)"


def milk_now(intake: Intake) -> Iterator[str]:
    if intake.lactation.current_output == "none" and any(
        "expressed_breast_milk" in b.feeding.milk for b in intake.babies
    ):
        yield "lactation.current_output is none, but a baby is given expressed breast milk (feeding.milk)"


CHECKS: tuple[Callable[[Intake], Iterator[str]], ...] = (fed_at_the_breast, supplement, milk_now)


def contradictions(intake: Intake) -> list[str]:
    """Every pair of answers that disagree, one line each, in the order of the form."""
    return [line for check in CHECKS for line in check(intake)]
