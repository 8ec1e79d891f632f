"""Synthetic intakes: realistic, varied, seeded, always valid. For tests, benchmarks and demos.

:func:`synthetic_intake` builds intake ``index`` of a seeded series as a plain dict (the JSON an intake file holds);
the same seed and index always give the same intake, whatever the count, so the first 200 of 2,000 are the 200.
:func:`write_synthetic` writes a folder of them, optionally with broken files (:data:`INVALID_KINDS`) for tests.
Relactation intakes are the default; ``plan_type="low-supply"`` gives low-milk-supply intakes (schema 1.1, with a
``low_supply`` block: :mod:`careplan.synthetic_low_supply`), a series of their own for the same seed.

The people are invented: names are drawn from pools per language, e-mail addresses are on example.org, phone
numbers are in fictional ranges. The variety follows what a lactation practice sees: mostly one baby of a few
weeks or months, some newborns losing weight, preterm babies and twins, adoptive and non-gestational parents and
grandparents, common conditions and medicines by their real names, allergies, unknown answers, every setting and
jurisdiction, and families whose preferred language is not English (names in their own script).

Long on purpose: most of it is tables of names and values; the generator's random draws are kept in one order so a
seed always gives the same intakes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from careplan._io import private_folder, write_private

T = TypeVar("T")

#: Consults fall in this window, so a series does not depend on today's date.
FIRST_CONSULT = date(2025, 9, 1)
CONSULT_DAYS = 400

# (language tag, script note, given names, family names). Family names come first where the culture writes them so.
_PEOPLE: tuple[tuple[str, tuple[str, ...], tuple[str, ...], bool], ...] = (
    ("en", ("Emily", "Jess", "Hannah", "Aisha", "Megan", "Chloe", "Sarah", "Olivia", "Rachel", "Lauren", "Kayla",
            "Brianna", "Taylor", "Sam", "Jordan", "Alex"),
     ("Carter", "Nguyen", "O'Brien", "Smith-Jones", "Walker", "Patel", "Johnson", "MacLeod", "Thompson", "Williams",
      "Baker", "Okafor", "Reid", "Fitzgerald", "Kowalski"), False),
    ("en-GB", ("Sophie", "Amelia", "Charlotte", "Niamh", "Freya", "Imogen", "Priya"),
     ("Davies", "Evans", "Hughes", "Wright", "Khan", "Roberts"), False),
    ("es", ("María José", "Lucía", "Camila", "Valentina", "Sofía", "Ximena", "Guadalupe"),
     ("García López", "Hernández", "Martínez Ruiz", "Núñez", "Rodríguez", "Peña"), False),
    ("fr", ("Élodie", "Chloé", "Léa", "Maëlle", "Inès", "Océane"),
     ("Lefèvre", "Dubois", "Moreau", "Girard", "Béranger"), False),
    ("de", ("Jana", "Lena", "Anke", "Jülide", "Katrin"), ("Müller", "Schröder", "Weiß", "Groß-Bäumer"), False),
    ("pt-BR", ("Ana Clara", "Luana", "Thaís", "Conceição"), ("Araújo", "Gonçalves", "Simões"), False),
    ("vi", ("Lan", "Thảo", "Hương", "Ngọc Anh"), ("Nguyễn Thị", "Trần Thị", "Phạm"), True),
    ("pl", ("Zofia", "Małgorzata", "Agnieszka"), ("Wójcik", "Łukasiewicz", "Kamińska"), False),
    ("tl", ("Maria Luz", "Jocelyn", "Rowena"), ("Santos", "Dela Cruz", "Bautista"), False),
    ("sw", ("Amina", "Wanjiru", "Zawadi"), ("Otieno", "Mwangi", "Achieng"), False),
    ("ar", ("فاطمة", "مريم", "نور", "ليلى"), ("الحسيني", "منصور", "حداد"), False),
    ("he", ("נועה", "תמר", "שירה"), ("כהן", "לוי", "מזרחי"), False),
    ("ru", ("Анна", "Мария", "Екатерина", "Ольга"), ("Иванова", "Смирнова", "Кузнецова"), False),
    ("uk", ("Олена", "Оксана", "Ірина"), ("Шевченко", "Коваленко", "Бондаренко"), False),
    ("el", ("Ελένη", "Μαρία", "Κατερίνα"), ("Παπαδοπούλου", "Γεωργίου"), False),
    ("hi", ("प्रिया", "अनीता", "सुनीता"), ("शर्मा", "वर्मा"), False),
    ("zh", ("芳", "静", "丽", "敏"), ("王", "李", "张", "刘"), True),
    ("th", ("สมหญิง", "มาลี", "ปราณี"), ("ใจดี", "ศรีสุข"), False),
)
# How often each language family appears (English-speaking practices, with a real share of other languages).
_PEOPLE_WEIGHTS = (46, 10, 9, 4, 3, 3, 3, 2, 2, 2, 3, 1, 2, 1, 1, 2, 2, 1)

_BABY_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Sky", "Noah", "Isla", "Leo", "Mia", "Ezra", "Ava", "Theo", "Ruby", "Finn", "Zara", "Eli", "Maeve",
           "Jude", "Rose", "Kai"),
    "es": ("Mateo", "Sofía", "Santiago", "Lucía", "Valentín", "Renata"),
    "fr": ("Jules", "Zoé", "Léon", "Anaïs"),
    "de": ("Emil", "Ida", "Jonas", "Maja"),
    "pt": ("João", "Helena", "Davi"),
    "vi": ("An", "Minh", "Bảo"),
    "pl": ("Zuzia", "Jaś", "Kuba"),
    "tl": ("Angelo", "Bea", "Miguel"),
    "sw": ("Baraka", "Neema", "Imani"),
    "ar": ("يوسف", "سلمى", "آدم"),
    "he": ("נועם", "יעל", "אורי"),
    "ru": ("Миша", "Алиса", "Даня"),
    "uk": ("Тарас", "Соломія"),
    "el": ("Νίκος", "Δάφνη"),
    "hi": ("आरव", "अनया"),
    "zh": ("小明", "安安", "乐乐"),
    "th": ("น้องมะลิ", "น้องภูมิ"),
}

_OWN_WORDS_EN = (
    "I stopped when I went back to work and I miss feeding her. I'd like to try again, even a little.",
    "The formula makes him so unsettled. If I could give him some of my milk I think it would help.",
    "We adopted our son at birth and I want to nurse him, for closeness more than milk.",
    "My milk dried up in hospital after the emergency section. I never really got started and I want another go.",
    "I want her to have my milk for as long as I can manage, without pumping round the clock.",
    "Honestly I'm not sure what's possible. I just want to know my options.",
    "Breastfeeding hurt so much I gave up at two weeks. Now the pain is sorted I'd like to try again 😊",
    "I'm his grandmother and his mum can't feed him. I fed four of my own and want to help.",
    "Comfort at night mostly. She only settles at the breast.",
    "The twins came early and I couldn't keep up with pumping for both. I'd like to give them at least some milk.",
)
_OWN_WORDS_OTHER: dict[str, tuple[str, ...]] = {
    "es": ("Quiero volver a amamantar a mi bebé, aunque sea un poco.", "Me gustaría darle mi leche otra vez."),
    "fr": ("J'aimerais allaiter de nouveau, même partiellement.",),
    "de": ("Ich möchte wieder stillen, wenigstens nachts.",),
    "vi": ("Tôi muốn cho con bú lại.",),
    "ar": ("أريد أن أرضع طفلي مرة أخرى.",),
    "he": ("אני רוצה להניק שוב.",),
    "ru": ("Я хочу снова кормить грудью.",),
    "zh": ("我想重新给宝宝喂母乳。",),
    "th": ("อยากกลับมาให้นมลูกอีกครั้ง",),
    "hi": ("मैं फिर से स्तनपान कराना चाहती हूँ।",),
}
_MATTERS = (
    "That the baby keeps gaining weight.",
    "Not feeling like a failure.",
    "Getting some sleep.",
    "Being able to go back to work and still feed her.",
    "Closeness with the baby.",
    "That my partner can still do some feeds.",
    None,
)

# Medicines as families write them: brand and generic names, doses, and things careplan does not recognise.
_MEDICINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Synthroid (levothyroxine) 75 mcg", ()),
    ("levothyroxine", ()),
    ("metformin 500 mg twice a day", ()),
    ("Glucophage", ()),
    ("insulin glargine", ()),
    ("sertraline 50 mg", ()),
    ("fluoxetine", ()),
    ("escitalopram", ()),
    ("Microgynon 30", ()),
    ("desogestrel (mini pill)", ()),
    ("Depo-Provera", ()),
    ("Sudafed", ()),
    ("warfarin", ()),
    ("enoxaparin injections", ()),
    ("domperidone 10 mg three times a day", ()),
    ("metoclopramide", ()),
    ("cabergoline", ()),
    ("diphenhydramine at night", ()),
    ("codeine after the section", ()),
    ("labetalol", ("other",)),
    ("nifedipine", ("other",)),
    ("ibuprofen", ()),
    ("paracetamol", ()),
    ("vitamin D", ()),
    ("iron tablets", ()),
    ("prenatal vitamins", ()),
    ("salbutamol inhaler", ("other",)),
    ("hydroxychloroquine", ("other",)),
    ("amoxicillin", ()),
    ("ondansetron", ("qt_prolonging",)),
    ("clarithromycin", ("cyp3a4_inhibitor",)),
)
_CONDITIONS = (
    "hypothyroidism", "hyperthyroidism", "pcos", "infertility", "diabetes_type_1", "diabetes_type_2",
    "gestational_diabetes", "insulin_resistance", "hypertension", "obesity", "severe_postpartum_haemorrhage",
    "milk_never_came_in", "no_periods_and_fatigue", "retained_placenta_suspected", "theca_lutein_cyst",
    "depression", "heart_rhythm_problem", "heart_disease", "lupus", "clotting_disorder", "asthma", "liver_disease",
    "kidney_disease",
)
_CONDITION_WEIGHTS = (10, 2, 8, 4, 1, 3, 6, 4, 5, 8, 4, 3, 1, 1, 1, 9, 1, 1, 1, 1, 7, 1, 1)
_ALLERGENS = ("peanut", "chickpea", "soy", "lupin", "other_legume", "ragweed", "daisy_family", "artichoke", "kiwi",
              "asparagus", "onion_family", "other")
_HERBS = ("fenugreek", "goats_rue", "moringa", "shatavari", "alfalfa", "stinging_nettle", "blessed_thistle",
          "milk_thistle", "fennel", "blend", "other")
_STOP_REASONS = ("low_supply", "latch_difficulty", "pain", "baby_refused", "return_to_work", "illness_or_hospital",
                 "medication", "advised_to_stop", "separation", "personal_choice", "other")
_CONCERNS = ("formula_intolerance", "reflux", "tongue_tie", "oral_aversion", "weak_suck", "breast_refusal",
             "jaundice", "other")
_BED_HAZARDS = ("sofa_or_armchair", "waterbed_or_soft_mattress", "soft_bedding_or_pillows", "other_children_in_bed",
                "pets_in_bed", "gaps_near_bed")
_TOPICS = ("herbs", "prescription_medicine", "power_pumping", "bodywork", "co_bathing", "bedsharing")
_EMAIL_DOMAINS = ("example.org", "example.com", "example.net")


class Draw:
    """Seeded choices with the few shapes the generator needs."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: Sequence[T], weights: Sequence[float] | None = None) -> T:
        return self.rng.choices(list(options), weights=weights)[0]

    def some(self, options: Sequence[T], most: int, p_none: float = 0.5) -> list[T]:
        if self.chance(p_none):
            return []
        return self.rng.sample(list(options), self.rng.randint(1, min(most, len(options))))

    def weighted_some(self, options: Sequence[T], weights: Sequence[float], most: int) -> list[T]:
        chosen: list[T] = []
        for _ in range(self.rng.randint(1, most)):
            item = self.pick(options, weights)
            if item not in chosen:
                chosen.append(item)
        return chosen

    def between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def uniform(self, low: float, high: float, digits: int = 1) -> float:
        return round(self.rng.uniform(low, high), digits)

    def known(self, value: T, p_unknown: float, unknown: Any = None) -> Any:
        """``value``, or ``unknown`` (null or "unknown") with probability ``p_unknown``."""
        return unknown if self.chance(p_unknown) else value


def ymd(day: date) -> str:
    return day.isoformat()


def _baby_age_days(draw: Draw) -> int:
    band = draw.pick(
        [(1, 13), (14, 42), (43, 91), (92, 182), (183, 365), (366, 730)], weights=[14, 26, 26, 20, 11, 3]
    )
    return draw.between(*band)


#: The most a synthetic baby gains in a day (the intake refuses over 100 g a day between weighings).
MOST_GAIN = 90


def _birth_weight(draw: Draw, gestation: float | None) -> int:
    weeks = 39.0 if gestation is None else gestation
    mean = 3400 - max(0.0, 40 - weeks) * 230
    return max(700, min(5200, int(draw.rng.gauss(mean, 380))))


def _baby(draw: Draw, consult: date, birth: date, age_days: int, gestation: float | None, name: str,
          multiple: bool) -> dict[str, Any]:
    birth_weight = _birth_weight(draw, gestation) - (250 if multiple else 0)
    baby: dict[str, Any] = {
        "name": name,
        "birth_date": ymd(birth),
        "sex": draw.pick(["female", "male", "unknown"], weights=[46, 46, 8]),
        "gestational_age_weeks": gestation,
        "birth_weight_g": draw.known(max(600, birth_weight), 0.06),
    }
    # Weight: most babies were weighed in the last week; newborns sometimes are still below birth weight.
    if draw.chance(0.85):
        weighed_days = max(0, age_days - draw.between(0, min(7, age_days)))
        weighed_on = birth + timedelta(days=weighed_days)
        if weighed_days <= 14:
            change = draw.uniform(-0.11, 0.06, 3)  # a real share lose 7-10% in the first days
            change = min(change, MOST_GAIN * weighed_days / birth_weight)
        else:
            gain_per_day = min(MOST_GAIN, draw.rng.gauss(28 if weighed_days < 100 else 15, 8))
            change = (weighed_days - 10) * gain_per_day / birth_weight
        baby["current_weight_g"] = max(400, min(25000, int(birth_weight * (1 + change))))
        baby["weighed_on"] = ymd(weighed_on)
        checks = []
        for _ in range(draw.between(0, 3) if weighed_days > 10 else 0):
            day = draw.between(1, weighed_days)
            checks.append((day, int(birth_weight * (1 + change * day / max(1, weighed_days)))))
        baby["earlier_weights"] = [
            {"date": ymd(birth + timedelta(days=day)), "grams": max(400, grams)} for day, grams in sorted(set(checks))
        ]
    milk = draw.weighted_some(
        ["formula", "expressed_breast_milk", "donor_milk", "direct_breastfeeding", "solids", "other"],
        [10, 4, 1.5, 3, 1 if age_days > 150 else 0.01, 0.3],
        3,
    )
    feeds = draw.known(draw.between(5, 12), 0.15)
    baby["feeding"] = {
        "milk": milk,
        "supplement_ml_per_24h": draw.known(float(draw.between(60, 1000)), 0.2),
        "feeds_per_24h": feeds,
        "methods": draw.some(
            ["bottle", "cup", "paladai", "spoon", "syringe", "finger_feeding", "at_breast_supplementer", "tube"],
            2,
            p_none=0.15,
        ),
    }
    baby["latches"] = draw.pick(["yes", "no", "unknown"], [5, 3, 1])
    baby["concerns"] = draw.some(_CONCERNS, 2, p_none=0.6)
    baby["wet_diapers_24h"] = draw.known(draw.between(2, 10), 0.2)
    baby["dirty_diapers_24h"] = draw.known(draw.between(0, 6), 0.25)
    baby["dehydration_signs"] = (
        draw.some(["dry_mouth", "sunken_fontanelle", "lethargy", "no_urine_12h"], 2, p_none=0.0)
        if draw.chance(0.04)
        else []
    )
    baby["sleeps"] = draw.pick(
        ["own_room", "separate_surface_in_parents_room", "sidecar_crib", "parents_bed", "sofa_or_armchair", "other",
         "unknown"],
        [2, 8, 3, 3, 0.3, 0.4, 2],
    )
    return baby


#: The plan types the generator knows.
PLAN_TYPES = ("relactation", "low-supply")


def synthetic_intake(index: int, seed: int = 0, plan_type: str = "relactation") -> dict[str, Any]:
    """Intake number ``index`` of the series ``seed``: a dict ready for ``json.dumps``, always a valid intake.

    ``plan_type`` is ``"relactation"`` (the default) or ``"low-supply"``; each plan type is its own series, so the
    relactation intakes of a seed are the same whether or not low-supply ones are asked for.
    """
    if plan_type == "relactation":
        return _shared_intake(index, seed, "careplan-synthetic")
    if plan_type == "low-supply":
        from careplan.synthetic_low_supply import low_supply_intake

        return low_supply_intake(_shared_intake(index, seed, "careplan-synthetic-low-supply"), index, seed)
    raise ValueError(f"no synthetic intakes for plan type {plan_type!r} (there are: {', '.join(PLAN_TYPES)})")


def _shared_intake(index: int, seed: int, stream: str) -> dict[str, Any]:
    """The relactation intake of the draw stream ``stream`` (the low-supply generator starts from one).

    Long on purpose: the random draws happen in one fixed order, which is what makes a seed give the same
    intakes every time.
    """
    draw = Draw(f"{stream}:{seed}:{index}")
    consult = FIRST_CONSULT + timedelta(days=draw.between(0, CONSULT_DAYS))
    people = draw.pick(_PEOPLE, _PEOPLE_WEIGHTS)
    language, given_names, family_names, family_first = people
    given, family = draw.pick(given_names), draw.pick(family_names)
    parent_name = f"{family} {given}" if family_first else f"{given} {family}"
    if language in ("zh",):
        parent_name = f"{family}{given}"
    prefers = language if draw.chance(0.8) else "en"

    relationship = draw.pick(
        ["birth_parent", "adoptive_parent", "non_gestational_parent", "grandparent", "other_carer"],
        [85, 6, 4, 3, 2],
    )
    babies_count = draw.pick([1, 2, 3], [95, 4.6, 0.4])
    age_days = _baby_age_days(draw)
    birth = consult - timedelta(days=age_days)
    if babies_count > 1:
        gestation: float | None = draw.uniform(30, 37.5)
    elif relationship in ("adoptive_parent", "grandparent", "other_carer") and draw.chance(0.4):
        gestation = None
    else:
        gestation = draw.known(draw.uniform(28, 36.9) if draw.chance(0.1) else draw.uniform(37, 41.9), 0.08)
    pool = _BABY_NAMES.get(language.split("-")[0], _BABY_NAMES["en"])
    baby_given = draw.rng.sample(list(pool), min(babies_count, len(pool)))
    while len(baby_given) < babies_count:
        baby_given.append(draw.pick(_BABY_NAMES["en"]))
    with_surname = draw.chance(0.35) and language not in ("zh", "vi", "th")
    babies = [
        _baby(draw, consult, birth, age_days, gestation, f"{n} {family.split()[0]}" if with_surname else n,
              babies_count > 1)
        for n in baby_given
    ]

    # The parent: an age, or a date of birth, or neither; old enough at the baby's birth.
    if relationship == "grandparent":
        years = draw.between(42, 68)
        menopause = draw.pick(["postmenopause", "perimenopause", "unknown"], [6, 3, 1])
    else:
        years = draw.between(19, 44)
        menopause = draw.pick(["no", "perimenopause", "unknown"], [12, 1, 3])
    parent: dict[str, Any] = {
        "name": parent_name,
        "preferred_language": prefers,
        "relationship": relationship,
        "menopause": menopause,
    }
    how_old = draw.pick(["years", "dob", "none"], [5, 4, 1])
    if how_old == "years":
        parent["age_years"] = years
    elif how_old == "dob":
        parent["date_of_birth"] = ymd(consult - timedelta(days=years * 365 + draw.between(0, 360)))
    if draw.chance(0.7):
        parent["email"] = f"parent{seed}.{index}@{draw.pick(_EMAIL_DOMAINS)}"
    if draw.chance(0.6):
        parent["phone"] = f"+1 555 01{draw.between(0, 99):02d} {draw.between(100, 999)}"

    # Lactation history, consistent with the relationship and the baby's age.
    gestational = relationship == "birth_parent"
    lactation: dict[str, Any] = {}
    if gestational:
        breastfed = draw.pick(["yes", "no", "unknown"], [8, 1.5, 0.5])
        lactation["ever_lactated"] = "yes" if breastfed == "yes" else draw.pick(["yes", "no", "unknown"], [3, 2, 1])
        lactation["breastfed_this_baby"] = breastfed
        if breastfed == "yes":
            most_weeks = max(0.2, age_days / 7.0)
            lactation["duration_weeks"] = draw.known(round(draw.rng.uniform(0.1, most_weeks), 1), 0.15)
            lactation["last_milk_removal"] = draw.known(ymd(birth + timedelta(days=draw.between(0, age_days))), 0.2)
            lactation["full_supply_before"] = draw.pick(["yes", "no", "unknown"], [4, 4, 2])
            lactation["stop_reasons"] = draw.some(_STOP_REASONS, 3, p_none=0.1)
        else:
            lactation["full_supply_before"] = draw.pick(["no", "unknown"])
        lactation["current_output"] = draw.pick(["none", "drops", "some", "unknown"], [4, 4, 2, 1])
        lactation["breast_changes_in_pregnancy"] = draw.pick(["yes", "no", "unknown"], [6, 1, 2])
    else:
        lactation["ever_lactated"] = draw.pick(["yes", "no", "unknown"], [4 if relationship == "grandparent" else 1,
                                                                          5, 1])
        lactation["breastfed_this_baby"] = "no"
        lactation["current_output"] = draw.pick(["none", "drops", "unknown"], [6, 2, 1])
        lactation["breast_changes_in_pregnancy"] = "not_pregnant"
    if draw.chance(0.75):
        earlier = draw.pick([0, 1, 2, 3, 4], [5, 4, 2, 1, 0.5]) + (2 if relationship == "grandparent" else 0)
        lactation["earlier_children"] = earlier
        lactation["earlier_children_breastfed"] = draw.between(0, earlier)

    # Health: known lists are often empty; sometimes a question was not asked (null).
    medications: list[dict[str, Any]] | None
    if draw.chance(0.1):
        medications = None
    else:
        medications = []
        for name, classes in draw.some(_MEDICINES, 3, p_none=0.45):
            item: dict[str, Any] = {"name": name}
            if classes:
                item["classes"] = list(classes)
            medications.append(item)
    conditions = None if draw.chance(0.08) else (
        [] if draw.chance(0.45) else draw.weighted_some(_CONDITIONS, _CONDITION_WEIGHTS, 3)
    )
    surgeries: list[dict[str, Any]] | None = None if draw.chance(0.1) else []
    if surgeries is not None and draw.chance(0.08):
        surgeries.append({
            "kind": draw.pick(["reduction", "augmentation", "lumpectomy", "biopsy", "nipple"], [4, 3, 1, 2, 1]),
            "tissue_preserved": draw.pick(["full", "partial", "none", "unknown"], [2, 3, 1, 3]),
            "year": draw.known(draw.between(1995, consult.year - 1), 0.3),
        })
    health: dict[str, Any] = {
        "conditions": conditions,
        "bmi": draw.known(draw.uniform(18, 44), 0.3),
        "breast_surgeries": surgeries,
        "igt_signs": draw.some(["minimal_change_in_puberty", "marked_asymmetry", "widely_spaced",
                                "tubular_or_cone_shaped"], 2, p_none=0.88),
        "medications": medications,
        "allergies": None if draw.chance(0.1) else draw.some(_ALLERGENS, 2, p_none=0.75),
        "smokes": draw.pick(["no", "yes", "heavy", "unknown", "declined"], [85, 7, 2, 5, 1]),
        "household_smoke": draw.pick(["no", "yes", "unknown"], [80, 12, 8]),
        "alcohol": draw.pick(["none", "occasional", "regular", "heavy", "unknown", "declined"], [60, 25, 4, 1, 9, 1]),
        "sedating_substances": draw.pick(["no", "yes", "unknown", "declined"], [85, 5, 9, 1]),
        "placenta_capsules": draw.pick(["no", "yes", "unknown"], [92, 3, 5]),
    }

    returning = draw.pick(["yes", "no", "unknown"], [3, 5, 2])
    situation: dict[str, Any] = {
        "pump": draw.pick(["none", "manual", "single_electric", "double_electric", "hospital_grade", "unknown"],
                          [2, 2, 2, 5, 1, 1]),
        "supplementer": draw.pick(["has_one", "can_get_one", "no", "unknown"], [2, 3, 3, 2]),
        "support_at_home": draw.pick(["strong", "some", "little", "none", "unknown"], [4, 4, 2, 1, 1]),
        "returning_to_work": returning,
        "stress": draw.pick(["low", "moderate", "high", "unknown"], [2, 4, 3, 1]),
        "bedsharing": draw.pick(["never", "sometimes", "planned", "unknown"], [5, 3, 1, 2]),
        "bed_hazards": draw.some(_BED_HAZARDS, 2, p_none=0.8),
    }
    if returning == "yes" and draw.chance(0.7):
        situation["return_to_work_date"] = ymd(consult + timedelta(days=draw.between(7, 120)))

    herbs_interest = draw.pick(["yes", "no", "unsure"], [3, 4, 3])
    own_words_pool = _OWN_WORDS_OTHER.get(prefers.split("-")[0], _OWN_WORDS_EN)
    goals: dict[str, Any] = {
        "goal": draw.pick(["exclusive_breastfeeding", "partial_breastfeeding", "comfort_nursing", "expressed_milk",
                           "any_milk", "unsure"], [4, 5, 2, 2, 3, 2]),
        "in_own_words": draw.known(draw.pick(own_words_pool), 0.3),
        "what_matters_most": draw.pick(_MATTERS),
        "herbs_interest": herbs_interest,
        "herbs_taken": draw.some(_HERBS, 2, p_none=0.8),
        "prescription_discussion": draw.pick(["yes", "no", "unknown"], [3, 5, 1]),
        "reduce_supplement": draw.pick(["yes", "not_yet", "no"], [6, 3, 1]),
        "asked_about": draw.some(_TOPICS, 3, p_none=0.5),
    }
    emails = "email" in parent and draw.chance(0.8)
    consent = {
        "email_plan": emails,
        "unencrypted_email_accepted": emails and draw.chance(0.6),
        "recorded_on": ymd(consult) if emails else None,
    }
    follow_up = draw.chance(0.25) and age_days >= 10
    consult_part: dict[str, Any] = {
        "date": ymd(consult),
        "visit": "follow_up" if follow_up else "first",
        "setting": draw.pick(["clinic", "virtual", "home", "emergency"], [45, 30, 20, 5]),
        "jurisdiction": draw.pick(["US", "CA", "UK", "EU", "AU", "NZ", "other", "unknown"],
                                  [40, 10, 15, 12, 8, 4, 6, 5]),
    }
    if draw.chance(0.5):
        consult_part["next_visit"] = ymd(consult + timedelta(days=draw.between(3, 21)))
    progress = []
    if follow_up:
        for _ in range(draw.between(1, 3)):
            on = birth + timedelta(days=draw.between(max(0, age_days - 30), age_days))
            number = draw.between(1, babies_count)
            entry: dict[str, Any] = {
                "baby": number,
                "milk_removal_sessions_per_24h": draw.known(draw.between(4, 10), 0.2),
                "expressed_ml_per_24h": draw.known(float(draw.between(0, 500)), 0.3),
                "supplement_ml_per_24h": draw.known(float(draw.between(0, 800)), 0.3),
                "feeds_at_breast_per_24h": draw.known(draw.between(0, 10), 0.3),
                "wet_diapers_24h": draw.known(draw.between(4, 9), 0.4),
            }
            kid = babies[number - 1]
            if kid.get("weighed_on") and draw.chance(0.6):  # the weight of the day that baby was weighed
                on = date.fromisoformat(kid["weighed_on"])
                entry["baby_weight_g"] = kid["current_weight_g"]
                entry["weighed_at"] = draw.pick(["this_visit", "doctor", "clinic", "pharmacy", "home_scale"])
                entry["weighed_how"] = draw.pick(["naked", "clean_diaper", "clothed", "unknown"])
            progress.append({"date": ymd(on), **entry})
        progress.sort(key=lambda entry: str(entry["date"]))
    return {
        "schema_version": "1.0",
        "plan_type": "relactation",
        "consult": consult_part,
        "parent": parent,
        "babies": babies,
        "lactation": lactation,
        "health": health,
        "situation": situation,
        "goals": goals,
        "consent": consent,
        "progress": progress,
    }


def synthetic_intakes(
    count: int, seed: int = 0, start: int = 0, plan_type: str = "relactation"
) -> Iterator[dict[str, Any]]:
    """``count`` intakes of the series ``seed`` (of ``plan_type``), from number ``start``."""
    for index in range(start, start + count):
        yield synthetic_intake(index, seed, plan_type)


# --------------------------------------------------------------------------------------------------------------
# Broken files, for tests: each one is refused by load_intake with a clear message.
# --------------------------------------------------------------------------------------------------------------


def _text(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _changed(data: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> bytes:
    copy = json.loads(json.dumps(data))
    change(copy)
    return _text(copy)


def _birth_after_consult(data: dict[str, Any]) -> None:
    consult = date.fromisoformat(data["consult"]["date"])
    data["babies"][0]["birth_date"] = ymd(consult + timedelta(days=3))
    data["babies"][0].pop("weighed_on", None)
    data["babies"][0].pop("current_weight_g", None)
    data["babies"][0]["earlier_weights"] = []
    data["progress"] = []


#: Kinds of broken intake file, each a function of a valid intake.
INVALID_KINDS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "malformed-json": lambda d: _text(d)[: len(_text(d)) // 2],
    "empty": lambda d: b"",
    "not-an-object": lambda d: b"[1, 2, 3]\n",
    "not-utf8": lambda d: b"\xff\xfe{\x00",
    "unknown-field": lambda d: _changed(d, lambda x: x["parent"].update(nickname="x")),
    "wrong-type": lambda d: _changed(d, lambda x: x.update(babies="twins")),
    "missing-babies": lambda d: _changed(d, lambda x: x.pop("babies")),
    "impossible-date": lambda d: _changed(d, lambda x: x["consult"].update(date="2026-02-30")),
    "born-after-consult": lambda d: _changed(d, _birth_after_consult),
    "out-of-range": lambda d: _changed(d, lambda x: x["babies"][0].update(birth_weight_g=99999)),
}


def invalid_intake(kind: str, index: int = 0, seed: int = 0, plan_type: str = "relactation") -> bytes:
    """The bytes of a broken intake file of ``kind`` (see :data:`INVALID_KINDS`)."""
    return INVALID_KINDS[kind](synthetic_intake(index, seed, plan_type))


def write_synthetic(
    folder: str | Path,
    count: int,
    *,
    seed: int = 0,
    start: int = 0,
    invalid: int = 0,
    check: bool = True,
    plan_type: str = "relactation",
) -> list[Path]:
    """Write ``count`` valid intakes (``synthetic-00001.json`` ...) of ``plan_type`` and ``invalid`` broken ones
    (``invalid-01-KIND.json``, cycling through :data:`INVALID_KINDS`) into ``folder``; return the paths.

    With ``check``, every valid intake is validated first, so a generator bug shows here and not in a test.
    """
    from careplan.intake import parse_intake

    folder = Path(folder)
    private_folder(folder)
    paths = []
    for index in range(start, start + count):
        data = _text(synthetic_intake(index, seed, plan_type))
        name = f"synthetic-{index + 1:05d}.json"
        if check:
            parse_intake(data, name)
        paths.append(write_private(folder / name, data))
    kinds = list(INVALID_KINDS)
    for number in range(invalid):
        kind = kinds[number % len(kinds)]
        name = f"invalid-{number + 1:02d}-{kind}.json"
        paths.append(write_private(folder / name, invalid_intake(kind, number, seed, plan_type)))
    return paths
