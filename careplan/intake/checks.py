"""Checks across fields of an intake: dates in order and near the consult, one name per baby, follow-ups that
fit. One function per rule; each problem is reported at the field it concerns, with words that never repeat what
was typed."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from careplan.intake.model import Intake

#: A problem: where it is (the field's location) and what is wrong.
Problem = tuple[tuple[int | str, ...], str]

#: A gain over this between two weighings is not a real gain: a weight or a date was mistyped (issue 14's bound;
#: far above the gains of healthy breastfed babies).
MOST_GAIN_G_PER_DAY = 100

#: Consults careplan records are recent: an earlier consult date is a mistyped year.
EARLIEST_CONSULT = date(2000, 1, 1)


def years_from(on: date, years: int) -> date:
    """The same day ``years`` later (earlier when negative); 29 February becomes the 28th in a common year."""
    try:
        return on.replace(year=on.year + years)
    except ValueError:
        return on.replace(year=on.year + years, day=28)


def consult_dated(intake: Intake) -> Iterator[Problem]:
    if intake.consult.date < EARLIEST_CONSULT:
        yield ("consult", "date"), "the consult date is before 2000; check the year"


def babies_dated(intake: Intake) -> Iterator[Problem]:
    on = intake.consult.date
    for index, baby in enumerate(intake.babies):
        number = index + 1
        if baby.birth_date > on:
            yield ("babies", index, "birth_date"), f"baby {number} is born after the consult date"
        if baby.weighed_on is not None and baby.weighed_on > on:
            yield ("babies", index, "weighed_on"), f"baby {number}'s weight is dated after the consult"
        if baby.birth_date < date(on.year - 6, on.month, 1):
            yield ("babies", index, "birth_date"), f"baby {number} is over 5 years old; check the birth date"


def one_name_per_baby(intake: Intake) -> Iterator[Problem]:
    """Plans name each baby; two babies with one name (spaces and case aside) would share their items."""
    seen: dict[str, int] = {}
    for index, baby in enumerate(intake.babies):
        key = " ".join(baby.name.split()).casefold()
        if key in seen:
            message = f"babies {seen[key]} and {index + 1} have the same name; give each baby its own name"
            yield ("babies", index, "name"), message
        else:
            seen[key] = index + 1


def lactation_dated(intake: Intake) -> Iterator[Problem]:
    on = intake.consult.date
    earliest_birth = min(b.birth_date for b in intake.babies)
    removal = intake.lactation.last_milk_removal
    if removal is not None and removal > on:
        yield ("lactation", "last_milk_removal"), "the last milk removal is dated after the consult"
    if removal is not None and removal < earliest_birth:
        yield ("lactation", "last_milk_removal"), "the last milk removal is dated before the baby was born"
    duration = intake.lactation.duration_weeks
    if duration is not None and duration * 7 > (on - earliest_birth).days + 7:
        yield ("lactation", "duration_weeks"), "breastfeeding lasted longer than the baby's age"


def parent_dated(intake: Intake) -> Iterator[Problem]:
    born = intake.parent.date_of_birth
    if born is None:
        return
    if born > intake.consult.date:
        yield ("parent", "date_of_birth"), "the parent's date of birth is after the consult"
    elif min(b.birth_date for b in intake.babies).year - born.year < 10:
        yield ("parent", "date_of_birth"), "the parent's date of birth is less than 10 years before the baby's"
    elif born < years_from(intake.consult.date, -70):
        yield ("parent", "date_of_birth"), "the parent's date of birth is more than 70 years before the consult"


def visits_dated(intake: Intake) -> Iterator[Problem]:
    on = intake.consult.date
    first = intake.consult.first_visit
    if first is not None and first > on:
        yield ("consult", "first_visit"), "the first visit is dated after this consult"
    elif first is not None and first < years_from(on, -2):
        yield ("consult", "first_visit"), "the first visit is more than 2 years before this consult"
    for index, entry in enumerate(intake.progress):
        if entry.date > on:
            yield ("progress", index, "date"), "a follow-up is dated after the consult"
        if entry.baby > len(intake.babies):
            count = len(intake.babies)
            yield ("progress", index, "baby"), f"a follow-up names baby {entry.baby}, but there are {count}"
        elif entry.date < intake.babies[entry.baby - 1].birth_date:
            yield ("progress", index, "date"), "a follow-up is dated before the baby's birth"


def weights_possible(intake: Intake) -> Iterator[Problem]:
    """Each baby's weighings in date order (birth, earlier weights, the current weight, follow-up records): a gain
    of over 100 g a day from one to the next is refused at the later weighing. Weighings on the same day are not
    compared (scales differ); a loss is for the rules to read, not an error."""
    for index, baby in enumerate(intake.babies):
        weighings: list[tuple[date, int, tuple[int | str, ...]]] = []
        if baby.birth_weight_g is not None:
            weighings.append((baby.birth_date, baby.birth_weight_g, ("babies", index, "birth_weight_g")))
        for number, check in enumerate(baby.earlier_weights):
            weighings.append((check.date, check.grams, ("babies", index, "earlier_weights", number, "grams")))
        if baby.current_weight_g is not None and baby.weighed_on is not None:
            weighings.append((baby.weighed_on, baby.current_weight_g, ("babies", index, "current_weight_g")))
        for number, entry in enumerate(intake.progress):
            if entry.baby == index + 1 and entry.baby_weight_g is not None:
                weighings.append((entry.date, entry.baby_weight_g, ("progress", number, "baby_weight_g")))
        weighings.sort(key=lambda w: w[0])
        for (before, grams_before, _), (after, grams, where) in itertools.pairwise(weighings):
            days = (after - before).days
            if days > 0 and (grams - grams_before) / days > MOST_GAIN_G_PER_DAY:
                yield where, (
                    f"baby {index + 1} gains over {MOST_GAIN_G_PER_DAY} g a day up to this weight, more than a baby "
                    "can; check this weight and its date, and the weighing before it"
                )


def next_visit_dated(intake: Intake) -> Iterator[Problem]:
    on, following = intake.consult.date, intake.consult.next_visit
    if following is None:
        return
    if following < on:
        yield ("consult", "next_visit"), "the next visit is dated before this consult"
    elif following > years_from(on, 1):
        yield ("consult", "next_visit"), "the next visit is more than a year after this consult"


def work_dated(intake: Intake) -> Iterator[Problem]:
    back = intake.situation.return_to_work_date
    if back is not None and intake.situation.returning_to_work == "no":
        yield ("situation", "return_to_work_date"), "a return-to-work date is given but returning to work is 'no'"
    elif back is not None and not years_from(intake.consult.date, -2) <= back <= years_from(intake.consult.date, 2):
        yield ("situation", "return_to_work_date"), "the return-to-work date is more than 2 years from the consult"


def low_supply_only_for_its_plan(intake: Intake) -> Iterator[Problem]:
    """The low-supply facts belong to a low-supply plan; on another plan type they would be read by nobody."""
    from careplan.intake.low_supply import LowSupply

    if intake.plan_type != "low-supply" and intake.low_supply != LowSupply():
        yield ("low_supply",), f"is only for a low-supply plan; this intake's plan type is {intake.plan_type}"


def test_weights_dated(intake: Intake) -> Iterator[Problem]:
    for index, weight in enumerate(intake.low_supply.test_weights):
        where = ("low_supply", "test_weights", index, "date")
        if weight.date > intake.consult.date:
            yield where, "is after the consult date"
        elif any(weight.date < baby.birth_date for baby in intake.babies):
            yield where, "is before the baby's birth date"


CHECKS: tuple[Callable[[Intake], Iterator[Problem]], ...] = (
    consult_dated,
    babies_dated,
    one_name_per_baby,
    lactation_dated,
    parent_dated,
    visits_dated,
    weights_possible,
    next_visit_dated,
    work_dated,
    low_supply_only_for_its_plan,
    test_weights_dated,
)


def problems(intake: Intake) -> list[Problem]:
    """Every problem across fields, in the order of the form."""
    return [problem for check in CHECKS for problem in check(intake)]
