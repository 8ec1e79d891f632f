"""Plan types are data: a folder with a manifest and a library is a plan type, with no Python change.

The toy plan type below lives in the test's temporary folder. It is found through ``$CAREPLAN_PLANTYPES``, its
library is type-checked like careplan's own, an intake of its type validates, builds a plan and renders a PDF,
and its own partial template replaces the shared one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from careplan.cli import cli
from careplan.errors import InputError, LibraryError
from careplan.intake import parse_intake
from careplan.plantypes import ENVIRONMENT, available, load_plantype
from careplan.rules.engine import build_plan
from careplan.rules.library import load_library
from tests.conftest import BASE_INTAKE
from tests.helpers.pdf import full_text

MANIFEST = """
id = "toy"
title = "A toy plan type"
library = "library"
documents = ["care-plan"]
computed = []
"""

LIBRARY = """
sections:
  - id: urgent
    title: {en: "Do this first"}
  - id: referrals
    title: {en: "Who else to see"}
  - id: toy_section
    title: {en: "Toy things"}
sources:
  TOY1:
    citation: "A made-up source for a test, 2026."
entries:
  - id: toy-fever
    kind: urgent
    urgency: now
    title: {en: "A toy fever check for {baby_name}"}
    when:
      all:
        fever: "baby.fever == 'yes'"
    text: {en: "Call the doctor now."}
    clinician_note: "Toy."
    sources: [TOY1]
  - id: toy-always
    kind: strategy
    section: toy_section
    title: {en: "Toy strategy for {parent_name}"}
    text: {en: "Drink a glass of water with each feed."}
    clinician_note: "Toy."
    sources: [TOY1]
"""

EXPECT_PARTIAL = '<section class="plan-section"><h2>Toy expectations</h2><p>{{ plan.plan_type }} plans.</p></section>\n'


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "types" / "toy"
    (folder / "library").mkdir(parents=True)
    (folder / "templates").mkdir()
    (folder / "plantype.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "library" / "toy.yaml").write_text(LIBRARY, encoding="utf-8")
    (folder / "templates" / "_expect.html").write_text(EXPECT_PARTIAL, encoding="utf-8")
    monkeypatch.setenv(ENVIRONMENT, str(tmp_path / "types"))
    return folder


def toy_intake(fever: str = "no") -> bytes:
    data = json.loads(json.dumps(BASE_INTAKE))
    data["plan_type"] = "toy"
    data["babies"][0]["fever"] = fever
    return json.dumps(data).encode("utf-8")


def test_careplan_knows_its_own_plan_type() -> None:
    assert "relactation" in available()
    kind = load_plantype("relactation")
    assert kind.step_down_entry == "supplement-step-down"
    assert kind.form is not None and kind.form.is_file()
    assert kind.examples is not None and len(list(kind.examples.glob("*.json"))) >= 9


def test_a_plan_type_added_as_data_builds_and_renders(toy: Path, tmp_path: Path) -> None:
    assert "toy" in available()
    intake = parse_intake(toy_intake(fever="yes"), "toy.json")
    library = load_library(plan_type="toy")
    plan = build_plan(intake, library)
    assert plan.plan_type == "toy"
    assert plan.item_ids() == {"toy-fever", "toy-always"}
    assert plan.schedule is None and plan.feeding == [] and plan.timeline == []

    source = tmp_path / "toy.json"
    source.write_bytes(toy_intake(fever="yes"))
    pdf = tmp_path / "toy.pdf"
    result = CliRunner().invoke(cli, ["render", str(source), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    text = full_text(pdf)
    assert "A toy fever check for" in text
    assert "Drink a glass of water with each feed." in text
    assert "Toy expectations" in text, "the plan type's own partial replaces the shared one"
    assert "Your daily plan" not in text, "no computed parts, so no daily plan"


def test_a_plan_types_library_is_type_checked(toy: Path) -> None:
    broken = LIBRARY.replace("baby.fever == 'yes'", "baby.fevr == 'yes'")
    (toy / "library" / "toy.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        load_library(plan_type="toy")
    assert any("fevr" in line and "toy.yaml" in line for line in caught.value.lines)
    result = CliRunner().invoke(cli, ["library", "check", "--plan-type", "toy"])
    assert result.exit_code == 1 and "fevr" in result.output and "Traceback" not in result.output


def test_an_unknown_plan_type_is_refused_in_the_intake() -> None:
    data = json.loads(json.dumps(BASE_INTAKE))
    data["plan_type"] = "no-such-type"
    with pytest.raises(InputError) as caught:
        parse_intake(json.dumps(data), "intake.json")
    assert caught.value.lines == [
        "intake.json: plan type [plan_type]: is not a plan type careplan knows (there are: low-supply, relactation)"
    ]


def test_an_intake_and_a_library_of_different_types_do_not_mix(toy: Path) -> None:
    intake = parse_intake(toy_intake(), "toy.json")
    with pytest.raises(LibraryError, match="'toy' intake, but the library is for 'relactation'"):
        build_plan(intake, load_library())


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        (MANIFEST.replace('id = "toy"', 'id = "other"'), "id: must be the folder's name"),
        (MANIFEST + 'computed = ["magic"]\n', "not valid TOML"),
        (MANIFEST.replace("computed = []", 'computed = ["magic"]'), "'magic' is not one of"),
        (MANIFEST + 'colour = "blue"\n', "colour: is not a known setting"),
        (MANIFEST.replace('library = "library"', 'library = "nowhere"'), "is not a folder"),
    ],
)
def test_a_bad_manifest_is_named_line_by_line(toy: Path, manifest: str, problem: str) -> None:
    (toy / "plantype.toml").write_text(manifest, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_plantype("toy")
    assert any(problem in line and "plantype.toml" in line for line in caught.value.lines), caught.value.lines


def test_a_document_the_plan_type_does_not_offer_is_refused(toy: Path, tmp_path: Path) -> None:
    (toy / "plantype.toml").write_text(MANIFEST.replace('documents = ["care-plan"]', "documents = []"), "utf-8")
    source = tmp_path / "toy.json"
    source.write_bytes(toy_intake())
    result = CliRunner().invoke(cli, ["render", str(source), "-o", str(tmp_path / "toy.pdf")])
    assert result.exit_code == 1
    assert result.stderr.strip() == "the toy plan type does not offer a 'care-plan' document ()"
    assert not (tmp_path / "toy.pdf").exists()


# --------------------------------------------------------------------------------------------------------------
# Shared entries live once
# --------------------------------------------------------------------------------------------------------------


def own_texts(plan_type: str) -> dict[str, str]:
    """Each English text of the entries in the plan type's own folder (not the shared ones), whitespace folded,
    naming the entry and part it is in."""
    from careplan.rules.entries import TEXT_PARTS

    library = load_library(plan_type=plan_type)
    assert library.plantype is not None
    own = f"{library.plantype.shown}/"
    texts: dict[str, str] = {}
    for entry_id, rule in library.rules.items():
        if not rule.origin.startswith(own):
            continue
        for part in TEXT_PARTS:
            value = getattr(rule.entry, part)
            if value is not None:
                texts[" ".join(value["en"].split())] = f"{plan_type}: {entry_id}.{part}"
    return texts


def shared_texts(plan_type: str) -> dict[str, str]:
    from careplan.rules.entries import TEXT_PARTS

    library = load_library(plan_type=plan_type)
    assert library.plantype is not None
    shared = [f"{shown}/" for folder, shown in library.plantype.libraries if folder != library.plantype.library]
    return {
        " ".join(value["en"].split()): f"shared: {entry_id}.{part}"
        for entry_id, rule in library.rules.items()
        if any(rule.origin.startswith(prefix) for prefix in shared)
        for part in TEXT_PARTS
        if (value := getattr(rule.entry, part)) is not None
    }


def same_texts(plan_types: list[str]) -> list[str]:
    """Every text carried by two plan types' own folders, or by one of them and the shared library: such an entry
    belongs in the shared library, once. Short titles that two different entries may share by chance are kept
    out (under 8 words)."""
    seen: dict[str, str] = {}
    for plan_type in plan_types:
        seen.update({text: where for text, where in shared_texts(plan_type).items()})
    found = []
    for plan_type in plan_types:
        for text, where in own_texts(plan_type).items():
            if len(text.split()) >= 8 and text in seen and seen[text] != where:
                found.append(f"{where} repeats {seen[text]}: {text[:60]}...")
            seen.setdefault(text, where)
    return found


def test_no_two_plan_types_carry_the_same_entry_text() -> None:
    assert {"relactation", "low-supply"} <= set(available())
    assert same_texts(available()) == []


def test_a_copied_entry_is_found(toy: Path) -> None:
    """The check above can fail: a plan type that copies a relactation entry's text is named."""
    relactation = load_library(plan_type="relactation")
    copied = relactation.rules["expect-relationship-not-volume"].entry.text
    assert copied is not None
    (toy / "library" / "copy.yaml").write_text(
        "entries:\n  - id: toy-copy\n    kind: expectation\n    section: toy_section\n"
        f"    title: {{en: \"Copied\"}}\n    text: {{en: {json.dumps(copied['en'])}}}\n"
        "    clinician_note: \"Toy.\"\n    sources: [TOY1]\n",
        encoding="utf-8",
    )
    found = same_texts(["relactation", "toy"])
    assert len(found) == 1 and "toy: toy-copy.text repeats relactation: expect-relationship-not-volume.text" in found[0]


def test_both_plan_types_use_the_shared_library_once() -> None:
    relactation, low_supply = load_plantype("relactation"), load_plantype("low-supply")
    assert relactation.shared == low_supply.shared and len(relactation.shared) == 1
    shared = relactation.shared[0]
    for name in ("low-supply", "relactation"):
        library = load_library(plan_type=name)
        assert "refer-few-wet-diapers" in library.rules and "help-emergency" in library.rules
        assert library.origins[0] == "careplan/plantypes/shared/library", library.origins
    assert (shared / "sources.yaml").is_file()
    assert not (load_plantype("low-supply").library / "sections.yaml").exists()


def test_a_plan_type_may_name_the_shared_library_and_a_wrong_name_is_refused(toy: Path) -> None:
    (toy / "plantype.toml").write_text(MANIFEST + 'shared = ["shared"]\n', encoding="utf-8")
    assert "help-emergency" in load_library(plan_type="toy").rules
    (toy / "plantype.toml").write_text(MANIFEST + 'shared = ["nowhere"]\n', encoding="utf-8")
    with pytest.raises(InputError, match="shared: 'nowhere' is not a shared library"):
        load_plantype("toy")


def test_library_check_type_checks_every_plan_type() -> None:
    result = CliRunner().invoke(cli, ["library", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("low-supply: ok: ") and "\nrelactation: ok: " in result.output
