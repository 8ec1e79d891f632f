"""The locale axis: every preset's volumes, weights, times, dates and spelling; the practice file's locale setting
and its errors; the default by the family's country; and that `careplan --help` never loads Babel."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careplan.errors import InputError
from careplan.intake import Consult
from careplan.locales import (
    ML_PER_US_FL_OZ,
    PRESETS,
    UK_SPELLINGS,
    Formatter,
    Locale,
    locale_for,
    make_locale,
    parse_time,
    uk_spelling,
)
from careplan.practice import STARTER, load_practice, template_data
from tests.conftest import ROOT

LIBRARY = ROOT / "careplan" / "plantypes" / "relactation" / "library"


def fmt(preset: str) -> Formatter:
    return Formatter(PRESETS[preset])


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "practice.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------------------
# The presets
# --------------------------------------------------------------------------------------------------------------


def test_the_four_presets() -> None:
    assert {name: (p.babel, p.volume, p.weight, p.clock, p.spelling) for name, p in PRESETS.items()} == {
        "US": ("en_US", "both", "both", 12, "us"),
        "UK": ("en_GB", "ml", "metric", 24, "uk"),
        "CA": ("en_CA", "both", "both", 12, "us"),
        "AU": ("en_AU", "ml", "metric", 12, "uk"),
    }
    assert all(p.preset == name for name, p in PRESETS.items())


VOLUMES = {
    "US": ["60 mL (2 oz)", "45 mL (1½ oz)", "15 mL (½ oz)", "5 mL (under ½ oz)", "2.5 mL (under ½ oz)", "0 mL (0 oz)",
           "1,000 mL (34 oz)"],
    "UK": ["60 mL", "45 mL", "15 mL", "5 mL", "2.5 mL", "0 mL", "1,000 mL"],
    "CA": ["60 mL (2 oz)", "45 mL (1½ oz)", "15 mL (½ oz)", "5 mL (under ½ oz)", "2.5 mL (under ½ oz)", "0 mL (0 oz)",
           "1,000 mL (34 oz)"],
    "AU": ["60 mL", "45 mL", "15 mL", "5 mL", "2.5 mL", "0 mL", "1,000 mL"],
}


@pytest.mark.parametrize("preset", PRESETS)
def test_volume(preset: str) -> None:
    assert [fmt(preset).volume(ml) for ml in (60, 45, 15, 5, 2.5, 0, 1000)] == VOLUMES[preset]


RANGES = {
    "US": ["60 to 90 mL (2 to 3 oz)", "5 to 30 mL (up to 1 oz)", "60 to 62 mL (2 oz)", "2 to 5 mL (under ½ oz)",
           "45 mL (1½ oz)"],
    "UK": ["60 to 90 mL", "5 to 30 mL", "60 to 62 mL", "2 to 5 mL", "45 mL"],
}
RANGES["CA"], RANGES["AU"] = RANGES["US"], RANGES["UK"]


@pytest.mark.parametrize("preset", PRESETS)
def test_volume_range(preset: str) -> None:
    got = [fmt(preset).volume_range(low, high) for low, high in ((60, 90), (5, 30), (60, 62), (2, 5), (45, 45))]
    assert got == RANGES[preset]


def test_volume_range_in_ounces_alone_and_with_halves() -> None:
    oz = Formatter(make_locale("US", volume="oz"))
    assert oz.volume_range(45, 90) == "1½ to 3 oz"
    assert oz.volume(60) == "2 oz"
    assert oz.volume(3) == "under ½ oz"


@pytest.mark.parametrize(("low", "high"), [(90, 60), (-1, 5), (math.nan, 5), (0, math.inf)])
def test_a_wrong_range_is_refused(low: float, high: float) -> None:
    with pytest.raises(ValueError, match=r"range|volume"):
        fmt("US").volume_range(low, high)


@pytest.mark.parametrize("value", [-1, math.nan, math.inf])
def test_a_wrong_amount_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="finite number"):
        fmt("UK").volume(value)


WEIGHTS = {
    "US": ["3,400 g (7 lb 8 oz)", "3,175 g (7 lb 0 oz)", "400 g (14 oz)", "12.3 kg (27 lb 3 oz)"],
    "UK": ["3,400 g", "3,175 g", "400 g", "12.3 kg"],
}
WEIGHTS["CA"], WEIGHTS["AU"] = WEIGHTS["US"], WEIGHTS["UK"]


@pytest.mark.parametrize("preset", PRESETS)
def test_weight(preset: str) -> None:
    assert [fmt(preset).weight(grams) for grams in (3400, 3175, 400, 12345)] == WEIGHTS[preset]


def test_imperial_weight_carries_sixteen_ounces_into_a_pound() -> None:
    imperial = Formatter(make_locale("UK", weight="imperial"))
    assert imperial.weight(3400) == "7 lb 8 oz"
    assert imperial.weight(3624) == "8 lb 0 oz"  # 127.8 oz rounds to 128 = 8 lb, never "7 lb 16 oz"
    assert imperial.weight(9999) == "22 lb 1 oz"
    assert Formatter(make_locale("US", weight="metric")).weight(9999) == "9,999 g"
    assert Formatter(make_locale("US", weight="metric")).weight(10_000) == "10.0 kg"


TIMES = {
    "US": ["9:00 AM", "12:00 PM", "9:30 PM", "12:00 AM"],
    "UK": ["09:00", "12:00", "21:30", "00:00"],
    "CA": ["9:00 a.m.", "12:00 p.m.", "9:30 p.m.", "12:00 a.m."],
    "AU": ["9:00 am", "12:00 pm", "9:30 pm", "12:00 am"],
}


@pytest.mark.parametrize("preset", PRESETS)
def test_time_morning_noon_evening_midnight(preset: str) -> None:
    f = fmt(preset)
    assert [f.time(text) for text in ("09:00", "12:00", "21:30", "00:00")] == TIMES[preset]
    assert [f.time(dt.time(h, m)) for h, m in ((9, 0), (12, 0), (21, 30), (0, 0))] == TIMES[preset]


def test_clock_override() -> None:
    assert Formatter(make_locale("US", clock=24)).time("21:30") == "21:30"
    assert Formatter(make_locale("UK", clock=12)).time("21:30") == "9:30 pm"
    assert fmt("US").time("9:05") == "9:05 AM"


@pytest.mark.parametrize("text", ["24:00", "9", "09:60", "9pm", "", "12:00:00", "-1:00"])
def test_a_wrong_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time(text)


DATES = {
    "US": ("March 2, 2026", "Mar 2", "Sep 12"),
    "UK": ("2 March 2026", "2 Mar", "12 Sept"),
    "CA": ("March 2, 2026", "Mar 2", "Sep 12"),
    "AU": ("2 March 2026", "2 Mar", "12 Sept"),
}


@pytest.mark.parametrize("preset", PRESETS)
def test_long_and_short_dates(preset: str) -> None:
    f = fmt(preset)
    long, short, september = DATES[preset]
    assert f.long_date(dt.date(2026, 3, 2)) == long
    assert f.short_date(dt.date(2026, 3, 2)) == short
    assert f.short_date(dt.date(2026, 9, 12)) == september


# --------------------------------------------------------------------------------------------------------------
# Spelling
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("us", "uk"),
    [
        ("Count the wet diapers.", "Count the wet nappies."),
        ("One diaper, two diapers", "One nappy, two nappies"),
        ("Diapers: DIAPERS, Diaper", "Nappies: NAPPIES, Nappy"),
        ("the diaper's tab; a diaper-free hour", "the nappy's tab; a nappy-free hour"),
        ("Call your pediatrician or a pediatric nurse.", "Call your paediatrician or a paediatric nurse."),
        ("Pediatricians see the color of the stool", "Paediatricians see the colour of the stool"),
        ("Mom and moms; MOM", "Mum and mums; MUM"),
        ("estrogen, Estrogen, estrogenic", "oestrogen, Oestrogen, oestrogenic"),
        ("hemorrhage, anemia, fiber, center, behavior, favor, labor", "haemorrhage, anaemia, fibre, centre, "
         "behaviour, favour, labour"),
        ("diarrhea; a cozy chair", "diarrhoea; a cosy chair"),
        ("instead of a pacifier (dummy).", "instead of a dummy."),
        ("Pacifiers (dummies) and a Pacifier (Dummy)", "Dummies and a Dummy"),
        ("a pacifier (soother)", "a dummy (soother)"),
        ("Use a pacifier", "Use a dummy"),
        ("8 ounces", "8 ounces"),
        ("the Diaper Genie (diaper pail)", "the Diaper Genie (nappy pail)"),
    ],
)
def test_uk_spelling(us: str, uk: str) -> None:
    assert uk_spelling(us) == uk
    assert fmt("UK").spell(us) == uk
    assert fmt("AU").spell(us) == uk
    assert fmt("US").spell(us) == us
    assert fmt("CA").spell(us) == us


@pytest.mark.parametrize(
    "kept",
    [
        "diapering",  # no one UK word ("cloth diapering" is "using cloth nappies"): left for the text to reword
        "Put it in the Diaper Genie.",  # a brand, in any case, and its plural
        "Two Diaper Genies; the DIAPER GENIE",
        "KellyMom",  # inside a word
        "wet_diapers_24h",  # a field name
        "momentum, recenter, colorful",  # longer words are not in the list
        "American Academy of Pediatrics. Pediatrics 2022;150:e1.",  # a society and a journal
        "a relactation program",  # program: the brief's choice, left alone
        "dIAPER",  # neither lower, Title nor UPPER
    ],
)
def test_whole_words_only_and_names_kept(kept: str) -> None:
    assert uk_spelling(kept) == kept


def test_the_spelling_list_is_lowercase_and_one_way() -> None:
    assert all(us == us.lower() and uk == uk.lower() for us, uk in UK_SPELLINGS.items())
    assert not set(UK_SPELLINGS) & set(UK_SPELLINGS.values())
    assert "ounces" not in UK_SPELLINGS and "program" not in UK_SPELLINGS


def test_the_library_and_templates_in_uk_spelling_keep_no_us_word() -> None:
    texts = [p.read_text(encoding="utf-8") for p in (*LIBRARY.glob("*.yaml"), *(ROOT / "templates").glob("*.html"))]
    respelled = uk_spelling("\n".join(texts))
    for word in ("diaper", "diapers", "pacifier", "pacifiers", "pediatrician", "color", "estrogen", "diarrhea"):
        assert not re.search(rf"\b{word}\b", respelled, re.IGNORECASE), word
    assert "dummy (dummy)" not in respelled


# --------------------------------------------------------------------------------------------------------------
# Choosing a locale: the default, presets with overrides
# --------------------------------------------------------------------------------------------------------------

JURISDICTIONS: tuple[str, ...] = typing.get_args(Consult.model_fields["jurisdiction"].annotation)


@pytest.mark.parametrize("jurisdiction", [*JURISDICTIONS, None])
def test_default_by_the_familys_country(jurisdiction: str | None) -> None:
    expected = {"NZ": "AU", "EU": "UK"}.get(str(jurisdiction), jurisdiction if jurisdiction in PRESETS else "US")
    assert locale_for(None, jurisdiction) == PRESETS[str(expected)]
    assert load_practice().locale_for(jurisdiction) == PRESETS[str(expected)]
    assert locale_for(PRESETS["AU"], jurisdiction) == PRESETS["AU"]  # the practice's choice wins


def test_every_jurisdiction_is_known() -> None:
    assert set(JURISDICTIONS) == {"US", "CA", "UK", "EU", "AU", "NZ", "other", "unknown"}


def test_make_locale_overrides_and_refuses() -> None:
    assert make_locale("CA", clock=24, spelling="uk") == Locale("CA", "en_CA", "both", "both", 24, "uk")
    assert make_locale("UK") == PRESETS["UK"]
    with pytest.raises(ValueError, match="unknown locale preset"):
        make_locale("FR")
    with pytest.raises(ValueError, match="locale clock"):
        make_locale("US", clock=13)  # type: ignore[arg-type]


def test_a_preset_in_the_practice_file(tmp_path: Path) -> None:
    practice = load_practice(write(tmp_path, 'locale = "UK"\n'))
    assert practice.locale_for("US") == PRESETS["UK"]  # the practice's locale, whatever the family's country
    assert template_data(practice)["locale"] == {
        "preset": "UK", "babel": "en_GB", "volume": "ml", "weight": "metric", "clock": 24, "spelling": "uk",
    }


def test_overrides_in_the_practice_file(tmp_path: Path) -> None:
    text = '[locale]\npreset = "CA"\nvolume = "ml"\nweight = "metric"\nclock = 24\nspelling = "uk"\n'
    chosen = load_practice(write(tmp_path, text)).locale_for("US")
    assert chosen == Locale("CA", "en_CA", volume="ml", weight="metric", clock=24, spelling="uk")
    f = Formatter(chosen)
    assert (f.volume(60), f.weight(3400), f.time("21:00"), f.long_date(dt.date(2026, 3, 2)), f.spell("diapers")) == (
        "60 mL", "3,400 g", "21:00", "March 2, 2026", "nappies",
    )
    only_clock = load_practice(write(tmp_path, '[locale]\npreset = "US"\nclock = 24\n')).locale_for(None)
    assert only_clock == make_locale("US", clock=24)


def test_no_locale_follows_the_family_in_template_data(tmp_path: Path) -> None:
    practice = load_practice(write(tmp_path, 'name = "Riverside"\n'))
    assert practice.locale is None
    assert template_data(practice, jurisdiction="AU")["locale"]["preset"] == "AU"
    assert template_data(practice, jurisdiction="NZ")["locale"]["preset"] == "AU"
    assert template_data(practice, jurisdiction="other")["locale"]["preset"] == "US"
    assert template_data(practice)["locale"]["preset"] == "US"
    assert template_data(practice)["paper"] == "A4"  # the paper size does not follow the locale


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('locale = "FR"\n', "locale › locale preset [locale.preset]: Input should be 'US', 'UK', 'CA' or 'AU'"),
        ('locale = "uk"\n', "locale › locale preset [locale.preset]: Input should be 'US', 'UK', 'CA' or 'AU'"),
        ("locale = 5\n", 'locale [locale]: must be a preset ("US", "UK", "CA" or "AU") or a [locale] table'),
        ('locale = ["US"]\n', 'locale [locale]: must be a preset ("US", "UK", "CA" or "AU") or a [locale] table'),
        ('[locale]\npreset = "UK"\nclock = 13\n', "locale › clock [locale.clock]: Input should be 12 or 24"),
        ('[locale]\npreset = "UK"\nclock = "24"\n', "locale › clock [locale.clock]: Input should be 12 or 24"),
        ('[locale]\npreset = "UK"\nvolume = "cups"\n',
         "locale › volumes [locale.volume]: Input should be 'ml', 'oz' or 'both'"),
        ('[locale]\npreset = "US"\nweight = "stone"\n',
         "locale › weights [locale.weight]: Input should be 'metric', 'imperial' or 'both'"),
        ('[locale]\npreset = "US"\nspelling = "ca"\n',
         "locale › spelling [locale.spelling]: Input should be 'us' or 'uk'"),
        ('[locale]\nvolume = "ml"\n', "locale › locale preset [locale.preset]: is required"),
        ('[locale]\npreset = "UK"\nunits = "metric"\n',
         "locale › units [locale.units]: is not a known field (check the spelling)"),
    ],
)
def test_a_bad_locale_is_one_line_naming_the_file_and_field(tmp_path: Path, text: str, line: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_practice(path)
    assert caught.value.lines == [f"{path}: {line}"]


def test_the_starter_examples_load(tmp_path: Path) -> None:
    assert load_practice(write(tmp_path, STARTER)).locale is None
    one_line = STARTER.replace('# locale = "US"', 'locale = "US"', 1)
    assert one_line != STARTER
    assert load_practice(write(tmp_path, one_line)).locale_for("UK") == PRESETS["US"]
    inline = re.sub(r"^# (locale = \{.*\})$", r"\1", STARTER, count=1, flags=re.MULTILINE)
    assert inline != STARTER
    practice = load_practice(write(tmp_path, inline))
    assert practice.locale_for("US") == make_locale("CA", volume="ml", weight="metric", clock=24, spelling="uk")
    assert practice.paper == "Letter"
    table = STARTER + '\n[locale]\npreset = "AU"\nclock = 24\n'  # as a table after the others
    assert load_practice(write(tmp_path, table)).locale_for(None) == make_locale("AU", clock=24)


# --------------------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------------------

AMOUNTS = st.floats(min_value=0, max_value=5000, allow_nan=False, allow_infinity=False, allow_subnormal=False)
OUNCES = re.compile(r"\(?(under )?(\d*)(½?) oz\)?$")


def ounces_printed(text: str) -> tuple[bool, float]:
    found = OUNCES.search(text)
    assert found is not None, text
    under, whole, half = found.groups()
    return under is not None, (int(whole) if whole else 0) + (0.5 if half else 0)


@given(ml=AMOUNTS)
def test_volume_never_prints_0_oz_for_a_positive_amount_and_oz_agree_with_ml(ml: float) -> None:
    text = fmt("US").volume(ml)
    if ml > 0:
        assert "(0 oz)" not in text
    under, ounces = ounces_printed(text)
    exact = ml / ML_PER_US_FL_OZ
    if under:
        assert 0 < exact < 0.25 and ounces == 0.5
    else:
        assert abs(ounces - exact) <= 0.25 + 1e-9
    printed_ml = float(text.split(" mL")[0].replace(",", "").replace("under ", ""))
    assert abs(printed_ml - ml) <= 0.5 + 1e-9


@given(low=AMOUNTS, high=AMOUNTS)
def test_volume_range_never_prints_0_oz_for_a_positive_end(low: float, high: float) -> None:
    low, high = min(low, high), max(low, high)
    text = fmt("CA").volume_range(low, high)
    if high > 0:
        assert not re.search(r"\(0\b", text), text
    assert text.count("(") == 1 and text.endswith("oz)")


@given(grams=st.integers(min_value=0, max_value=30_000))
def test_imperial_weight_agrees_with_grams(grams: int) -> None:
    text = Formatter(make_locale("US", weight="imperial")).weight(grams)
    found = re.fullmatch(r"(?:(\d+) lb )?(\d+) oz", text)
    assert found is not None, text
    pounds, ounces = int(found.group(1) or 0), int(found.group(2))
    assert 0 <= ounces < 16
    assert abs((pounds * 16 + ounces) * 28.349523125 - grams) <= 28.349523125 / 2 + 1e-9


@given(text=st.text(max_size=80))
def test_spelling_us_is_unchanged_and_uk_is_stable(text: str) -> None:
    assert fmt("US").spell(text) == text
    once = uk_spelling(text)
    assert uk_spelling(once) == once


# --------------------------------------------------------------------------------------------------------------
# Babel stays out of `careplan --help`
# --------------------------------------------------------------------------------------------------------------


def test_help_and_the_practice_file_do_not_import_babel() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "careplan", "--help"], capture_output=True, text=True, check=True
    )
    assert "babel" not in result.stderr.lower()
    code = "import sys, careplan.practice, careplan.locales; print(sorted(m for m in sys.modules if 'babel' in m))"
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "[]"
