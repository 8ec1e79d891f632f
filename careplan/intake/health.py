"""The parent's health: conditions, medicines (recognised by name from medicine_names.yaml), allergies, breast
surgery and breast problems."""

from __future__ import annotations

import re
import typing
from functools import cache
from importlib.resources import files
from typing import Annotated, Literal

from pydantic import (
    Field,
    model_validator,
)

from careplan._io import load_yaml
from careplan.intake.common import Answer, CareDate, IntakeModel, Notes, red_flags

# --------------------------------------------------------------------------------------------------------------
# Health
# --------------------------------------------------------------------------------------------------------------

Condition = Literal[
    "hypothyroidism",
    "hyperthyroidism",
    "pcos",
    "infertility",
    "diabetes_type_1",
    "diabetes_type_2",
    "gestational_diabetes",
    "insulin_resistance",
    "hypertension",
    "obesity",
    "severe_postpartum_haemorrhage",
    "milk_never_came_in",
    "no_periods_and_fatigue",
    "retained_placenta_suspected",
    "theca_lutein_cyst",
    "depression",
    "heart_rhythm_problem",
    "heart_disease",
    "lupus",
    "clotting_disorder",
    "asthma",
    "liver_disease",
    "kidney_disease",
    "malnutrition_moderate",
    "malnutrition_severe",
    "other",
]
DIABETES: frozenset[str] = frozenset({"diabetes_type_1", "diabetes_type_2", "gestational_diabetes"})

MedicineClass = Literal[
    "estrogen_contraceptive",
    "progestin_only_contraceptive",
    "pseudoephedrine",
    "antidiabetic",
    "anticoagulant",
    "cabergoline",
    "bromocriptine",
    "thyroid_hormone",
    "qt_prolonging",
    "cyp3a4_inhibitor",
    "sedating",
    "metoclopramide",
    "domperidone",
    "antidepressant",
    "of_concern",
    "other",
]
Allergen = Literal[
    "peanut",
    "chickpea",
    "soy",
    "lupin",
    "other_legume",
    "ragweed",
    "daisy_family",
    "artichoke",
    "kiwi",
    "asparagus",
    "onion_family",
    "other",
]
#: What a blend's label can list: the herbs, without "blend" itself.
BlendHerb = Literal[
    "fenugreek",
    "goats_rue",
    "moringa",
    "shatavari",
    "alfalfa",
    "stinging_nettle",
    "blessed_thistle",
    "milk_thistle",
    "fennel",
    "other",
]
#: A herb taken or asked about: one of the herbs, or a blend of them.
Herb = Literal[BlendHerb, "blend"]

BreastProblem = Literal["mastitis", "breast_abscess", "nipple_damage", "red_hot_painful_area"]

SurgeryKind = Literal["reduction", "augmentation", "lumpectomy", "mastectomy", "biopsy", "nipple", "other"]


class BreastSurgery(IntakeModel):
    kind: Annotated[SurgeryKind, Field(title="kind of breast surgery")]
    tissue_preserved: Annotated[
        Literal["full", "partial", "none", "unknown"],
        Field(title="tissue under the areola preserved", description="From the surgical report, if known."),
    ] = "unknown"
    year: Annotated[int | None, Field(title="year of surgery", ge=1950, le=2100)] = None
    incision: Annotated[
        Literal["periareolar", "inframammary", "axillary", "other", "unknown"],
        Field(title="where the cut was", description="Schema 1.1. A cut around the areola (periareolar) raised the "
              "risk of a low supply in NEIFERT90."),
    ] = "unknown"


@cache
def medicine_lexicon() -> dict[str, tuple[str, ...]]:
    """Brand and generic names careplan recognises, mapped to the medicine classes the rules know.

    The list is data (``careplan/intake/medicine_names.yaml``) so a practice can read it; matching is by whole word,
    case-insensitive.
    """
    raw = load_yaml((files("careplan.intake") / "medicine_names.yaml").read_text(encoding="utf-8"))
    return {str(name).lower(): tuple(classes) for name, classes in raw["names"].items()}


@cache
def _lexicon_pattern() -> re.Pattern[str]:
    """Every lexicon name as one whole-word pattern, longest names first so the longest match wins."""
    names = sorted(medicine_lexicon(), key=len, reverse=True)
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(n) for n in names) + r")(?![a-z])")


class Medication(IntakeModel):
    name: Annotated[str, Field(title="medicine name", min_length=1, max_length=200)]
    classes: Annotated[
        list[MedicineClass],
        Field(
            title="medicine classes",
            description="Set by the consultant; careplan adds the ones it recognises.",
        ),
    ] = []
    status: Annotated[Literal["taking", "stopped"], Field(title="taking it now, or stopped")] = "taking"
    stopped_on: Annotated[CareDate | None, Field(title="date it was stopped")] = None
    stop_reason: Annotated[str | None, Field(title="why it was stopped", max_length=300)] = None

    @model_validator(mode="after")
    def _stopped_details(self) -> Medication:
        if self.status == "taking" and (self.stopped_on is not None or self.stop_reason is not None):
            raise ValueError("a stop date or reason is given for a medicine still taken")
        return self

    @property
    def recognised(self) -> bool:
        """careplan knows what this medicine is: a class other than 'other', by name or set by hand."""
        return any(c != "other" for c in self.recognised_classes)

    @property
    def recognised_classes(self) -> list[MedicineClass]:
        """The classes set by hand plus those recognised from the name. The longest name that matches at a place
        wins, so a product listed with no class ("sudafed pe", phenylephrine) is not read as a shorter name in it
        ("sudafed", pseudoephedrine)."""
        found: set[MedicineClass] = set(self.classes)
        lexicon = medicine_lexicon()
        for match in _lexicon_pattern().finditer(self.name.lower()):
            found.update(typing.cast("tuple[MedicineClass, ...]", lexicon[match.group(1)]))
        return sorted(found)


class Health(IntakeModel):
    conditions: Annotated[
        list[Condition] | None,
        Field(title="health conditions", description="null when not asked or not known; [] for none."),
    ] = None
    conditions_other: Annotated[
        str | None,
        Field(title="other health condition", description="What 'other' is.", min_length=1, max_length=200),
    ] = None
    bmi: Annotated[float | None, Field(title="body mass index", ge=12, le=90)] = None
    breast_surgeries: Annotated[
        list[BreastSurgery] | None,
        Field(title="breast surgery", description="null when unknown; [] for none."),
    ] = None
    igt_signs: Annotated[
        list[
            Literal[
                "minimal_change_in_puberty",
                "marked_asymmetry",
                "widely_spaced",
                "tubular_or_cone_shaped",
            ]
        ]
        | None,
        Field(
            title="signs of insufficient glandular tissue",
            description="null when the breasts were not assessed (a video consult); [] for none seen.",
        ),
    ] = None
    medications: Annotated[
        list[Medication] | None, Field(title="medicines", description="null when unknown; [] for none.")
    ] = None
    allergies: Annotated[
        list[Allergen] | None, Field(title="allergies", description="null when unknown; [] for none.")
    ] = None
    # "declined": the parent preferred not to say; read as "unknown" wherever a rule needs to know.
    smokes: Annotated[
        Literal["no", "yes", "heavy", "unknown", "declined"], Field(title="parent smokes")
    ] = "unknown"
    household_smoke: Annotated[Answer, Field(title="anyone in the home smokes")] = "unknown"
    alcohol: Annotated[
        Literal["none", "occasional", "regular", "heavy", "unknown", "declined"], Field(title="alcohol")
    ] = "unknown"
    sedating_substances: Annotated[
        Literal["yes", "no", "unknown", "declined"],
        Field(title="sedating medicines or drugs", description="Sedating medicines, cannabis, opioids."),
    ] = "unknown"
    placenta_capsules: Annotated[Answer, Field(title="takes placenta capsules")] = "no"
    breast_problems: Annotated[
        list[BreastProblem] | None,
        Field(
            title="breast problems now",
            description="null when not asked or not known; [] for none.",
            json_schema_extra=red_flags(["mastitis", "breast_abscess", "nipple_damage", "red_hot_painful_area"], []),
        ),
    ] = None
    fever: Annotated[
        Answer, Field(title="parent has a fever now", json_schema_extra=red_flags(["yes"], ["no", "unknown"]))
    ] = "unknown"
    notes: Notes = None

    @property
    def breast_problem_list(self) -> list[BreastProblem]:
        return list(self.breast_problems or [])

    @property
    def igt_sign_list(self) -> list[str]:
        """The breast-shape signs seen, with breasts not assessed read as none (check ``igt_assessed`` too)."""
        return list(self.igt_signs or [])

    @property
    def igt_assessed(self) -> bool:
        return self.igt_signs is not None

    @property
    def condition_list(self) -> list[Condition]:
        """The conditions, with an unknown history read as none (check ``conditions_known`` too)."""
        return list(self.conditions or [])

    @property
    def conditions_known(self) -> bool:
        return self.conditions is not None

    @property
    def allergy_list(self) -> list[Allergen]:
        return list(self.allergies or [])

    @property
    def allergies_known(self) -> bool:
        return self.allergies is not None

    @property
    def medications_known(self) -> bool:
        return self.medications is not None

    @property
    def current_medications(self) -> list[Medication]:
        return [m for m in self.medications or [] if m.status == "taking"]

    @property
    def medicine_classes(self) -> list[MedicineClass]:
        """Every class of every medicine taken now, recognised or set by hand."""
        return sorted({c for m in self.current_medications for c in m.recognised_classes})

    @property
    def stopped_medicine_classes(self) -> list[MedicineClass]:
        """Every class of every medicine the parent has stopped."""
        return sorted({c for m in self.medications or [] if m.status == "stopped" for c in m.recognised_classes})

    def _names_with(self, wanted: set[str], stopped: bool = False) -> list[str]:
        chosen = [m for m in self.medications or [] if (m.status == "stopped") == stopped]
        return [m.name for m in chosen if wanted & set(m.recognised_classes)]

    @property
    def unrecognised_medicines(self) -> list[str]:
        """Names of medicines taken now that careplan does not know: they are named in the plan, never passed
        over."""
        return [m.name for m in self.current_medications if not m.recognised]

    @property
    def other_conditions(self) -> list[str]:
        """A condition recorded as "other", by the name the consultant wrote (named in the plan, never passed
        over, like a medicine careplan does not know)."""
        if "other" not in self.condition_list:
            return []
        return [self.conditions_other or "a health condition that was not named"]

    @property
    def medicines_of_concern(self) -> list[str]:
        """Names of medicines taken now that need a prescriber's review while breastfeeding (LactMed)."""
        return self._names_with({"of_concern"})

    @property
    def qt_or_cyp3a4_medicines(self) -> list[str]:
        """Names of medicines taken now that prolong the QT interval or strongly inhibit CYP3A4."""
        return self._names_with({"qt_prolonging", "cyp3a4_inhibitor"})

    @property
    def stopped_thyroid_medicines(self) -> list[str]:
        """Names of thyroid medicines the parent has stopped."""
        return self._names_with({"thyroid_hormone"}, stopped=True)

    @property
    def surgery_kinds(self) -> list[SurgeryKind]:
        return sorted({s.kind for s in self.breast_surgeries or []})

    @property
    def diabetes(self) -> bool:
        return bool(DIABETES & set(self.condition_list))

    @property
    def reduction_tissue(self) -> Literal["full", "partial", "none", "unknown", "no_reduction"]:
        """Least tissue preserved in any breast reduction: full, partial, none, unknown, or 'no_reduction'."""
        kept = [s.tissue_preserved for s in self.breast_surgeries or [] if s.kind == "reduction"]
        if not kept:
            return "no_reduction"
        for level in ("none", "unknown", "partial", "full"):
            if level in kept:
                return level
        return "unknown"  # pragma: no cover - every level is listed above
