"""The ``letter`` blocks: what the letter to the baby's and the parent's doctors asks for each urgent item and referral.

Every urgent entry and referral has one and no other entry does; the loader refuses a misplaced or malformed one; a
request is a request (never an order, never a dose) and is as urgent as its entry; and the engine fills a request's
placeholders with the same values as the item's text, twins included.
"""

from __future__ import annotations

import re
import string
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from careplan.cli import cli
from careplan.errors import LibraryError
from careplan.intake import load_intake
from careplan.rules.doses import REQUEST_OPENINGS, find_dose, find_order
from careplan.rules.engine import build_plan
from careplan.rules.library import Rule, iter_texts, letter_warnings, load_library
from tests.conftest import EXAMPLES, ROOT

LIBRARY = load_library()
RULES = sorted(LIBRARY.rules.values(), key=lambda rule: rule.entry.id)
WITH_LETTER = [rule for rule in RULES if rule.entry.kind in ("urgent", "referral")]
EXAMPLE_04 = ROOT / "intake_forms" / "relactation" / "examples" / "04-urgent-newborn-weight-loss.json"
EXAMPLE_05 = ROOT / "intake_forms" / "relactation" / "examples" / "05-preterm-twins-nicu-follow-up.json"


def request_of(rule: Rule) -> str:
    assert rule.entry.letter is not None, f"{rule.entry.id}: no letter block"
    return rule.entry.letter.request


# --- Which entries carry a letter -------------------------------------------------------------------------------


def test_the_library_has_urgent_entries_and_referrals() -> None:
    assert len(WITH_LETTER) >= 30
    assert {rule.entry.kind for rule in WITH_LETTER} == {"urgent", "referral"}


@pytest.mark.parametrize("rule", WITH_LETTER, ids=lambda rule: rule.entry.id)
def test_every_urgent_entry_and_referral_has_a_letter(rule: Rule) -> None:
    assert rule.entry.letter is not None, f"{rule.entry.id}: add a letter block"


def test_no_other_entry_has_a_letter() -> None:
    others = [rule.entry.id for rule in RULES if rule.entry.kind not in ("urgent", "referral") and rule.entry.letter]
    assert others == []


def test_the_built_in_library_has_no_letter_warnings() -> None:
    assert letter_warnings(LIBRARY) == []


# --- What a request says ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Please consider domperidone 10 mg three times a day.",
        "a 60 mg dose",
        "250 mcg",
        "5 µg of levothyroxine",
        "400 IU of vitamin D",
        "2 tablets",
        "one capsule",
        "1 capsule at night",
        "fenugreek 25 g per day",
        "5 mL of the domperidone suspension",
        "metoclopramide three times a day",
        "domperidone twice daily",
        "take 2 x daily with the medicine",
        "Please consider 3 times a day of her herbs",
        "start the medicine every 8 hours",
    ],
)
def test_the_dose_pattern_finds_doses(text: str) -> None:
    assert find_dose(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Please consider weighing Mia within 24 hours.",
        "over the next 7 days",
        "about 10% below birth weight",
        "a birth weight under 2,500 g",
        "a gain under 20 g a day before 16 weeks",
        "fewer than 6 wet diapers in 24 hours",
        "pump at least 8 times a day",
        "a supplement of 30 mL after feeds",
        "a temperature of 38 °C or more",
        "born before 37 weeks",
        "the ABM #9 screening list",
        "Please review whether lithium is compatible with breastfeeding.",
        "Levothyroxine is compatible with breastfeeding.",
    ],
)
def test_the_dose_pattern_leaves_weights_times_and_volumes(text: str) -> None:
    assert not find_dose(text), find_dose(text)


@pytest.mark.parametrize("rule", WITH_LETTER, ids=lambda rule: rule.entry.id)
def test_a_request_has_no_dose_and_no_order(rule: Rule) -> None:
    request = request_of(rule)
    assert not find_dose(request), f"{rule.entry.id}: a dose in the letter request: {find_dose(request)!r}"
    assert not find_order(request), f"{rule.entry.id}: an order, not a request: {find_order(request)!r}"
    assert not re.search(r"\[(U|S|V)\]", request), f"{rule.entry.id}: an evidence tag in the letter request"


@pytest.mark.parametrize("rule", WITH_LETTER, ids=lambda rule: rule.entry.id)
def test_a_request_opens_as_a_request(rule: Rule) -> None:
    assert request_of(rule).startswith(REQUEST_OPENINGS), rule.entry.id


@pytest.mark.parametrize("rule", WITH_LETTER, ids=lambda rule: rule.entry.id)
def test_a_letter_is_as_urgent_as_its_entry(rule: Rule) -> None:
    entry = rule.entry
    assert entry.letter is not None
    if entry.kind == "urgent" or entry.urgency in ("now", "today"):
        assert entry.letter.urgency == "same_day", entry.id
    else:
        assert entry.letter.urgency in ("this_week", "routine"), entry.id


@pytest.mark.parametrize("rule", WITH_LETTER, ids=lambda rule: rule.entry.id)
def test_a_letter_goes_to_a_plausible_clinician(rule: Rule) -> None:
    entry = rule.entry
    assert entry.letter is not None
    if rule.per_baby:
        assert entry.letter.to == "baby_clinician", f"{entry.id}: about one baby, so for the baby's clinician"
    if entry.letter.to == "prescriber":
        assert rule.origin.endswith("/medicines.yaml"), f"{entry.id}: a prescriber's request is about a medicine"
    placeholders = {name for _, name, _, _ in string.Formatter().parse(entry.letter.request) if name}
    if entry.letter.to != "baby_clinician":
        assert "parent_name" in placeholders or "names" in placeholders, f"{entry.id}: name whom it is about"


def test_a_request_is_not_parent_text() -> None:
    """Requests are for physicians: the readability test never sees them."""
    for rule in WITH_LETTER:
        texts = list(iter_texts(rule.entry))
        assert request_of(rule) not in [text for _, _, text in texts], rule.entry.id
        assert not [part for part, _, _ in texts if part.startswith("letter")], rule.entry.id


# --- The loader -------------------------------------------------------------------------------------------------

REFERRAL = """
entries:
  - id: practice-referral
    kind: referral
    urgency: soon
    title: {en: "See your doctor"}
    text: {en: "Please see your doctor about {baby_name}."}
    clinician_note: "Practice referral."
    sources: [LLL-RL]
"""
LETTER = """
    letter:
      to: baby_clinician
      urgency: this_week
      request: "Please consider reviewing {baby_name}."
"""


def practice(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "practice"
    folder.mkdir(exist_ok=True)
    (folder / "extra.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(LibraryError) as caught:
        load_library(folder)
    return caught.value.lines


def test_a_practice_referral_with_a_letter_loads(tmp_path: Path) -> None:
    library = load_library(practice(tmp_path, REFERRAL + LETTER.lstrip("\n")))
    letter = library.rules["practice-referral"].entry.letter
    assert letter is not None and letter.to == "baby_clinician" and letter.urgency == "this_week"
    assert letter_warnings(library) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            [("kind: referral", "kind: strategy\n    section: wellbeing"), ("    urgency: soon\n", "")],
            "letter: only urgent entries and referrals have a letter block, not a strategy",
        ),
        ([("to: baby_clinician", "to: midwife")], "letter.to: Input should be 'baby_clinician'"),
        ([("urgency: this_week", "urgency: tomorrow")], "letter.urgency: Input should be 'same_day'"),
        ([("reviewing {baby_name}", "reviewing {dose}")], "letter.request: {dose} is not a param of this entry"),
        ([("reviewing {baby_name}", "reviewing {baby_name")], "letter.request: bad placeholder"),
        ([("urgency: this_week", "urgency: same_day")], "urgency 'same_day' needs an urgent entry"),
        ([("    urgency: soon", "    urgency: today")], "letter: urgency must be 'same_day'"),
        ([("request: \"Please", "requests: \"Please")], "letter.requests: is not a known field"),
        ([("reviewing {baby_name}.", "giving {baby_name} 5 mg of domperidone.")], "letter.request: a dose ('5 mg')"),
        ([("Please consider reviewing", "You must review")], "letter.request: an order ('must')"),
        ([("Please consider reviewing", "Review")], "letter.request: must open as a request"),
    ],
)
def test_the_loader_refuses_a_bad_letter(tmp_path: Path, changes: list[tuple[str, str]], message: str) -> None:
    body = REFERRAL + LETTER.lstrip("\n")
    for old, new in changes:
        assert old in body, old
        body = body.replace(old, new)
    folder = practice(tmp_path, body)
    lines = problems(folder)
    assert lines, "refused"
    assert all(line.startswith(f"{folder}/extra.yaml: entry 'practice-referral': ") for line in lines), lines
    assert any(message in line for line in lines), lines


# --- Into the plan ----------------------------------------------------------------------------------------------


def test_an_example_plan_fills_the_requests() -> None:
    intake = load_intake(EXAMPLE_04)
    baby = intake.babies[0].name
    plan = build_plan(intake, load_library(), language="en")  # letters are English; the parent text too here
    letters = [item for item in plan.items() if item.letter is not None]
    assert len(letters) >= 2
    assert {item.kind for item in letters} <= {"urgent", "referral"}
    assert all(item.letter is not None for item in plan.items() if item.kind in ("urgent", "referral"))
    assert all(item.letter is None for item in plan.items() if item.kind not in ("urgent", "referral"))
    for item in letters:
        assert item.letter is not None
        assert "{" not in item.letter.request and "}" not in item.letter.request, item.id
    weight = next(item for item in letters if item.id == "urgent-weight-loss")
    assert weight.letter is not None and weight.letter.urgency == "same_day" and weight.letter.to == "baby_clinician"
    assert baby in weight.letter.request and baby in weight.text
    loss = re.search(r"about (\d+)% less", weight.text)
    assert loss is not None and f"about {loss.group(1)}% below birth weight" in weight.letter.request


def test_twins_share_one_request_naming_both() -> None:
    intake = load_intake(EXAMPLE_05)
    names = [baby.name for baby in intake.babies]
    plan = build_plan(intake, LIBRARY)
    shared = [item for item in plan.items() if item.letter is not None and len(item.babies) == 2]
    assert shared, "the twins share at least one referral"
    for item in shared:
        assert item.letter is not None
        assert f"{names[0]} and {names[1]}" in item.letter.request, item.letter.request


def test_every_example_plan_has_filled_requests() -> None:
    for path in EXAMPLES:
        plan = build_plan(load_intake(path), LIBRARY)
        for item in plan.items():
            if item.letter is not None:
                assert "{" not in item.letter.request, f"{path.name}: {item.id}"
                assert not find_dose(item.letter.request), f"{path.name}: {item.id}"


# --- library check warns ----------------------------------------------------------------------------------------


def test_library_check_warns_of_a_referral_without_a_letter(tmp_path: Path) -> None:
    folder = practice(tmp_path, REFERRAL)
    library = load_library(folder)
    expected = (
        f"{folder}/extra.yaml: entry 'practice-referral': a referral with no letter block "
        "(the doctors' letter will not list it)"
    )
    assert letter_warnings(library) == [expected]
    result = CliRunner().invoke(cli, ["library", "check", str(folder), "--plan-type", "relactation"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("relactation: ok: ")
    assert result.stderr.splitlines() == [f"warning: {expected}"]
    both = CliRunner().invoke(cli, ["library", "check", str(folder)])  # the folder on each plan type's library
    assert both.stderr.splitlines() == [f"warning: {expected}"] * 2


def test_library_check_is_quiet_for_the_built_in_library() -> None:
    result = CliRunner().invoke(cli, ["library", "check"])
    assert result.exit_code == 0 and "warning" not in result.output
