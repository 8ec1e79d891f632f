"""Typed answers and the values they stand for: grams from kg or lb/oz, weeks+days, loose dates; and values shown back.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from careplan.interview.fields import MISSING

if TYPE_CHECKING:
    from careplan.interview.form import Question

LB_OZ = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:lbs?|#))?\s*(?:(\d+(?:\.\d+)?)\s*oz)?$", re.IGNORECASE)


METRIC = re.compile(r"^(\d+(?:\.\d+)?)\s*(kg|g)$", re.IGNORECASE)


WEEKS_DAYS = re.compile(r"^(\d{1,2})\s*\+\s*([0-6])$")


LOOSE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class AnswerError(ValueError):
    """A typed answer that is not acceptable; the message is for the consultant."""


def plain_message(error: Any) -> str:
    """A Pydantic error in plain words; never repeats the input."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    plain = {
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "greater_than": f"must be more than {ctx.get('gt')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "less_than": f"must be less than {ctx.get('lt')}",
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


def parse_answer(question: Question, raw: Any, today: date) -> Any:
    """Turn what was typed or picked into the field's value in JSON form, or raise :class:`AnswerError`."""
    if isinstance(raw, str):
        text = raw.strip()
        if text == "":
            if question.nullable:
                return None
            raise AnswerError("an answer is needed here")
        value: Any = text
        if question.kind == "date":
            value = parse_date(text, today)
        elif question.spec.input == "weight":
            value = parse_grams(text)
        elif question.spec.input == "weeks":
            match = WEEKS_DAYS.match(text)
            if match:
                value = round(int(match.group(1)) + int(match.group(2)) / 7, 1)
        if question.kind in ("int", "float") and isinstance(value, str) and "," in value:
            raise AnswerError("use a point for decimals and no thousands separator")
    else:
        value = raw
    try:
        return question.adapter.dump_python(question.adapter.validate_python(value), mode="json")
    except ValidationError as exc:
        raise AnswerError(plain_message(exc.errors(include_url=False, include_input=False)[0])) from None


def parse_date(text: str, today: date) -> Any:
    lowered = text.lower()
    if lowered in ("today", "t"):
        return today
    if lowered in ("yesterday", "y"):
        return today - timedelta(days=1)
    match = LOOSE_DATE.match(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise AnswerError("is not a real date") from None
    return text


def parse_grams(text: str) -> Any:
    metric = METRIC.match(text)
    if metric:
        number = float(metric.group(1))
        grams = number * 1000 if metric.group(2).lower() == "kg" else number
        return round(grams)
    if re.search(r"(lb|#|oz)", text, re.IGNORECASE):
        match = LB_OZ.match(text)
        if not match or not (match.group(1) or match.group(2)):
            raise AnswerError("write pounds and ounces as 7 lb 6 oz")
        pounds = float(match.group(1) or 0)
        ounces = float(match.group(2) or 0)
        return round(pounds * 453.59237 + ounces * 28.349523125)
    return text


def show_value(question: Question, value: Any) -> str:
    """An answer as the review shows it."""
    if value is None:
        return "not known" if question.nullable else "-"
    if question.kind == "select":
        return question.label(value)
    if question.kind == "checkbox":
        return ", ".join(question.label(v) for v in value) if value else "none"
    if question.kind == "confirm":
        return "yes" if value else "no"
    if question.spec.input == "weight":
        return f"{value} g"
    return number(value)


def number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def edit_text(question: Question, value: Any) -> str:
    """An answer as text to edit in a prompt."""
    if value is None or value is MISSING:
        return ""
    return number(value)
