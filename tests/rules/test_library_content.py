"""The built-in library's content: plain words for parents, sources for every claim, no doses, no [U] facts.

Parents read their plan at 3 a.m., so every sentence a parent reads must be at US school grade 8 or below by two
readability formulas, Flesch-Kincaid and SMOG. "Every sentence a parent reads" means: each library entry's title,
text, why, because and exclusion reason; each section's title and intro; the sentences written into the HTML
templates; the goal sentences of careplan/document.py; and the computed parts of real plans (the schedule, feeding
plan, timeline, items and exclusions built for the example intakes).

textstat is not used: its syllable counter downloads NLTK's CMU dictionary at run time (checked for 0.7.13), and
the tests must run without a network. Both formulas below count syllables with pyphen (a dependency of WeasyPrint,
so it is installed already), with no data downloaded.
"""

from __future__ import annotations

import html
import math
import re
import string
from collections.abc import Callable, Iterator
from typing import Any

import pyphen
import pytest

from careplan.documents.care_plan import GOALS
from careplan.documents.progress_charts import charts
from careplan.intake import Intake, load_intake
from careplan.language import phrases
from careplan.locales import Formatter, locale_for
from careplan.plan import Plan
from careplan.plantypes import available
from careplan.rules.computed import FEEDING_SOURCES, SCHEDULE_SOURCES, STEP_DOWN_SOURCES
from careplan.rules.engine import build_plan
from careplan.rules.library import Library, iter_texts, load_library
from tests.conftest import EXAMPLES, LOW_SUPPLY_EXAMPLES, ROOT, make_intake, schedule_of

#: US school grade that parent-facing text must not exceed, by each formula.
MAX_GRADE = 8.0
LIBRARY = load_library()
#: Every plan type's library: each entry once (a shared entry is in both), a plan type's own entries by origin.
LIBRARIES = {name: load_library(plan_type=name) for name in available()}
ENTRIES = sorted(
    {(rule.origin, rule.entry.id): rule for library in LIBRARIES.values() for rule in library.rules.values()}.values(),
    key=lambda rule: (rule.entry.id, rule.origin),
)
TEMPLATES = ROOT / "templates"

# --- Counting --------------------------------------------------------------------------------------------------

_HYPHENATOR = pyphen.Pyphen(lang="en_US")

#: Abbreviations whose full stop does not end a sentence. a.m. and p.m. end one only when a capital letter follows.
_ABBREVIATIONS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\b([ap])\.m\.(?=\s+[A-Z])"), r"\1m."),
    (re.compile(r"\b([ap])\.m\.", re.IGNORECASE), r"\1m"),
    (re.compile(r"\be\.g\.|\bi\.e\.", re.IGNORECASE), lambda m: m.group(0).replace(".", "")),
    (re.compile(r"\b(etc|vs|approx|Dr|Drs|Mr|Mrs|Ms|Prof|St)\.(?=\s)"), r"\1"),
    (re.compile(r"\b(No|no|Nos)\.(?=\s*\d)"), r"\1"),
]
#: A sentence ends at ., ! or ? (and any closing quote or bracket) before a space or the end of the text. Colons
#: and semicolons do not end sentences, and a full stop inside a number (2.5) is not followed by a space.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:\s+|$)")
#: A word: letters or digits, joined by an apostrophe, hyphen, full stop or comma (baby's, skin-to-skin, 2.5, 2,500).
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.,-][A-Za-z0-9]+)*")


def _protect_abbreviations(text: str) -> str:
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return text


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: split on ., ! and ? followed by a space or the end, never on : or ;."""
    return [s for s in _SENTENCE_END.split(_protect_abbreviations(text)) if _WORD.search(s)]


def words(text: str) -> list[str]:
    return _WORD.findall(_protect_abbreviations(text))


def _vowel_groups(piece: str, last: bool) -> int:
    """Vowel sounds in one pyphen piece of a word: groups of vowels, less a silent final e (and, at the end of
    the word, the e of -es and -ed where it is not spoken: 'makes', 'named' but not 'places', 'needed')."""
    count = len(re.findall(r"[aeiouy]+", piece))
    silent_final_e = count > 1 and piece.endswith("e") and not re.search(r"[^aeiouy]le$", piece)
    silent_e_before_ly = count > 2 and bool(re.search(r"[aeiouy][^aeiouy]ely$", piece))  # 'rarely', 'lonely'
    silent_e_of_es_ed = (
        last
        and count > 1
        and bool(re.search(r"[^aeiouy]e[sd]$", piece))
        and not re.search(r"(?:[td]ed|(?:[sxzcg]|sh|ch)es)$", piece)
    )
    if silent_final_e or silent_e_before_ly or silent_e_of_es_ed:
        count -= 1
    return max(1, count)


def syllables(word: str) -> int:
    """Syllables in one word, with pyphen (en_US): the word is cut where pyphen would hyphenate it, and each
    piece counts its vowel sounds, at least one. Pyphen alone misses breaks near the ends of a word and in words
    its patterns do not know ('medicine', 'surgery'); counting vowel sounds alone overcounts compounds with a silent
    e ('something', 'safely'), which pyphen cuts at the join. A number counts as one syllable, as pyphen does."""
    total = 0
    letters = re.sub(r"['’]s$", "", word.lower())
    parts = re.findall(r"[a-z]+", letters)
    if not parts:
        return 1
    for part in parts:
        pieces = _HYPHENATOR.inserted(part, hyphen="-").split("-")
        total += sum(_vowel_groups(piece, last=i == len(pieces) - 1) for i, piece in enumerate(pieces))
    return total


def flesch_kincaid_grade(text: str) -> float:
    """Flesch-Kincaid grade level = 0.39 x words/sentences + 11.8 x syllables/words - 15.59.

    Kincaid JP, Fishburne RP, Rogers RL, Chissom BS. Derivation of new readability formulas (Automated Readability
    Index, Fog Count and Flesch Reading Ease Formula) for Navy enlisted personnel. Research Branch Report 8-75,
    Naval Technical Training Command, 1975.
    """
    found = words(text)
    if not found:
        return 0.0
    count = max(1, len(sentences(text)))
    return 0.39 * len(found) / count + 11.8 * sum(syllables(w) for w in found) / len(found) - 15.59


def smog_grade(text: str) -> float:
    """SMOG grade = 1.0430 x sqrt(polysyllables x 30 / sentences) + 3.1291, where a polysyllable is a word of
    3 or more syllables.

    McLaughlin GH. SMOG grading: a new readability formula. J Reading 1969;12(8):639-646. (The regression form
    above is the one McLaughlin gives; the 30/sentences factor scales a text of any length to his 30-sentence
    sample.) SMOG was normed on 30 sentences; on a text of one or two sentences it is applied to the whole text
    with the same formula, so a short text passes only if its long words are few.
    """
    count = len(sentences(text))
    if count == 0:
        return 0.0
    poly = sum(1 for w in words(text) if syllables(w) >= 3)
    return 1.0430 * math.sqrt(poly * 30 / count) + 3.1291


# --- The formulas work ------------------------------------------------------------------------------------------

PLAIN = "Hold your baby close. Take milk out often. Rest when you can."
DENSE = (
    "Galactogogue pharmacotherapy necessitates individualized consideration of contraindications, "
    "particularly cardiovascular comorbidities and concomitant medications prolonging repolarization."
)


def test_grade_formula_tells_plain_from_dense() -> None:
    assert flesch_kincaid_grade(PLAIN) < 4
    assert flesch_kincaid_grade(DENSE) > 14


def test_smog_tells_plain_from_dense() -> None:
    assert smog_grade(PLAIN) == pytest.approx(3.1291)  # no word of 3+ syllables
    assert smog_grade(DENSE) > 14


def test_formulas_by_hand() -> None:
    # 2 sentences, 10 words, 16 syllables (every 3, baby 2, supplement 3, slowly 2), 2 polysyllables.
    text = "Feed every baby. Give the supplement slowly and rest well."
    assert len(sentences(text)) == 2
    assert len(words(text)) == 10
    assert sum(syllables(w) for w in words(text)) == 16
    assert flesch_kincaid_grade(text) == pytest.approx(0.39 * 10 / 2 + 11.8 * 16 / 10 - 15.59)
    assert smog_grade(text) == pytest.approx(1.0430 * math.sqrt(2 * 30 / 2) + 3.1291)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("milk", 1),
        ("makes", 1),
        ("named", 1),
        ("baby", 2),
        ("baby's", 2),
        ("needed", 2),
        ("places", 2),
        ("something", 2),
        ("safely", 2),
        ("careful", 2),
        ("timeline", 2),
        ("rarely", 2),
        ("every", 3),
        ("medicine", 3),
        ("surgery", 3),
        ("supplement", 3),
        ("breastfeeding", 3),
        ("available", 4),
        ("relactation", 4),
        ("skin-to-skin", 3),
        ("12", 1),
    ],
)
def test_syllables(word: str, expected: int) -> None:
    assert syllables(word) == expected


def test_a_colon_or_semicolon_does_not_end_a_sentence() -> None:
    assert len(sentences("Do this first: call your doctor; then rest.")) == 1
    one = "Do this first: call your doctor about your thyroid and your medicine today."
    two = "Do this first. Call your doctor about your thyroid and your medicine today."
    assert flesch_kincaid_grade(one) > flesch_kincaid_grade(two)
    assert smog_grade(one) > smog_grade(two)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Pump at 11 p.m. and at 3 a.m. if you can. Then rest.", 2),
        ("Pump at night, e.g. at 3 a.m. Sleep in the day.", 2),
        ("Dr. Lee will see you. Bring form No. 5 with you.", 2),
        ("Give 2.5 mL after each feed. Stop if your baby is full!", 2),
        ("Is it safe? Yes. Ask us (any time).", 3),
        ("No. Please do not stop.", 2),
    ],
)
def test_sentences_skip_abbreviations_and_decimals(text: str, count: int) -> None:
    assert len(sentences(text)) == count


# --- Every text a parent reads ----------------------------------------------------------------------------------

#: Plausible values for the library's {placeholders}: a name, numbers, and for params that give a whole phrase or
#: sentence, one of the phrases their expression gives (the longer one, where one branch is empty).
FILL: dict[str, Any] = {
    "baby_name": "Mia",
    "parent_name": "Sam",
    "born": "was born early",
    "count_text": "We do not know yet how many wet diapers Mia has in a day. Please count them today.",
    "getting_one": "Your IBCLC can help you get one and learn to use it.",
    "herbs": ["fenugreek", "alfalfa"],
    "in_a_blend": " This includes herbs in the blend you take.",
    "long": " It has lasted 2 weeks or more, which needs its own check.",
    "loss": 12.0,
    "ml": 150.0,
    "named": " You take erythromycin, which is one of those medicines.",
    "names": ["lithium"],
    "pump_text": (
        "If your pump does one side at a time, ask your IBCLC whether you can borrow, rent or buy a double pump."
    ),
    "reasons": ["your baby is less than 2 weeks old", "your baby is not back to birth weight yet"],
    "risks": "someone in your home smokes (even if never in bed); pillows or soft bedding",
    "risk_sentences": "Someone in your home smokes (even if never in bed). There are pillows or soft bedding.",
    "stools": 3,
    "stopped": (
        " You told us you stopped levothyroxine. Please tell your doctor, so they can check whether you still need it."
    ),
    "tissue_text": "We do not know yet how much of this tissue was kept. Your surgery report may say.",
    "treated": (
        " Your baby had light treatment, so the doctor will want to know if the yellow comes back or gets deeper."
    ),
    "wet": 6,
    # low supply
    "days": 5,
    "hours": 90.0,
    "gap": 6.0,
    "sessions": 4,
}


class _Filler(string.Formatter):
    """Fills placeholders the way careplan.rules.engine does: a list reads as 'a, b and c'."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, list):
            names = [str(v) for v in value]
            return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return str(super().format_field(value, format_spec))


def fill(text: str, entry: Any = None) -> str:
    """The text with plausible values; a param that gives words keys reads as the longest of its words (the
    hardest case for the readability formulas)."""
    values = dict(FILL)
    for param, choices in (entry.words.items() if entry is not None else []):
        values[param] = max((choice["en"] for choice in choices.values()), key=len)
    return _Filler().vformat(text, (), values)


def _where(rule: Any) -> str:
    """Nothing for relactation's and the shared entries; the plan type for another plan type's own."""
    return "" if "/low-supply/" not in rule.origin else "@low-supply"


def passage(*parts: str | None) -> str:
    """One passage as a parent reads it: a heading and the text under it. A heading has no full stop of its own, so
    one is added; a heading scored alone says nothing (a one-word heading of 3 syllables scores past grade 8)."""
    return " ".join(p if p.rstrip()[-1:] in ".!?" else p + "." for p in parts if p)


def _library_texts() -> Iterator[tuple[str, str]]:
    for rule in ENTRIES:
        entry = rule.entry
        texts = {part: fill(text, entry) for part, lang, text in iter_texts(entry) if lang == "en"}
        if entry.kind != "exclusion":
            # An exclusion entry never becomes an item (careplan.rules.engine skips it; see
            # test_exclusion_entries_never_reach_a_parent): of its texts a parent reads only the exclusion reason.
            body = [texts.get(part) for part in ("title", "text", "why", "because")]
            yield f"{entry.id}{_where(rule)}", passage(*body)
            if "short" in texts or "avoid_if" in texts:  # the herb table's row, read on its own
                yield f"{entry.id}.table", passage(texts.get("title"), texts.get("short"), texts.get("avoid_if"))
        if "exclusion_reason" in texts:
            yield f"{entry.id}{_where(rule)}.exclusion_reason", texts["exclusion_reason"]
    for section in LIBRARY.sections:
        yield f"section-{section.id}", passage(section.title["en"], (section.intro or {}).get("en"))
    for goal, sentence in GOALS.items():
        yield f"goal-{goal}", sentence


#: Tags that start or end a paragraph-level chunk of a template.
_BLOCK_TAG = re.compile(
    r"</?(?:p|li|h[1-6]|td|th|dt|dd|div|blockquote|section|header|article|ul|ol|dl|table|thead|tbody|tr|br|"
    r"head|body|html|title)\b[^>]*>",
    re.IGNORECASE,
)
#: Templates no parent reads (none yet): skipped.
CLINICIAN_TEMPLATES: set[str] = {"letter.html"}  # written for physicians, not held to grade 8


def template_chunks(source: str) -> list[str]:
    """The visible English of a template, one chunk per paragraph-level element, with Jinja and HTML removed."""
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.DOTALL)
    chunks = []
    for block in _BLOCK_TAG.split(source):
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", block, flags=re.DOTALL)
        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
        text = re.sub(r"\s+", " ", text).strip()
        if len(words(text)) >= 8:
            chunks.append(text)
    return chunks


def _template_texts() -> Iterator[tuple[str, str]]:
    """The templates' own words: careplan's phrases (careplan/language/phrases), each of 8 words or more, and any
    English still written into a template itself."""
    for group in phrases.english().values():
        for key, text in group.items():
            plain = re.sub(r"\{[^{}]*\}", "", text)  # as the template's own text was measured: values left out
            if len(words(plain)) >= 8:
                yield f"phrase-{key}", plain
    for path in sorted(TEMPLATES.glob("*.html")):
        if path.name in CLINICIAN_TEMPLATES:
            continue
        for index, chunk in enumerate(template_chunks(path.read_text(encoding="utf-8")), start=1):
            yield f"{path.name}#{index}", chunk


#: Short names for the people in the example intakes: a name is not a word the writer chose, and a long surname
#: ('Mustermann-Probe') would count against every sentence that names the baby.
SHORT_NAMES = ["Mia", "Leo", "Ava"]


def _with_short_names(intake: Intake) -> Intake:
    data = intake.model_dump(mode="json", exclude_unset=True)
    data["parent"]["name"] = "Sam"
    for baby, name in zip(data["babies"], SHORT_NAMES, strict=False):
        baby["name"] = name
    return Intake.model_validate(data)


def _example_plans() -> Iterator[tuple[str, Plan]]:
    for path in EXAMPLES:
        # In English: the Spanish family's plan is measured in Spanish (tests/language/test_spanish.py).
        yield path.stem[:2], build_plan(_with_short_names(load_intake(path)), LIBRARY, language="en")
    for path in LOW_SUPPLY_EXAMPLES:
        plan = build_plan(_with_short_names(load_intake(path)), LIBRARIES["low-supply"], language="en")
        yield f"low-supply-{path.stem[:2]}", plan
    # Branches of the computed parts that no example reaches: an older baby, a one-year-old, an emergency setting.
    yield "older", build_plan(make_intake(**{"babies.0.birth_date": "2025-09-01"}), LIBRARY)
    yield "toddler", build_plan(make_intake(**{"babies.0.birth_date": "2025-02-01"}), LIBRARY)
    yield "emergency", build_plan(make_intake(**{"consult.setting": "emergency"}), LIBRARY)


EXAMPLE_PLANS = list(_example_plans())
LIBRARY_TEXTS = list(_library_texts())


def _plan_texts() -> Iterator[tuple[str, str]]:
    """The texts of the example plans, each once, leaving out those already checked as library texts."""
    seen = {text for _, text in LIBRARY_TEXTS}
    for name, plan in EXAMPLE_PLANS:
        found: list[tuple[str, str | None]] = []
        if plan.plan_type == "relactation" or plan.schedule is not None:
            found += [("schedule.note", schedule_of(plan).note)]
            found += [("session.what", session.what) for session in schedule_of(plan).sessions]
        for feeding in plan.feeding:
            found.append(("feeding.basis", feeding.basis))
            found += [("feeding.note", note) for note in feeding.notes]
            if feeding.step_down_withheld:  # as _daily.html prints it
                found.append(("feeding.step_down_withheld", f"No step-down for now: {feeding.step_down_withheld}."))
        found += [(f"timeline.{step.label}", step.text) for step in plan.timeline]
        found += [(item.id, passage(item.title, item.text, item.why, item.because)) for item in plan.items()]
        found += [(f"{exclusion.id}.reason", exclusion.reason) for exclusion in plan.exclusions]
        found += [("growth.note", note) for growth in plan.growth for note in growth.notes]
        for chart in charts(plan, Formatter(locale_for(None, plan.jurisdiction))):
            found += [(f"{chart['id']}.{part}", chart[part]) for part in ("description", "explain")]
        for where, text in found:
            if text and text not in seen:
                seen.add(text)
                yield f"plan-{name}:{where}", text


PARENT_TEXTS = [*LIBRARY_TEXTS, *_template_texts(), *_plan_texts()]

def _params() -> list[Any]:
    return [pytest.param(text_id, text, id=text_id) for text_id, text in PARENT_TEXTS]


def test_every_placeholder_has_a_plausible_value() -> None:
    for rule in ENTRIES:
        for part, lang, text in iter_texts(rule.entry):
            for _, name, _, _ in string.Formatter().parse(text):
                known = name is None or name in FILL or name in rule.entry.words
                assert known, f"{rule.entry.id} {part}.{lang}: add a value for {{{name}}}"


def test_exclusion_entries_never_reach_a_parent() -> None:
    for _, plan in EXAMPLE_PLANS:
        assert not [item.id for item in plan.items() if item.kind == "exclusion"]


def test_texts_come_from_every_kind_of_place() -> None:
    ids = [text_id for text_id, _ in PARENT_TEXTS]
    for prefix in ("section-", "goal-", "phrase-sheet.", "phrase-details.", "phrase-email.", "plan-01:", "plan-06:"):
        assert any(i.startswith(prefix) for i in ids), prefix
    assert any(":session.what" in i for i in ids)
    assert any(":timeline." in i for i in ids)
    assert any(":chart-growth-1.description" in i for i in ids) and any(":chart-milk.description" in i for i in ids)


@pytest.mark.parametrize(("text_id", "text"), _params())
def test_parent_text_is_plain(text_id: str, text: str) -> None:
    fk = flesch_kincaid_grade(text)
    smog = smog_grade(text)
    assert fk <= MAX_GRADE and smog <= MAX_GRADE, f"{text_id}: Flesch-Kincaid {fk:.1f}, SMOG {smog:.1f}: {text}"


# --- No doses, no evidence tags ---------------------------------------------------------------------------------

#: A dose: a number followed by a unit of amount (mg, mcg, µg, IU, g a day), or a number of mg followed by how often
#: ('10 mg three times daily'). Millilitres of milk (mL), percentages and a baby's weight gain in g a day are not.
_DOSE = re.compile(
    r"\d\s*(?:mg|mcg|µg|μg|milligrams?|micrograms?|IU|international units?)\b"
    r"|\d\s*(?:g|grams?)\s*(?:/\s*d(?:ay)?\b|per\s+day|a\s+day|daily)"
    r"|\d\s*mg\b.{0,20}?\b(?:times?\s+(?:a\s+day|daily)|once|twice|daily)",
    re.IGNORECASE,
)
#: Words before a figure in g a day that make it a baby's weight gain, not a dose.
_WEIGHT_GAIN = re.compile(r"\b(?:gain\w*|weigh\w*)\b[^.;:]{0,30}$", re.IGNORECASE)


def find_dose(text: str) -> str | None:
    for found in _DOSE.finditer(text):
        grams_a_day = not re.match(r"\d\s*(?:mg|mcg|µg|μg|milli|micro|IU|international)", found.group(0), re.I)
        if grams_a_day and _WEIGHT_GAIN.search(text[: found.start()]):
            continue
        return found.group(0)
    return None


@pytest.mark.parametrize(
    "text",
    [
        "10 mg three times daily",
        "a 60 mg dose",
        ">=25 g/day lowers glucose",
        "30 mg/day",
        "25 g per day",
        "400 IU of vitamin D",
        "250 mcg",
        "5 µg",
    ],
)
def test_dose_pattern_finds_doses(text: str) -> None:
    assert find_dose(text)


@pytest.mark.parametrize(
    "text",
    ["+90-94 mL/day", "24%", "150-200 mL/kg/day", "at least 8 times a day", "2,500 g", "gain <20-35 g/day"],
)
def test_dose_pattern_leaves_volumes_and_effects(text: str) -> None:
    assert not find_dose(text)


@pytest.mark.parametrize("rule", ENTRIES, ids=lambda rule: rule.entry.id)
def test_no_doses_or_evidence_tags(rule) -> None:  # type: ignore[no-untyped-def]
    for part, lang, text in iter_texts(rule.entry):
        assert not find_dose(text), f"{rule.entry.id} {part}.{lang}: a dose: {find_dose(text)!r}"
        assert not re.search(r"\[(U|S|V)\]", text), f"{rule.entry.id} {part}.{lang}: an evidence tag"
    found = find_dose(rule.entry.clinician_note)
    assert not found, f"{rule.entry.id} clinician_note: a dose figure: {found!r}"


def test_no_doses_in_any_parent_text() -> None:
    for text_id, text in PARENT_TEXTS:
        assert not find_dose(text), f"{text_id}: a dose: {find_dose(text)!r}"


# --- Sources ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("plan_type", sorted(LIBRARIES))
def test_every_entry_has_sources_that_exist(plan_type: str) -> None:
    library = LIBRARIES[plan_type]
    for rule in library.rules.values():
        assert rule.entry.sources
        for source in rule.entry.sources:
            assert source in library.sources, (rule.entry.id, source)


def test_sources_of_the_computed_parts_exist(library: Library) -> None:
    for source in [*SCHEDULE_SOURCES, *FEEDING_SOURCES, *STEP_DOWN_SOURCES]:
        assert source in library.sources, source


def test_templates_have_parent_text() -> None:
    texts = dict(_template_texts())
    assert any("If your baby is very sleepy and hard to wake" in text for text in texts.values())
    assert not any("{" in text or "<" in text for text in texts.values())
    # The templates hold no sentence of their own: every one is a phrase, so it can be translated.
    assert [key for key in texts if not key.startswith("phrase-")] == []
