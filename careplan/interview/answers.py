"""Typed answers and the values they stand for, and values shown back.

What a consultant may type:

* dates: ``YYYY-MM-DD`` always; ``today``/``t`` and ``yesterday``/``y``; and the practice locale's numeric form,
  month first in the US (``03/16/2026``), day first everywhere else (``16/03/2026``), with ``/``, ``-`` or ``.``,
  one- or two-digit day and month and a four-digit year. A bare number is never a date.
* weights (``input: weight``): grams (``3400``, ``3400 g``), kilograms (``3.4 kg``), pounds and ounces (``7 lb 6 oz``,
  ``7lb6oz``, ``7 pounds 6 ounces``, ``7 lbs``, ``118 oz``); stored in whole grams.
* volumes (``input: volume``): mL (``60``, ``60 mL``) or US fluid ounces (``2 oz``, ``2 fl oz``, ``1.5 ounces``);
  stored in mL, ounces rounded to a whole mL.
* gestation (``input: weeks``): ``39+2``, ``39w2d``, ``39 weeks 2 days`` or weeks (``39``, ``39.5``); stored in
  weeks to one decimal.

Values are shown back in the unit typed when it is known (``7 lb 6 oz (3,345 g)``), gestation as weeks+days
(``39+2``) and dates with the month spelled out (``12 April 1992``), so a day-month mix-up shows at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from careplan.interview.fields import MISSING

if TYPE_CHECKING:
    from careplan.interview.nodes import Question

#: One US fluid ounce in millilitres, one avoirdupois ounce in grams, ounces in a pound: careplan.locales' own
#: (the interview does not import the printing side; a test keeps them equal).
ML_PER_US_FL_OZ = 29.5735
GRAMS_PER_OZ = 28.349523125
OZ_PER_LB = 16

#: How a numeric date is read: month first (US) or day first (everywhere else).
DateOrder = Literal["MDY", "DMY"]
#: The family's countries (consult.jurisdiction) whose locale preset reads dates day first: careplan.locales'
#: JURISDICTION_PRESETS (NZ as AU, the EU as the UK); any other, or none, gets the default preset, the US's.
DAY_FIRST_JURISDICTIONS = frozenset({"UK", "CA", "AU", "NZ", "EU"})
#: The unit an amount was typed in: grams, kilograms or pounds and ounces; mL or US fluid ounces.
Unit = Literal["g", "kg", "lb", "ml", "oz"]

_NUMBER = r"(\d+(?:\.\d+)?)"
METRIC = re.compile(rf"^{_NUMBER}\s*(kg|kgs|kilos?|kilograms?|g|gm|gms|grams?)\.?$", re.IGNORECASE)
LB_OZ = re.compile(
    rf"^(?:{_NUMBER}\s*(?:lbs?|pounds?|#)\.?)?\s*,?\s*(?:and\s+)?(?:{_NUMBER}\s*(?:oz|ozs|ounces?)\.?)?$",
    re.IGNORECASE,
)
IMPERIAL_WORD = re.compile(r"lb|pound|#|oz|ounce", re.IGNORECASE)

MILLILITRES = re.compile(rf"^{_NUMBER}\s*(?:ml|mls|millilit(?:re|er)s?|cc)\.?$", re.IGNORECASE)
FLUID_OUNCES = re.compile(rf"^{_NUMBER}\s*(?:fl\.?\s*oz|fluid\s+ounces?|oz|ozs|ounces?)\.?$", re.IGNORECASE)
VOLUME_WORD = re.compile(r"ml|oz|ounce|lit|cc", re.IGNORECASE)

WEEKS_DAYS = re.compile(r"^(\d{1,2})\s*\+\s*(\d{1,2})$")
WEEKS_WORDS = re.compile(
    r"^(\d{1,2})\s*(?:w|wk|wks|weeks?)\.?(?:\s*,?\s*(?:and\s+)?(\d{1,2})\s*(?:d|days?)\.?)?$", re.IGNORECASE
)
WEEKS_WORD = re.compile(r"\+|[a-z]", re.IGNORECASE)

ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
LOCAL_DATE = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
SHORT_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$")

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class AnswerError(ValueError):
    """A typed answer that is not acceptable; the message is for the consultant."""


@dataclass(frozen=True)
class Typed:
    """An answer read from what was typed: its value in JSON form, and the unit it was typed in (amounts only)."""

    value: Any
    unit: Unit | None = None


def plain_message(error: Any) -> str:
    """A Pydantic error in plain words; never repeats the input."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    plain = {
        "greater_than_equal": f"must be at least {number(ctx.get('ge'))}",
        "greater_than": f"must be more than {number(ctx.get('gt'))}",
        "less_than_equal": f"must be at most {number(ctx.get('le'))}",
        "less_than": f"must be less than {number(ctx.get('lt'))}",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "int_type": "must be a whole number",
        "float_parsing": "must be a number",
        "float_type": "must be a number",
        "string_too_short": "cannot be empty",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_pattern_mismatch": "is not in the expected form",
        "date_from_datetime_parsing": "must be a date such as 2026-03-16 (year-month-day)",
        "date_parsing": "must be a date such as 2026-03-16 (year-month-day)",
        "date_type": "must be a date such as 2026-03-16 (year-month-day)",
        "too_short": f"needs at least {ctx.get('min_length')}",
        "too_long": f"can have at most {ctx.get('max_length')}",
    }
    if kind in plain:
        return plain[kind]
    message = str(error.get("msg", "is not valid"))
    if kind == "value_error" and "email" in message.lower():
        return "is not a valid email address"
    return message.removeprefix("Value error, ")


def date_order_for(preset: str | None, jurisdiction: str | None = None) -> DateOrder:
    """How the interview reads 04/12/1992: by the practice's locale preset when it sets one (month first for the US,
    day first for the others); else by the family's country when known; else the US's way, month first."""
    if preset is not None:
        return "MDY" if preset == "US" else "DMY"
    return "DMY" if jurisdiction in DAY_FIRST_JURISDICTIONS else "MDY"


# --------------------------------------------------------------------------------------------------------------
# Typed text -> value
# --------------------------------------------------------------------------------------------------------------


def parse_answer(question: Question, raw: Any, today: date, date_order: DateOrder = "MDY") -> Any:
    """Turn what was typed or picked into the field's value in JSON form, or raise :class:`AnswerError`."""
    return read_answer(question, raw, today, date_order).value


def read_answer(question: Question, raw: Any, today: date, date_order: DateOrder = "MDY") -> Typed:
    """The answer typed or picked, in JSON form, with the unit it was typed in; or :class:`AnswerError`."""
    unit: Unit | None = None
    if isinstance(raw, str):
        text = raw.strip()
        if text == "":
            if question.nullable:
                return Typed(None)
            raise AnswerError("an answer is needed here")
        value: Any = text
        if question.kind == "date":
            value = parse_date(text, today, date_order)
        elif question.spec.input == "weight":
            value, unit = parse_grams(text)
        elif question.spec.input == "volume":
            value, unit = parse_millilitres(text)
        elif question.spec.input == "weeks":
            value = parse_weeks(text)
        if question.kind in ("int", "float") and isinstance(value, str) and "," in value:
            raise AnswerError("use a point for decimals and no thousands separator")
    else:
        value = raw
    try:
        return Typed(question.adapter.dump_python(question.adapter.validate_python(value), mode="json"), unit)
    except ValidationError as exc:
        raise AnswerError(plain_message(exc.errors(include_url=False, include_input=False)[0])) from None


def date_example(date_order: DateOrder) -> str:
    return "03/16/2026" if date_order == "MDY" else "16/03/2026"


def date_hint(date_order: DateOrder) -> str:
    """The forms a date question takes, for its instruction line."""
    return f"{'MM/DD/YYYY' if date_order == 'MDY' else 'DD/MM/YYYY'}, YYYY-MM-DD or today"


def parse_date(text: str, today: date, date_order: DateOrder = "MDY") -> date:
    """A date from ``today``/``t``, ``yesterday``/``y``, ``YYYY-MM-DD`` or the locale's numeric form."""
    lowered = text.lower()
    if lowered in ("today", "t"):
        return today
    if lowered in ("yesterday", "y"):
        return today - timedelta(days=1)
    iso = ISO_DATE.match(text)
    if iso:
        return _real_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), "")
    local = LOCAL_DATE.match(text)
    if local:
        first, second, year = int(local.group(1)), int(local.group(3)), int(local.group(4))
        month, day = (first, second) if date_order == "MDY" else (second, first)
        how = "month/day/year" if date_order == "MDY" else "day/month/year"
        return _real_date(year, month, day, f" (read as {how})")
    if SHORT_YEAR.match(text):
        raise AnswerError(f"write the year with 4 digits, such as {date_example(date_order)}")
    raise AnswerError(f"write a date such as {date_example(date_order)} or 2026-03-16, or 'today'")


def _real_date(year: int, month: int, day: int, read_as: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise AnswerError(f"is not a real date{read_as}") from None


def parse_grams(text: str) -> tuple[Any, Unit]:
    """Grams from ``3400``, ``3400 g``, ``3.4 kg`` or pounds and ounces; a plain number is left for the field's own
    check (a whole number)."""
    metric = METRIC.match(text)
    if metric:
        kilos = metric.group(2).lower().startswith("k")
        number = float(metric.group(1))
        return round(number * 1000 if kilos else number), "kg" if kilos else "g"
    if not IMPERIAL_WORD.search(text):
        return text, "g"
    match = LB_OZ.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise AnswerError("write pounds and ounces as 7 lb 6 oz")
    pounds = float(match.group(1) or 0)
    ounces = float(match.group(2) or 0)
    if match.group(1) and ounces >= OZ_PER_LB:
        raise AnswerError("write the ounces after the pounds as 0 to 15, as in 7 lb 6 oz")
    return round(pounds * OZ_PER_LB * GRAMS_PER_OZ + ounces * GRAMS_PER_OZ), "lb"


def parse_millilitres(text: str) -> tuple[Any, Unit]:
    """mL from ``60``, ``60 mL`` or US fluid ounces (``2 oz``, ``2 fl oz``, ``1.5 ounces``, rounded to a whole mL); a
    plain number is left for the field's own check."""
    ml = MILLILITRES.match(text)
    if ml:
        return ml.group(1), "ml"
    ounces = FLUID_OUNCES.match(text)
    if ounces:
        return round(float(ounces.group(1)) * ML_PER_US_FL_OZ), "oz"
    if VOLUME_WORD.search(text):
        raise AnswerError("write an amount as 60 mL or 2 oz")
    return text, "ml"


def parse_weeks(text: str) -> Any:
    """Weeks (one decimal) from ``39+2``, ``39w2d``, ``39 weeks 2 days`` or ``39w``; plain weeks (``39``, ``39.5``)
    are left for the field's own check."""
    match = WEEKS_DAYS.match(text) or WEEKS_WORDS.match(text)
    if match is None:
        if WEEKS_WORD.search(text):
            raise AnswerError("write weeks and days as 39+2 (or 39w2d)")
        return text
    days = int(match.group(2) or 0)
    if days > 6:
        raise AnswerError("the days after the weeks must be 0 to 6 (39+6, then 40+0)")
    return round(int(match.group(1)) + days / 7, 1)


# --------------------------------------------------------------------------------------------------------------
# Value -> text
# --------------------------------------------------------------------------------------------------------------


def show_value(question: Question, value: Any, unit: Unit | None = None) -> str:
    """An answer as the review shows it; an amount in the unit it was typed in when that is known, else in grams
    or mL with the imperial amount after it."""
    if value is None:
        return "not known" if question.nullable else "-"
    if question.kind == "select":
        return question.label(value)
    if question.kind == "checkbox":
        return ", ".join(question.label(v) for v in value) if value else "none"
    if question.kind == "confirm":
        return "yes" if value else "no"
    if question.kind == "date" and isinstance(value, str):
        return show_date(value)
    if question.spec.input == "weight" and isinstance(value, int | float):
        return show_grams(round(value), unit)
    if question.spec.input == "volume" and isinstance(value, int | float):
        return show_millilitres(value, unit)
    if question.spec.input == "weeks" and isinstance(value, int | float):
        return weeks_days(value)
    return number(value)


def show_date(value: str) -> str:
    """``12 April 1992``: the month spelled out, never read the wrong way round."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def pounds_ounces(grams: int) -> str:
    """``7 lb 6 oz`` (to the nearest ounce); ``14 oz`` under a pound."""
    pounds, ounces = divmod(round(grams / GRAMS_PER_OZ), OZ_PER_LB)
    return f"{ounces} oz" if pounds == 0 else f"{pounds} lb {ounces} oz"


def show_grams(grams: int, unit: Unit | None = None) -> str:
    """``3,400 g``; ``3.4 kg (3,400 g)``; ``7 lb 6 oz (3,345 g)``; unit not known: ``3,345 g (7 lb 6 oz)``."""
    metric = f"{grams:,} g"
    if unit == "g":
        return metric
    if unit == "kg":
        return f"{number(round(grams / 1000, 3))} kg ({metric})"
    if unit == "lb":
        return f"{pounds_ounces(grams)} ({metric})"
    return f"{metric} ({pounds_ounces(grams)})"


def show_millilitres(ml: float, unit: Unit | None = None) -> str:
    """``60 mL``; ``2 oz (59 mL)``; unit not known: ``59 mL (2 oz)``."""
    metric = f"{_grouped(ml)} mL"
    ounces = f"{number(round(ml / ML_PER_US_FL_OZ, 1))} oz"
    if unit == "ml":
        return metric
    if unit == "oz":
        return f"{ounces} ({metric})"
    return f"{metric} ({ounces})"


def _grouped(amount: float) -> str:
    """``1,200``, ``60``, ``2.5``: thousands grouped, no ``.0``."""
    if float(amount).is_integer():
        return f"{int(amount):,}"
    return f"{amount:,}"


def weeks_days(weeks: float) -> str:
    """``39+2``: weeks and days, from weeks stored to one decimal."""
    whole, days = divmod(round(weeks * 7), 7)
    return f"{whole}+{days}"


def number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def edit_text(question: Question, value: Any) -> str:
    """An answer as text to edit in a prompt: what, typed again, gives the same value (gestation as 39+2 when it
    reads back the same, amounts in grams or mL, dates as YYYY-MM-DD)."""
    if value is None or value is MISSING:
        return ""
    if question.spec.input == "weeks" and isinstance(value, int | float) and not isinstance(value, bool):
        shown = weeks_days(value)
        if parse_weeks(shown) == value:
            return shown
    return number(value)
