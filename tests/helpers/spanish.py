"""Spanish readability for the tests (and for a translator's own check): Fernandez-Huerta and INFLESZ.

textstat (0.7) computes both with Spanish syllables from pyphen, offline: Fernandez-Huerta (1959), the Spanish
adaptation of Flesch reading ease, and Szigriszt-Pazos's perspicuity (1993), whose INFLESZ scale (Barrio-Cantalejo
et al. 2008) grades health texts for patients. A parent's text must score at least:

* Fernandez-Huerta 60: "normal" on its scale, about US grades 8-9, the grade-8 ceiling the English texts meet;
* INFLESZ 55: "normal" on the INFLESZ scale (below 55 is "somewhat difficult").

Run ``python -m tests.helpers.spanish FILE...`` on translation files to list the texts below either line.
"""

from __future__ import annotations

import re
import sys

FERNANDEZ_HUERTA_MIN = 60.0
INFLESZ_MIN = 55.0
#: Texts shorter than this many words (titles, table headings) are too short for a sentence formula.
MIN_WORDS = 8


def _plain(text: str) -> str:
    """The words a parent reads: placeholders become a short word, line breaks end sentences."""
    text = re.sub(r"\{[^{}]*\}", "Ana", text)
    return ". ".join(line.strip().rstrip(".") for line in text.splitlines() if line.strip()) + "."


def scores(text: str) -> tuple[float, float]:
    """(Fernandez-Huerta, INFLESZ) of a Spanish text."""
    import textstat

    textstat.set_lang("es")
    plain = _plain(text)
    return textstat.fernandez_huerta(plain), textstat.szigriszt_pazos(plain)


def too_hard(text: str) -> tuple[float, float] | None:
    """The scores of a text that is long enough to measure and below either line; None when it passes."""
    if len(re.findall(r"\w+", _plain(text))) < MIN_WORDS:
        return None
    fh, inflesz = scores(text)
    return (fh, inflesz) if fh < FERNANDEZ_HUERTA_MIN or inflesz < INFLESZ_MIN else None


def main(paths: list[str]) -> int:
    import yaml

    bad = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        for key, item in (data.get("texts") or {}).items():
            text = item.get("text") or ""
            found = too_hard(text) if text else None
            if found:
                bad += 1
                print(f"{path}: {key}: Fernandez-Huerta {found[0]:.0f}, INFLESZ {found[1]:.0f}")
    print(f"{bad} texts below Fernandez-Huerta {FERNANDEZ_HUERTA_MIN:.0f} / INFLESZ {INFLESZ_MIN:.0f}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
