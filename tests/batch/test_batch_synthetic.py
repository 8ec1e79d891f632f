"""The synthetic intake generator: always valid, deterministic, and as varied as a real practice's intakes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from careplan.cli import cli
from careplan.errors import InputError
from careplan.intake import Intake, load_intake, parse_intake
from careplan.synthetic import INVALID_KINDS, invalid_intake, synthetic_intake, write_synthetic
from tests.helpers.pdf import SRGB_LEAK_FILTER, full_text, no_weasyprint_warnings, squash

pytestmark = pytest.mark.slow  # slow: renders batches of synthetic intakes

COUNT = 400


@pytest.fixture(scope="module")
def intakes() -> list[Intake]:
    return [parse_intake(json.dumps(synthetic_intake(i)), f"#{i}") for i in range(COUNT)]


def test_every_intake_is_valid_for_several_seeds() -> None:
    for seed in (1, 2, 3):
        for index in range(150):
            parse_intake(json.dumps(synthetic_intake(index, seed)), f"{seed}/{index}")


def test_same_seed_same_intakes_and_numbering_is_stable() -> None:
    assert synthetic_intake(7, seed=3) == synthetic_intake(7, seed=3)
    assert synthetic_intake(7, seed=3) != synthetic_intake(7, seed=4)
    assert synthetic_intake(7, seed=3) != synthetic_intake(8, seed=3)


def test_variety(intakes: list[Intake]) -> None:
    seen: Counter[str] = Counter()
    for intake in intakes:
        seen[f"babies:{len(intake.babies)}"] += 1
        seen[f"setting:{intake.consult.setting}"] += 1
        seen[f"jurisdiction:{intake.consult.jurisdiction}"] += 1
        seen[f"relationship:{intake.parent.relationship}"] += 1
        seen[f"language:{intake.parent.preferred_language.split('-')[0]}"] += 1
        seen[f"visit:{intake.consult.visit}"] += 1
        youngest = intake.youngest_baby
        seen["newborn" if youngest.age_days < 14 else "older"] += 1
        seen["preterm" if youngest.preterm else "term-or-unknown"] += 1
        seen["losing-weight" if (youngest.weight_loss_pct or 0) >= 7 else "weight-ok"] += 1
        seen["over-6-months" if youngest.age_days > 183 else "under-6-months"] += 1
        seen["medicines-unknown" if intake.health.medications is None else "medicines-known"] += 1
        seen["conditions-unknown" if intake.health.conditions is None else "conditions-known"] += 1
        seen["allergies" if intake.health.allergy_list else "no-allergies"] += 1
        seen["surgery" if intake.health.breast_surgeries else "no-surgery"] += 1
        seen["own-words" if intake.goals.in_own_words else "no-own-words"] += 1
        seen["progress" if intake.progress else "no-progress"] += 1
        for medicine_class in intake.health.medicine_classes:
            seen[f"class:{medicine_class}"] += 1
        if any(ord(c) > 0x2FF for c in intake.parent.name):
            seen["non-latin-name"] += 1
        if intake.lactation.last_milk_removal is not None:
            seen["gap-known"] += 1
    assert seen["babies:1"] > COUNT * 0.85
    assert seen["babies:2"] >= 5, "twins"
    for setting in ("clinic", "virtual", "home", "emergency"):
        assert seen[f"setting:{setting}"], setting
    for jurisdiction in ("US", "CA", "UK", "EU", "AU", "NZ", "other", "unknown"):
        assert seen[f"jurisdiction:{jurisdiction}"], jurisdiction
    for relationship in ("birth_parent", "adoptive_parent", "non_gestational_parent", "grandparent", "other_carer"):
        assert seen[f"relationship:{relationship}"], relationship
    assert sum(1 for key in seen if key.startswith("language:")) >= 10
    for kind in ("newborn", "preterm", "losing-weight", "over-6-months", "medicines-unknown", "conditions-unknown",
                 "allergies", "surgery", "own-words", "progress", "non-latin-name", "gap-known", "visit:follow_up"):
        assert seen[kind] >= 3, kind
    # medicines by their real names, recognised by careplan's lexicon
    for medicine_class in ("thyroid_hormone", "antidiabetic", "antidepressant", "estrogen_contraceptive",
                           "anticoagulant", "domperidone", "pseudoephedrine"):
        assert seen[f"class:{medicine_class}"], medicine_class


def test_each_invalid_kind_fails_with_clear_lines(tmp_path: Path) -> None:
    for kind in INVALID_KINDS:
        path = tmp_path / f"{kind}.json"
        path.write_bytes(invalid_intake(kind))
        with pytest.raises(InputError) as caught:
            load_intake(path)
        assert caught.value.lines
        assert all(line.startswith(f"{path}: ") for line in caught.value.lines), caught.value.lines


def test_write_synthetic_and_the_command(tmp_path: Path) -> None:
    paths = write_synthetic(tmp_path / "a", 3, seed=5, invalid=2)
    assert [p.name for p in paths] == [
        "synthetic-00001.json",
        "synthetic-00002.json",
        "synthetic-00003.json",
        "invalid-01-malformed-json.json",
        "invalid-02-empty.json",
    ]
    result = CliRunner().invoke(cli, ["synthetic", "-o", str(tmp_path / "b"), "-n", "3", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 intakes" in result.output
    for name in ("synthetic-00001.json", "synthetic-00002.json", "synthetic-00003.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert ((tmp_path / "b" / name).stat().st_mode & 0o777) == 0o600


def test_the_command_writes_low_supply_intakes(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["synthetic", "-o", str(tmp_path), "-n", "4", "--seed", "2", "--plan-type", "low-supply"]
    )
    assert result.exit_code == 0, result.output
    for path in sorted(tmp_path.glob("synthetic-*.json")):
        intake = load_intake(path)
        assert intake.plan_type == "low-supply" and "low_supply" in json.loads(path.read_text(encoding="utf-8"))
    again = write_synthetic(tmp_path / "again", 4, seed=2, plan_type="low-supply")
    assert path.read_bytes() == again[-1].read_bytes()


@SRGB_LEAK_FILTER
def test_names_in_every_script_render_without_warnings(tmp_path: Path) -> None:
    """The generator's families whose names are in Arabic, Devanagari, Chinese, Hebrew, Greek and Thai script
    render with careplan's own fonts: no missing glyph, no fallback."""
    from careplan.pipeline import write_plan_pdf
    from careplan.practice import load_practice
    from careplan.rules.library import load_library

    wanted = {"ar", "hi", "zh", "he", "el", "th"}
    picked: dict[str, Intake] = {}
    index = 0
    while wanted - picked.keys():
        data = synthetic_intake(index)
        language = data["parent"]["preferred_language"].split("-")[0]
        if language in wanted and language not in picked and any(ord(c) > 0x24F for c in data["parent"]["name"]):
            picked[language] = parse_intake(json.dumps(data))
        index += 1
    library, practice = load_library(), load_practice()
    for language, intake in sorted(picked.items()):
        with no_weasyprint_warnings():
            rendered = write_plan_pdf(intake, tmp_path / f"{language}.pdf", library=library, practice=practice)
        assert rendered.warnings == [], language
        if language in ("zh", "el", "he"):  # pypdf reads shaped Arabic, Devanagari and Thai glyphs back imperfectly
            assert intake.parent.name.replace(" ", "") in squash(full_text(tmp_path / f"{language}.pdf")), language
