"""The medicine lexicon (careplan/intake/medicine_names.yaml): names people type, the classes the rules read, and
the traps.

Each table row is a name as a consultant might type it and the exact classes careplan must recognise from it. The
expected classes come from the product's label or the list the YAML comment names, never from the code under test.
"""

from __future__ import annotations

import re
import typing
from importlib.resources import files
from typing import Any

import pytest
import yaml

from careplan.intake import Medication, MedicineClass, medicine_lexicon

ALLOWED_CLASSES: frozenset[str] = frozenset(typing.get_args(MedicineClass))


def classes_of(name: str) -> list[str]:
    return list(Medication(name=name).recognised_classes)


# name as typed, exact classes recognised
RECOGNISED: list[tuple[str, list[str]]] = [
    # combined hormonal contraception (estrogen)
    ("Loestrin 1/20", ["estrogen_contraceptive"]),
    ("Lo Loestrin Fe", ["estrogen_contraceptive"]),
    ("Microgynon 30 ED", ["estrogen_contraceptive"]),
    ("Rigevidon", ["estrogen_contraceptive"]),
    ("Yaz", ["estrogen_contraceptive"]),
    ("Yasmin", ["estrogen_contraceptive"]),
    ("Alesse 28", ["estrogen_contraceptive"]),
    ("Ortho Tri-Cyclen Lo", ["estrogen_contraceptive"]),
    ("Tri-Sprintec", ["estrogen_contraceptive"]),
    ("Junel Fe 1/20", ["estrogen_contraceptive"]),
    ("Levlen ED", ["estrogen_contraceptive"]),
    ("Marvelon", ["estrogen_contraceptive"]),
    ("Qlaira", ["estrogen_contraceptive"]),
    ("Diane-35", ["estrogen_contraceptive"]),
    ("Xulane patch", ["estrogen_contraceptive"]),
    ("Evra patch", ["estrogen_contraceptive"]),
    ("NuvaRing", ["estrogen_contraceptive"]),
    ("Annovera ring", ["estrogen_contraceptive"]),
    ("ethinyl estradiol/norgestimate", ["estrogen_contraceptive"]),
    # progestin-only contraception: pills, implants, hormonal IUDs, injections
    ("Slynd", ["progestin_only_contraceptive"]),
    ("Cerazette 75 microgram", ["progestin_only_contraceptive"]),
    ("Micronor", ["progestin_only_contraceptive"]),
    ("Ortho Micronor", ["progestin_only_contraceptive"]),  # "ortho" alone is no key
    ("Noriday", ["progestin_only_contraceptive"]),
    ("Camila", ["progestin_only_contraceptive"]),
    ("Errin", ["progestin_only_contraceptive"]),
    ("Heather pill", ["progestin_only_contraceptive"]),
    ("Heather 0.35 mg", ["progestin_only_contraceptive"]),
    ("Norgeston", ["progestin_only_contraceptive"]),
    ("Opill", ["progestin_only_contraceptive"]),
    ("Nexplanon", ["progestin_only_contraceptive"]),
    ("Implanon NXT", ["progestin_only_contraceptive"]),
    ("Mirena IUD", ["progestin_only_contraceptive"]),
    ("Kyleena", ["progestin_only_contraceptive"]),
    ("Skyla", ["progestin_only_contraceptive"]),
    ("Jaydess", ["progestin_only_contraceptive"]),
    ("Liletta", ["progestin_only_contraceptive"]),
    ("Depo-Provera 150 mg every 12 weeks", ["progestin_only_contraceptive"]),
    ("Sayana Press", ["progestin_only_contraceptive"]),
    ("medroxyprogesterone acetate injection", ["progestin_only_contraceptive"]),
    # pseudoephedrine, alone or combined
    ("Claritin-D", ["pseudoephedrine"]),
    ("Claritin-D 12 Hour", ["pseudoephedrine"]),
    ("Claritin D 24 hour", ["pseudoephedrine"]),
    ("Claritin Allergy + Sinus", ["pseudoephedrine"]),
    ("Clarinase", ["pseudoephedrine"]),
    ("Zyrtec-D", ["pseudoephedrine"]),
    ("Allegra-D 12 Hour", ["pseudoephedrine"]),
    ("Aerius Dual Action 12 Hour", ["pseudoephedrine"]),
    ("Advil Cold & Sinus", ["pseudoephedrine"]),
    ("Aleve-D Sinus & Cold", ["pseudoephedrine"]),
    ("Mucinex D", ["pseudoephedrine"]),
    ("Demazin Cold & Flu", ["pseudoephedrine"]),
    ("Day Nurse capsules", ["pseudoephedrine"]),
    ("Day & Night Nurse", ["pseudoephedrine", "sedating"]),
    ("Sudafed 12 Hour", ["pseudoephedrine"]),
    # thyroid hormone
    ("Levoxyl", ["thyroid_hormone"]),
    ("Synthroid 100 mcg", ["thyroid_hormone"]),
    ("Unithroid", ["thyroid_hormone"]),
    ("Tirosint", ["thyroid_hormone"]),
    ("Euthyrox", ["thyroid_hormone"]),
    ("Eltroxin", ["thyroid_hormone"]),
    ("Oroxine 50 microgram", ["thyroid_hormone"]),
    ("Eutroxsig", ["thyroid_hormone"]),
    ("Cytomel", ["thyroid_hormone"]),
    ("liothyronine", ["thyroid_hormone"]),
    ("Armour Thyroid", ["thyroid_hormone"]),
    ("NP Thyroid", ["thyroid_hormone"]),
    ("thyroxine", ["thyroid_hormone"]),
    # antidepressants (citalopram and escitalopram also prolong QT)
    ("Zoloft 50 mg", ["antidepressant"]),
    ("Lustral", ["antidepressant"]),
    ("Prozac", ["antidepressant"]),
    ("Seroxat", ["antidepressant"]),
    ("Paxil CR", ["antidepressant"]),
    ("Effexor XR", ["antidepressant"]),
    ("Efexor XL", ["antidepressant"]),
    ("venlafaxine", ["antidepressant"]),
    ("duloxetine", ["antidepressant"]),
    ("Cymbalta", ["antidepressant"]),
    ("Wellbutrin XL", ["antidepressant"]),
    ("Celexa", ["antidepressant", "qt_prolonging"]),
    ("Cipramil", ["antidepressant", "qt_prolonging"]),
    ("citalopram 20 mg", ["antidepressant", "qt_prolonging"]),
    ("escitalopram", ["antidepressant", "qt_prolonging"]),
    ("Lexapro", ["antidepressant", "qt_prolonging"]),
    ("Cipralex", ["antidepressant", "qt_prolonging"]),
    ("mirtazapine", ["antidepressant", "sedating"]),
    ("Remeron", ["antidepressant", "sedating"]),
    ("Zurzuvae", ["antidepressant", "sedating"]),
    ("nefazodone", ["antidepressant", "cyp3a4_inhibitor"]),
    # QT prolongation and strong CYP3A4 inhibition
    ("methadone", ["qt_prolonging", "sedating"]),
    ("clarithromycin", ["cyp3a4_inhibitor", "qt_prolonging"]),
    ("Biaxin", ["cyp3a4_inhibitor", "qt_prolonging"]),
    ("Klacid", ["cyp3a4_inhibitor", "qt_prolonging"]),
    ("erythromycin", ["cyp3a4_inhibitor", "qt_prolonging"]),
    ("azithromycin", ["qt_prolonging"]),
    ("Zithromax Z-Pak", ["qt_prolonging"]),
    ("levofloxacin", ["qt_prolonging"]),
    ("moxifloxacin", ["qt_prolonging"]),
    ("Cipro 500 mg", ["qt_prolonging"]),
    ("ondansetron", ["qt_prolonging"]),
    ("Zofran ODT", ["qt_prolonging"]),
    ("haloperidol", ["qt_prolonging"]),
    ("chlorpromazine", ["qt_prolonging"]),
    ("sotalol", ["qt_prolonging"]),
    ("donepezil", ["qt_prolonging"]),
    ("fluconazole 150 mg", ["cyp3a4_inhibitor", "qt_prolonging"]),
    ("Diflucan", ["cyp3a4_inhibitor", "qt_prolonging"]),
    ("ketoconazole", ["cyp3a4_inhibitor"]),
    ("Nizoral", ["cyp3a4_inhibitor"]),
    ("itraconazole", ["cyp3a4_inhibitor"]),
    ("Sporanox", ["cyp3a4_inhibitor"]),
    ("posaconazole", ["cyp3a4_inhibitor"]),
    ("voriconazole", ["cyp3a4_inhibitor"]),
    ("ritonavir", ["cyp3a4_inhibitor"]),
    ("Norvir", ["cyp3a4_inhibitor"]),
    ("Paxlovid", ["cyp3a4_inhibitor"]),
    ("cobicistat", ["cyp3a4_inhibitor"]),
    ("telithromycin", ["cyp3a4_inhibitor"]),
    # medicines of concern (LactMed)
    ("lithium carbonate", ["of_concern"]),
    ("Lithobid", ["of_concern"]),
    ("Priadel", ["of_concern"]),
    ("Camcolit 400", ["of_concern"]),
    ("amiodarone", ["of_concern", "qt_prolonging"]),
    ("Cordarone", ["of_concern", "qt_prolonging"]),
    ("Pacerone", ["of_concern", "qt_prolonging"]),
    ("methotrexate weekly", ["of_concern"]),
    ("Trexall", ["of_concern"]),
    ("Otrexup", ["of_concern"]),
    ("Rasuvo", ["of_concern"]),
    ("Metoject pen", ["of_concern"]),
    ("radioactive iodine (I-131)", ["of_concern"]),
    ("cyclophosphamide", ["of_concern"]),
    ("tamoxifen", ["of_concern"]),
    ("CellCept", ["of_concern"]),
    ("isotretinoin", ["of_concern"]),
    ("Cafergot", ["of_concern"]),
    # sedating
    ("hydrocodone", ["sedating"]),
    ("Vicodin", ["sedating"]),
    ("tramadol", ["sedating"]),
    ("hydromorphone", ["sedating"]),
    ("Tylenol #3", ["sedating"]),
    ("co-codamol 30/500", ["sedating"]),
    ("alprazolam", ["sedating"]),
    ("Xanax", ["sedating"]),
    ("clonazepam", ["sedating"]),
    ("Klonopin", ["sedating"]),
    ("doxylamine", ["sedating"]),
    ("Unisom SleepTabs", ["sedating"]),
    ("zopiclone", ["sedating"]),
    ("chlorphenamine", ["sedating"]),
    ("Piriton", ["sedating"]),
    ("hydroxyzine", ["sedating"]),
    # antidiabetic
    ("Januvia", ["antidiabetic"]),
    ("Jardiance", ["antidiabetic"]),
    ("Ozempic", ["antidiabetic"]),
    ("semaglutide", ["antidiabetic"]),
    ("Trulicity", ["antidiabetic"]),
    ("Victoza", ["antidiabetic"]),
    ("Diamicron MR", ["antidiabetic"]),
    ("Lantus", ["antidiabetic"]),
    # anticoagulant
    ("Eliquis", ["anticoagulant"]),
    ("Xarelto", ["anticoagulant"]),
    ("Pradaxa", ["anticoagulant"]),
    ("Lovenox", ["anticoagulant"]),
    ("Fragmin", ["anticoagulant"]),
    ("Clexane 40 mg", ["anticoagulant"]),
    # two medicines in one line keep both sets of classes
    ("Zoloft and Yaz", ["antidepressant", "estrogen_contraceptive"]),
]

# names careplan must not classify: the plan then names them for the parent to check with a pharmacist
NOT_RECOGNISED: list[str] = [
    "Paragard",  # copper IUD: no hormone
    "ParaGard copper IUD",
    "copper coil",
    "Claritin",  # loratadine only
    "Claritin 10 mg",
    "Claritin Daily",  # "claritin d" must not reach into a longer word
    "Zyrtec",
    "Allegra",
    "Aerius",
    "Clarinex",
    "Mucinex DM",  # guaifenesin and dextromethorphan
    "Nurofen Cold & Flu Relief",  # UK product is phenylephrine
    "Codral",  # sold with pseudoephedrine and with phenylephrine
    "Tylenol 325 mg",  # "tylenol 3" is no key, so a strength is not read as Tylenol #3
    "Heather's Tummy Tamers peppermint oil",  # "heather" alone is no key
    "Ortho-K lenses",
    "orthodontic wax",
    "ibuprofen",
    "paracetamol",
    "amoxicillin",
    "amlodipine",
    "vitamin D",
    "iron tablets",
    "Sudafedrine",  # whole words only
]

# a brand and its generic must read the same
SAME_AS: list[tuple[str, str]] = [
    ("Zoloft", "sertraline"),
    ("Lexapro", "escitalopram"),
    ("Celexa", "citalopram"),
    ("Remeron", "mirtazapine"),
    ("Biaxin", "clarithromycin"),
    ("Diflucan", "fluconazole"),
    ("Zofran", "ondansetron"),
    ("Cordarone", "amiodarone"),
    ("Dolophine", "methadone"),
    ("Xanax", "alprazolam"),
    ("Eliquis", "apixaban"),
    ("Xarelto", "rivaroxaban"),
    ("Ozempic", "semaglutide"),
    ("Januvia", "sitagliptin"),
    ("Cytomel", "liothyronine"),
    ("Synthroid", "levothyroxine"),
    ("Lithobid", "lithium"),
    ("Trexall", "methotrexate"),
]

# bare words that would match far more than the medicine they stand for: never a key on their own
DENY: frozenset[str] = frozenset(
    {
        "ortho",
        "heather",
        "plan b",
        "pill",
        "the pill",
        "tablet",
        "tablets",
        "capsule",
        "ring",
        "patch",
        "coil",
        "iud",
        "implant",
        "injection",
        "shot",
        "cold",
        "flu",
        "sinus",
        "allergy",
        "day",
        "night",
        "nurse",
        "plus",
        "max",
        "forte",
        "extra",
        "select",
        "tilia",
        "amethyst",
        "sonata",
        "portia",
        "eleanor",
        "isabelle",
        "madeline",
        "juliet",
        "evelyn",
        "brenda",
        "nikki",
        "hailey",
        "jane",
        "mya",
        "vitamin",
        "iron",
        "pe",
        "d",
        "xr",
        "er",
        "tylenol",
        "advil",
        "nurofen",
        "aleve",
        "mucinex",
        "claritin",
        "zyrtec",
        "allegra",
        "aerius",
        "clarinex",
        "codral",
        "actifed",
        "contac",
        "sinutab",
        "benylin",
        "paragard",
        "copper",
        "provera",
        "depo",
        "thyroid",
        "hormone",
        "antibiotic",
        "antidepressant",
        "sleeping",
        "painkiller",
        "water",
        "milk",
    }
)


def _load_without_duplicates(text: str) -> Any:
    """Load YAML like yaml.safe_load, but fail on a mapping key given twice (safe_load keeps the last silently)."""

    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise AssertionError(f"key {key!r} appears twice (line {key_node.start_mark.line + 1})")
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass


YAML_TEXT = (files("careplan.intake") / "medicine_names.yaml").read_text(encoding="utf-8")
RAW_NAMES: dict[Any, Any] = _load_without_duplicates(YAML_TEXT)["names"]


@pytest.mark.parametrize(("name", "classes"), RECOGNISED)
def test_names_are_recognised(name: str, classes: list[str]) -> None:
    assert classes_of(name) == classes


@pytest.mark.parametrize("name", NOT_RECOGNISED)
def test_names_that_must_stay_unrecognised(name: str) -> None:
    medication = Medication(name=name)
    assert medication.recognised_classes == []
    assert not medication.recognised


@pytest.mark.parametrize(("brand", "generic"), SAME_AS)
def test_a_brand_reads_like_its_generic(brand: str, generic: str) -> None:
    assert classes_of(brand) == classes_of(generic) != []


@pytest.mark.parametrize(
    "name", ["LEXAPRO", "lexapro", "LeXaPrO", "Lexapro 10MG", "  lexapro  ", "lexapro (escitalopram)"]
)
def test_matching_ignores_case_and_surrounding_text(name: str) -> None:
    assert classes_of(name) == ["antidepressant", "qt_prolonging"]


@pytest.mark.parametrize("name", ["CLARITIN-D", "claritin-d 12 hour", "Claritin-D24"])
def test_hyphenated_brand_matches_in_any_case(name: str) -> None:
    assert classes_of(name) == ["pseudoephedrine"]


def test_sudafed_pe_is_not_pseudoephedrine() -> None:
    """The longest name wins: "sudafed pe" (phenylephrine, no class) over "sudafed" (pseudoephedrine)."""
    assert "pseudoephedrine" not in classes_of("Sudafed PE")
    assert classes_of("Sudafed 12 hour") == ["pseudoephedrine"]
    assert not Medication(name="Sudafed PE").recognised


def test_hand_set_classes_are_merged_with_recognised_ones() -> None:
    medication = Medication(name="Zoloft", classes=["other"])
    assert medication.recognised_classes == ["antidepressant", "other"]


def test_every_class_is_a_medicine_class() -> None:
    used = {cls for classes in RAW_NAMES.values() for cls in classes}
    assert used <= ALLOWED_CLASSES, used - ALLOWED_CLASSES
    assert "other" not in used  # "other" is for the consultant to set by hand


def test_every_entry_is_a_list_of_distinct_classes_empty_only_to_shadow_a_shorter_name() -> None:
    for name, classes in RAW_NAMES.items():
        assert isinstance(classes, list), name
        assert len(set(classes)) == len(classes), name
        if not classes:  # a product that must not be read as a shorter name inside it
            assert any(other != name and other in name for other in RAW_NAMES), name


def test_every_key_is_a_lower_case_string_that_matches_itself() -> None:
    for key, classes in RAW_NAMES.items():
        assert isinstance(key, str), f"{key!r} is not read as text (quote it in the YAML)"
        assert key == key.lower().strip() and key, repr(key)
        assert not re.search(r"\s{2,}", key), repr(key)
        assert re.match(r"[a-z]", key) and len(re.sub(r"[^a-z0-9]", "", key)) >= 3, repr(key)
        assert set(classes) <= set(classes_of(key)), key


def test_no_key_is_a_common_word_or_a_bare_trap() -> None:
    assert not DENY & set(RAW_NAMES)


def test_lexicon_is_the_yaml_file() -> None:
    assert medicine_lexicon() == {str(name).lower(): tuple(classes) for name, classes in RAW_NAMES.items()}


def test_duplicate_keys_are_detected() -> None:
    with pytest.raises(AssertionError, match="appears twice"):
        _load_without_duplicates("names:\n  yaz: [estrogen_contraceptive]\n  yaz: [antidepressant]\n")


def test_every_class_has_names() -> None:
    used = {cls for classes in RAW_NAMES.values() for cls in classes}
    assert ALLOWED_CLASSES - {"other"} <= used
