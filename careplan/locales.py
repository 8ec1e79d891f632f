"""The locale of a printed plan: units, weights, times, dates and spelling, for the US, the UK, Canada and Australia.

A locale is a separate axis from the plan's language. The plan is in English for all four presets; what changes is
how amounts, times and dates are printed and a few words are spelled. Text keyed by language is left as it is.

The presets:

* ``US``: volumes as ``60 mL (2 oz)``, weights as ``3,400 g (7 lb 8 oz)``, 12-hour clock, US spelling.
  The measure careplan computed (mL, grams) comes first, exact, for the clinician; the US conversion follows in
  brackets for the parent. US bottles are marked in both fl oz and mL, and US growth charts and scales show both, so
  a parent can read either number, and a clinician never has to undo a rounding.
* ``UK``: mL only, grams, 24-hour clock, UK spelling (nappy, paediatrician, colour).
* ``CA``: mL with oz, grams with lb-oz (Canadian parents meet both), 12-hour clock with Canadian "a.m."/"p.m." and
  Canadian dates from Babel, "diaper" spelling (``us``: Canadian usage keeps diaper, mom and pacifier).
* ``AU``: mL only, grams, 12-hour clock (am/pm), UK spelling (nappy).

The rules for numbers:

* Volumes: whole mL from 10 mL, one decimal below (``2.5 mL``). US fluid ounces (29.5735 mL) are rounded to the
  nearest half ounce and printed with a fraction (``1½ oz``); a positive amount under a quarter ounce reads
  ``under ½ oz``, never ``0 oz``.
* Weights: a baby's weight in grams (``3,400 g``), as scales and growth charts read; from 10 kg, kilograms to one
  decimal (``10.2 kg``). Imperial weights to the nearest ounce: ``7 lb 8 oz``, ``7 lb 0 oz``; under a pound,
  ``14 oz``.

The default (:func:`locale_for`): the practice's locale when its file sets one; otherwise the preset of the family's
country (the intake's ``consult.jurisdiction``) when that is US, UK, CA or AU; otherwise US.

Babel (about 30 ms to import) is imported inside the functions that use it, so ``careplan --help`` never loads it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal, get_args

PresetName = Literal["US", "UK", "CA", "AU"]
VolumeUnits = Literal["ml", "oz", "both"]
WeightUnits = Literal["metric", "imperial", "both"]
Clock = Literal[12, 24]
Spelling = Literal["us", "uk"]

PRESET_NAMES: tuple[str, ...] = get_args(PresetName)

#: One US fluid ounce in millilitres, and one avoirdupois ounce and pound in grams.
ML_PER_US_FL_OZ = 29.5735
GRAMS_PER_OZ = 28.349523125
OZ_PER_LB = 16


@dataclass(frozen=True)
class Locale:
    """How one plan prints amounts, times, dates and a few words. Build one with :func:`make_locale`."""

    preset: PresetName
    babel: str  # a Babel locale code: en_US, en_GB, en_CA, en_AU
    volume: VolumeUnits
    weight: WeightUnits
    clock: Clock
    spelling: Spelling


PRESETS: dict[str, Locale] = {
    "US": Locale("US", "en_US", volume="both", weight="both", clock=12, spelling="us"),
    "UK": Locale("UK", "en_GB", volume="ml", weight="metric", clock=24, spelling="uk"),
    "CA": Locale("CA", "en_CA", volume="both", weight="both", clock=12, spelling="us"),
    "AU": Locale("AU", "en_AU", volume="ml", weight="metric", clock=12, spelling="uk"),
}

#: The intake's jurisdiction (consult.jurisdiction) whose families get a preset by default.
#: A family's country to its preset. New Zealand reads like Australia (metric, nappies, day-month dates, 12-hour
#: clock); an English plan in the European Union follows British usage (metric, 24-hour clock, day-month dates).
JURISDICTION_PRESETS = {"US": "US", "UK": "UK", "CA": "CA", "AU": "AU", "NZ": "AU", "EU": "UK"}
DEFAULT_PRESET = "US"


def make_locale(
    preset: str,
    *,
    volume: VolumeUnits | None = None,
    weight: WeightUnits | None = None,
    clock: Clock | None = None,
    spelling: Spelling | None = None,
) -> Locale:
    """A preset with any of its fields overridden; an unknown preset or value is a ValueError naming the field."""
    if preset not in PRESETS:
        raise ValueError(f"unknown locale preset; use one of {', '.join(PRESET_NAMES)}")
    allowed = {"volume": VolumeUnits, "weight": WeightUnits, "clock": Clock, "spelling": Spelling}
    given = {"volume": volume, "weight": weight, "clock": clock, "spelling": spelling}
    for field, value in given.items():
        if value is not None and (isinstance(value, bool) or value not in get_args(allowed[field])):
            raise ValueError(f"locale {field} must be one of {', '.join(map(str, get_args(allowed[field])))}")
    base = PRESETS[preset]
    return Locale(
        base.preset,
        base.babel,
        volume=volume or base.volume,
        weight=weight or base.weight,
        clock=clock or base.clock,
        spelling=spelling or base.spelling,
    )


def locale_for(chosen: Locale | None, jurisdiction: str | None) -> Locale:
    """The locale for one family's plan: the practice's choice when it made one; otherwise the preset of the family's
    country (US, UK, CA, AU; New Zealand as Australia, the EU as the UK); otherwise (other, unknown, no intake) US."""
    if chosen is not None:
        return chosen
    return PRESETS[JURISDICTION_PRESETS.get(jurisdiction or "", DEFAULT_PRESET)]


# --------------------------------------------------------------------------------------------------------------
# Spelling: US words to UK ones, for the presets that use UK spelling
# --------------------------------------------------------------------------------------------------------------

#: US -> UK, whole words, chosen from what a lactation care plan says (the strategy library and the templates).
#: Left out on purpose: "program" (also the computer sense), "pediatrics" (journal and society names in citations),
#: "practice" (a noun in both; only the UK verb differs), "diapering" (no one UK word: "cloth diapering" is "using
#: cloth nappies"; reword the text instead), and -ize words (Oxford spelling keeps them; "World Health Organization").
# fmt: off
UK_SPELLINGS: dict[str, str] = {
    "diaper": "nappy", "diapers": "nappies",
    "pacifier": "dummy", "pacifiers": "dummies",
    "mom": "mum", "moms": "mums",
    "pediatrician": "paediatrician", "pediatricians": "paediatricians", "pediatric": "paediatric",
    "color": "colour", "colors": "colours", "colored": "coloured", "colorless": "colourless",
    "center": "centre", "centers": "centres", "centered": "centred",
    "fiber": "fibre", "fibers": "fibres",
    "estrogen": "oestrogen", "estrogens": "oestrogens", "estrogenic": "oestrogenic",
    "hemorrhage": "haemorrhage", "hemorrhages": "haemorrhages", "hemorrhaging": "haemorrhaging",
    "hemoglobin": "haemoglobin",
    "anemia": "anaemia", "anemic": "anaemic",
    "anesthesia": "anaesthesia", "anesthetic": "anaesthetic", "anesthetics": "anaesthetics",
    "cesarean": "caesarean",
    "diarrhea": "diarrhoea",
    "esophagus": "oesophagus", "esophageal": "oesophageal",
    "gynecologist": "gynaecologist",
    "behavior": "behaviour", "behaviors": "behaviours", "behavioral": "behavioural",
    "favor": "favour", "favorite": "favourite", "favorable": "favourable",
    "flavor": "flavour", "flavors": "flavours", "odor": "odour", "odors": "odours",
    "labor": "labour",
    "counseling": "counselling", "counselor": "counsellor", "counselors": "counsellors",
    "liter": "litre", "liters": "litres", "milliliter": "millilitre", "milliliters": "millilitres",
    "cozy": "cosy", "gray": "grey",
}
# fmt: on

#: Names that keep their spelling: brands and titles.
KEPT_NAMES = ("Diaper Genie",)


def _case_forms(word: str) -> tuple[str, str, str]:
    return word.lower(), word[:1].upper() + word[1:].lower(), word.upper()


def _match_case(typed: str, word: str) -> str:
    """``word`` in the case ``typed`` was in: lower, Title or UPPER (one letter is Title, not UPPER)."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@cache
def _spelling_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a US word glossed with its UK one, such as "pacifier (dummy)"; any US word), in lower, Title or UPPER case
    only, as whole words; the longest alternative first so "diapers" wins over "diaper"."""
    forms = sorted({form for us in UK_SPELLINGS for form in _case_forms(us)}, key=len, reverse=True)
    words = "|".join(map(re.escape, forms))
    kept = "(?i:" + "|".join(re.escape(name) for name in KEPT_NAMES) + ")"
    glossed = re.compile(rf"(?<![\w-]){kept}|\b({words})\b \((\w+)\)")
    single = re.compile(rf"(?<![\w-]){kept}|\b({words})\b")
    return glossed, single


def _respell_word(match: re.Match[str]) -> str:
    typed = match.group(1)
    if typed is None:  # a kept name
        return match.group(0)
    return _match_case(typed, UK_SPELLINGS[typed.lower()])


def _respell_glossed(match: re.Match[str]) -> str:
    """A US word glossed with its UK one, as in "pacifier (dummy)", says it twice: only the UK word stays. A gloss
    that says something else stays as typed."""
    uk = _respell_word(match)
    if match.group(1) is None or match.group(2).lower() != uk.lower():
        return match.group(0)
    return uk


def uk_spelling(text: str) -> str:
    """US spellings turned into UK ones, whole words only, keeping lower, Title and UPPER case; brand names kept."""
    glossed, single = _spelling_patterns()
    return single.sub(_respell_word, glossed.sub(_respell_glossed, text))


# --------------------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------------------

_HALF = "½"


def _check_amount(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number, zero or more")
    return float(value)


def _half_ounces(ml: float) -> int:
    """The volume in US fluid ounces, rounded half up to the nearest half ounce, counted in halves."""
    return math.floor(ml / ML_PER_US_FL_OZ * 2 + 0.5)


def _ounces_text(halves: int, babel_code: str) -> str:
    """``2``, ``1½``, ``½``: a count of half ounces as a number with a fraction (no unit)."""
    from babel.numbers import format_decimal

    whole, half = divmod(halves, 2)
    if whole == 0:
        return _HALF if half else "0"
    return format_decimal(whole, "#,##0", locale=babel_code) + (_HALF if half else "")


class Formatter:
    """Amounts, times, dates and words as one locale prints them."""

    def __init__(self, locale: Locale, language: str = "en") -> None:
        self.locale = locale
        self.language = language
        self.babel = babel_code(locale, language)
        self._say = None if language == "en" else _words(language)

    def _range(self, low: str, high: str) -> str:
        return f"{low} to {high}" if self._say is None else self._say("units.range", low=low, high=high)

    def _up_to(self, value: str) -> str:
        return f"up to {value}" if self._say is None else self._say("units.up_to", value=value)

    def _under(self, value: str) -> str:
        return f"under {value}" if self._say is None else self._say("units.under", value=value)

    # Volumes -------------------------------------------------------------------------------------------------

    def _ml(self, ml: float) -> str:
        """The number of mL: whole from 10 mL, one decimal below (``2.5``, ``5``), never ``0`` for a positive amount."""
        from babel.numbers import format_decimal

        if 0 < ml < 0.05:
            return self._under(format_decimal(0.1, "0.0", locale=self.babel))
        return format_decimal(ml, "#,##0" if ml >= 10 else "#,##0.#", locale=self.babel)

    def _oz(self, ml: float) -> str:
        halves = _half_ounces(ml)
        if ml > 0 and halves == 0:
            return self._under(f"{_HALF} oz")
        return f"{_ounces_text(halves, self.babel)} oz"

    def volume(self, ml: float) -> str:
        """``60 mL``, ``2 oz`` or ``60 mL (2 oz)``, as the locale's ``volume`` says."""
        ml = _check_amount(ml, "a volume")
        metric, imperial = f"{self._ml(ml)} mL", self._oz(ml)
        return {"ml": metric, "oz": imperial, "both": f"{metric} ({imperial})"}[self.locale.volume]

    def _oz_range(self, low: float, high: float) -> str:
        low_halves, high_halves = _half_ounces(low), _half_ounces(high)
        if high_halves == 0 or low_halves == high_halves:
            return self._oz(high)
        top = _ounces_text(high_halves, self.babel)
        if low_halves == 0:
            return self._up_to(f"{top} oz")
        return self._range(_ounces_text(low_halves, self.babel), f"{top} oz")

    def volume_range(self, low: float, high: float) -> str:
        """``60 to 90 mL``, ``2 to 3 oz`` or ``60 to 90 mL (2 to 3 oz)``; one amount when both ends print alike."""
        low, high = _check_amount(low, "a volume"), _check_amount(high, "a volume")
        if low > high:
            raise ValueError("the low end of a range is above the high end")
        low_ml, high_ml = self._ml(low), self._ml(high)
        metric = f"{high_ml} mL" if low_ml == high_ml else self._range(low_ml, f"{high_ml} mL")
        imperial = self._oz_range(low, high)
        return {"ml": metric, "oz": imperial, "both": f"{metric} ({imperial})"}[self.locale.volume]

    # Weights -------------------------------------------------------------------------------------------------

    def _metric_weight(self, grams: int) -> str:
        from babel.numbers import format_decimal

        if grams >= 10_000:
            return f"{format_decimal(grams / 1000, '#,##0.0', locale=self.babel)} kg"
        return f"{format_decimal(grams, '#,##0', locale=self.babel)} g"

    @staticmethod
    def _imperial_weight(grams: int) -> str:
        pounds, ounces = divmod(math.floor(grams / GRAMS_PER_OZ + 0.5), OZ_PER_LB)
        return f"{ounces} oz" if pounds == 0 else f"{pounds} lb {ounces} oz"

    def weight(self, grams: int) -> str:
        """``3,400 g``, ``7 lb 8 oz`` or ``3,400 g (7 lb 8 oz)``, as the locale's ``weight`` says."""
        value = _check_amount(grams, "a weight")
        whole = math.floor(value + 0.5)
        metric, imperial = self._metric_weight(whole), self._imperial_weight(whole)
        return {"metric": metric, "imperial": imperial, "both": f"{metric} ({imperial})"}[self.locale.weight]

    # Times and dates -----------------------------------------------------------------------------------------

    def time(self, value: str | dt.time) -> str:
        """``9:00 PM`` (12-hour, in the locale's own way: ``9:00 pm`` in Australia, ``9:00 p.m.`` in Canada) or
        ``21:00`` (24-hour), from a ``"HH:MM"`` string or a time."""
        from babel.dates import format_time

        moment = parse_time(value) if isinstance(value, str) else value
        pattern = _skeleton_pattern(self.babel, "hm" if self.locale.clock == 12 else "Hm")
        return format_time(moment, pattern, locale=self.babel)

    def long_date(self, day: dt.date) -> str:
        """``March 2, 2026`` (US, Canada) or ``2 March 2026`` (UK, Australia)."""
        from babel.dates import format_date

        return format_date(day, "long", locale=self.babel)

    def short_date(self, day: dt.date) -> str:
        """Month and day: ``Mar 2`` (US, Canada) or ``2 Mar`` (UK, Australia), in the locale's own pattern."""
        from babel.dates import format_date

        return format_date(day, _skeleton_pattern(self.babel, "MMMd"), locale=self.babel)

    # Words ---------------------------------------------------------------------------------------------------

    def spell(self, text: str) -> str:
        """The text in the locale's spelling: unchanged for ``us``, :func:`uk_spelling` for ``uk``."""
        return uk_spelling(text) if self.locale.spelling == "uk" and self.language == "en" else text

    def join(self, items: list[str]) -> str:
        """``a, b and c`` in the plan's language (Babel's list patterns: ``a, b y c`` in Spanish)."""
        from careplan.language.lists import join_words

        return join_words(list(items), self.babel)

    def filters(self) -> dict[str, Callable[..., str]]:
        """The formatter's methods by name, for a Jinja environment's filters."""
        return {
            "volume": self.volume,
            "volume_range": self.volume_range,
            "weight": self.weight,
            "time": self.time,
            "long_date": self.long_date,
            "short_date": self.short_date,
            "spell": self.spell,
        }


def _words(language: str) -> Callable[..., str]:
    from careplan.language.phrases import words

    return words(language)


#: Where Babel pairs a language with no region of the practice's locale, the region its plans are written for:
#: careplan's Spanish is Latin American, so a Spanish plan in Canada or the UK prints numbers as Latin America does
#: (es_419: 3,300 g; 1.5), not as Spain does (3.300 g; 1,5).
REGIONAL_DEFAULTS = {"es": "es_419"}


@cache
def babel_code(locale: Locale, language: str) -> str:
    """The Babel locale for a plan in ``language`` printed with ``locale``'s conventions: ``en_GB`` for an English
    plan in the UK, ``es_US`` for a Spanish one in the US; where Babel has no such pairing (``es_GB``), the
    language's region from :data:`REGIONAL_DEFAULTS` (``es_419``), else the language alone."""
    from babel import Locale as BabelLocale
    from babel.core import UnknownLocaleError

    if language == "en":
        return locale.babel
    territory = locale.babel.split("_")[-1]
    base = language.split("-")[0]
    for code in (f"{base}_{territory}", REGIONAL_DEFAULTS.get(base, base), base):
        try:
            BabelLocale.parse(code)
            return code
        except (UnknownLocaleError, ValueError):
            continue
    return locale.babel


@cache
def _skeleton_pattern(babel_code: str, skeleton: str) -> str:
    """The locale's own pattern for a CLDR skeleton: "hm" is en_US "h:mm a", "Hm" "HH:mm", "MMMd" en_GB "d MMM"."""
    from babel import Locale as BabelLocale

    return str(BabelLocale.parse(babel_code).datetime_skeletons[skeleton].pattern)


_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_time(text: str) -> dt.time:
    """A ``"HH:MM"`` (or ``"H:MM"``) 24-hour time; anything else is a ValueError."""
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise ValueError("a time must be HH:MM, from 00:00 to 23:59")
    return dt.time(int(found.group(1)), int(found.group(2)))
