"""What a letter's request may not say: a dose, or an order. The loader refuses both (careplan never gives a drug
dose, and a consultant asks a clinician, never tells one), for the shipped library and a practice's alike."""

from __future__ import annotations

import re

#: Words that name a medicine, a herb or a dose form: a figure near one of these is a dose.
_DRUG = (
    r"(?:medicines?|medications?|drugs?|doses?|dosing|tablets?|pills?|capsules?|syrup|suspension|solution|"
    r"galactogogues?|domperidone|metoclopramide|sulpiride|cabergoline|bromocriptine|levothyroxine|thyroxine|"
    r"estrogen|oestrogen|progest\w*|contracepti\w*|herbs?|fenugreek|goat's rue|alfalfa|thistle|shatavari|"
    r"moringa|lithium|amiodarone|methotrexate|ibuprofen|paracetamol|acetaminophen|NSAIDs?|\{names\}|\{herbs\})"
)
#: A dose: a figure with a unit only a medicine takes (mg, mcg, µg, IU, units, tablets, capsules, drops, puffs,
#: sachets); grams or millilitres a day, or a volume in mL, or "N times a day", "once/twice daily" near a medicine
#: word (within about 40 characters either side). A baby's weight (2,500 g), its gain (20 g a day), hours, days,
#: weeks, percentages, temperatures and milk volumes without a medicine word are not doses.
_UNIT_DOSE = re.compile(
    r"(?:\d|\b(?:one|two|three|four|half\s+a)\b)\s*"
    r"(?:mg|mcg|µg|μg|ug|ng|milligrams?|micrograms?|IU|international\s+units?|units?|tablets?|"
    r"capsules?|caps|drops|puffs?|sachets?|ampoules?)\b",
    re.IGNORECASE,
)
_NEAR_DRUG = re.compile(
    rf"{_DRUG}[^.;]{{0,40}}?(?:\d[\d,.]*\s*(?:g|grams?|mL|ml|millilitres?|milliliters?)\b"
    r"|\b(?:\d+|one|two|three|four)\s*(?:x|times?)\s*(?:a|per|each)\s*day|\b(?:once|twice|thrice)\s+(?:a\s+day|daily)"
    r"|\b\d+\s*(?:x|times?)\s+daily|\bevery\s+\d+\s*(?:h|hours?)\b)"
    rf"|(?:\d[\d,.]*\s*(?:g|grams?|mL|ml|millilitres?|milliliters?)\b|\b(?:once|twice|thrice)\s+(?:a\s+day|daily)"
    rf"|\b(?:\d+|one|two|three|four)\s*(?:x|times?)\s*(?:a|per|each)\s*day|\b\d+\s*(?:x|times?)\s+daily)"
    rf"[^.;]{{0,40}}?{_DRUG}",
    re.IGNORECASE,
)
#: An order, not a request: "must", "prescribe", "start her on".
_ORDER = re.compile(r"\b(?:must|prescribe|start (?:her|him|them) on|you should give)\b", re.IGNORECASE)
#: How every request opens.
REQUEST_OPENINGS = ("Please consider ", "Please review ", "We would value ")


def find_dose(text: str) -> str | None:
    """The first dose in ``text`` (a figure with a medicine's unit, or an amount or frequency near a medicine
    word), or None."""
    found = _UNIT_DOSE.search(text) or _NEAR_DRUG.search(text)
    return found.group(0) if found else None




def find_order(text: str) -> str | None:
    """The first word of an order in ``text`` ("must", "prescribe", ...), or None."""
    found = _ORDER.search(text)
    return found.group(0) if found else None
