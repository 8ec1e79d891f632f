"""Lists in a sentence, in the plan's language."""

from __future__ import annotations

import pytest

from careplan.documents.care_plan import DocumentContext
from careplan.language.lists import join_words


@pytest.mark.parametrize(
    ("names", "locale", "expected"),
    [
        (["Mia", "Isabel"], "es", "Mia e Isabel"),  # "y" is "e" before the sound i
        (["Ana", "Luis", "Hilda"], "es-MX", "Ana, Luis e Hilda"),
        (["Ana", "Ígor"], "es_US", "Ana e Ígor"),
        (["agua", "hielo"], "es", "agua y hielo"),  # not before a diphthong
        (["Ana", "Luis"], "es", "Ana y Luis"),
        (["Mia", "Isabel"], "en_GB", "Mia and Isabel"),
        (["a", "b"], "fr", "a et b"),
        (["solo"], "es", "solo"),
        ([], "es", ""),
    ],
)
def test_lists_read_as_the_language_writes_them(names: list[str], locale: str, expected: str) -> None:
    assert join_words(names, locale) == expected


def test_a_babys_age_in_days_is_singular_for_one_day() -> None:
    assert DocumentContext.age_text(1, 0.1, 0.0) == "1 day old"
    assert DocumentContext.age_text(2, 0.3, 0.1) == "2 days old"
    assert DocumentContext.age_text(1, 0.1, 0.0, language="es") == "1 día"
    assert DocumentContext.age_text(10, 1.4, 0.3, language="es") == "10 días"
