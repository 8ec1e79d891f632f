"""Which language a plan is in: the family's only when every text the plan needs is translated and fresh (and
reviewed, when the practice asks); otherwise English, saying so in the family's language. Never a mix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from careplan.documents import care_plan
from careplan.intake import Intake, load_intake
from careplan.language import phrases
from careplan.language.choice import direction
from careplan.mail.message import render_bodies
from careplan.mail.send import pdf_language
from careplan.plan import Plan
from careplan.practice import Languages, Practice
from careplan.rules.engine import build_plan
from careplan.rules.library import Library, load_library
from tests.conftest import EXAMPLES, ROOT
from tests.language.test_spanish import english_in, text_nodes

LIBRARY_FOLDERS = [ROOT / "careplan/plantypes/shared/library", ROOT / "careplan/plantypes/relactation/library"]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def intake() -> Intake:
    return load_intake(EXAMPLES[0])


def _texts(plan: Plan) -> list[str]:
    return [t for item in plan.items() for t in (item.title, item.text, item.why, item.because) if t]


def test_a_family_asking_for_spanish_gets_spanish_marked_as_a_draft(intake: Intake, library: Library) -> None:
    plan = build_plan(intake, library, language="es")
    assert (plan.language, plan.requested_language, plan.language_note) == ("es", "es", None)
    assert plan.translation_reviewed is False  # the shipped Spanish is a draft until a clinician reviews it
    html = care_plan.render_html(plan, Practice())
    assert phrases.words("es")("sheet.draft_translation") in html


def test_a_regional_tag_uses_its_language(intake: Intake, library: Library) -> None:
    assert build_plan(intake, library, language="es-MX").language == "es"


def test_the_preferred_language_is_the_default_and_language_overrides_it(library: Library) -> None:
    spanish_family = next(p for p in EXAMPLES if load_intake(p).parent.preferred_language == "es")
    intake = load_intake(spanish_family)
    assert build_plan(intake, library).language == "es"
    assert build_plan(intake, library, language="en").language == "en"


def test_reviewed_only_keeps_a_draft_translation_out(intake: Intake, library: Library) -> None:
    plan = build_plan(intake, library, language="es", reviewed_only=True)
    assert plan.language == "en"
    assert plan.language_note is not None and plan.language_note.reason == "not_reviewed"
    assert plan.language_note.local == phrases.words("es")("fallback.note")
    assert _texts(plan) == _texts(build_plan(intake, library, language="en"))


def test_a_stale_text_sends_the_whole_plan_back_to_english(intake: Intake, library: Library, tmp_path: Path) -> None:
    spanish = build_plan(intake, library, language="es")
    used = spanish.items()[0].id
    # A practice folder that changes that entry's English: its Spanish is now stale.
    entries = [e for folder in LIBRARY_FOLDERS for f in sorted(folder.glob("*.yaml"))
               for e in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("entries", []) if e["id"] == used]
    entry = entries[0]
    entry["text"] = {"en": entry["text"]["en"] + " Ask us if this is not clear."}
    (tmp_path / "changed.yaml").write_text(yaml.safe_dump({"entries": [entry]}), encoding="utf-8")
    changed = load_library(tmp_path)
    plan = build_plan(intake, changed, language="es")
    assert plan.language == "en"
    assert plan.language_note is not None and plan.language_note.reason == "incomplete"
    # Nothing Spanish is left in it: every text is the English one.
    english = build_plan(intake, changed, language="en")
    assert _texts(plan) == _texts(english)
    assert [s.title for s in plan.sections] == [s.title for s in english.sections]
    assert plan.schedule == english.schedule and plan.timeline == english.timeline


@pytest.mark.parametrize(("language", "local"), [("zh", "英文"), ("vi", "tiếng Anh"), ("ko", "영어"),
                                                 ("tl", "Ingles"), ("pl", "angielsku"), ("ro", "engleză"),
                                                 ("pa", "ਅੰਗਰੇਜ਼ੀ"), ("ur", "انگریزی"), ("fr", "anglais")])
def test_an_untranslated_language_gets_english_with_a_note_in_its_own_language(
    intake: Intake, library: Library, language: str, local: str
) -> None:
    plan = build_plan(intake, library, language=language)
    assert plan.language == "en" and plan.direction == "ltr"
    assert plan.language_note is not None and plan.language_note.reason == "no_translation"
    assert plan.language_note.local is not None and local in plan.language_note.local
    html = care_plan.render_html(plan, Practice())
    assert f'<p lang="{language}" dir="auto">' in html
    assert plan.language_note.english in html


def test_a_language_careplan_has_no_sentence_for_gets_the_english_note(intake: Intake, library: Library) -> None:
    plan = build_plan(intake, library, language="de")
    assert plan.language == "en"
    assert plan.language_note is not None and plan.language_note.local is None
    assert build_plan(intake, library, language="en").language_note is None


def test_right_to_left_languages() -> None:
    assert [direction(tag) for tag in ("ar", "ur", "he", "fa-IR", "es", "en", "zh")] == \
        ["rtl", "rtl", "rtl", "rtl", "ltr", "ltr", "ltr"]


def test_the_email_body_is_in_the_plans_language() -> None:
    for encrypted in (True, False):
        text, html = render_bodies(Practice(), encrypted=encrypted, language="es")
        nodes = [line for line in text.splitlines() if line.strip()]
        assert english_in(nodes) == [], nodes
        assert "contraseña" in text  # the password, or that there is none
        assert english_in(text_nodes(html, [])) == []
    english, _ = render_bodies(Practice(), encrypted=True, language="en")
    assert "password" in english


def test_the_email_follows_the_language_the_pdf_is_in() -> None:
    from io import BytesIO

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    def pdf(lang: str | None) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(100, 100)
        if lang is not None:
            writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
        out = BytesIO()
        writer.write(out)
        return out.getvalue()

    assert pdf_language(pdf("es")) == "es"
    assert pdf_language(pdf(None)) == "en"
    assert pdf_language(pdf("not a tag!")) == "en"
    assert pdf_language(b"not a pdf") == "en"


def test_the_practice_file_can_require_reviewed_translations(tmp_path: Path) -> None:
    from careplan.practice import load_practice

    path = tmp_path / "practice.toml"
    path.write_text('name = "Test"\n[languages]\nreviewed_only = true\n', encoding="utf-8")
    assert load_practice(path).languages == Languages(reviewed_only=True)
    assert Practice().languages.reviewed_only is False
    path.write_text('name = "Test"\n[languages]\nreviewed_only = "yes please"\n', encoding="utf-8")
    from careplan.errors import CareplanError

    with pytest.raises(CareplanError) as raised:
        load_practice(path)
    assert len(raised.value.lines) == 1 and "languages.reviewed_only" in raised.value.lines[0]


def test_a_practice_with_reviewed_only_renders_english_through_the_pipeline(tmp_path: Path, library: Library) -> None:
    from careplan.pipeline import write_plan_pdf

    intake = load_intake(EXAMPLES[0])
    practice = Practice(languages=Languages(reviewed_only=True))
    rendered = write_plan_pdf(intake, tmp_path / "plan.pdf", library=library, practice=practice, language="es")
    assert rendered.plan.language == "en"
    assert pdf_language((tmp_path / "plan.pdf").read_bytes()) == "en"
    assert re.search(r'<p lang="es" dir="auto">[^<]+</p>', rendered.html)


def test_the_email_subject_follows_the_plan_and_names_no_health_detail() -> None:
    from careplan.mail.message import subject_for

    practice = Practice(name="Riverside Lactation Care")
    assert subject_for(practice) == "Your care plan from Riverside Lactation Care"
    assert subject_for(practice, "es") == "Su plan de cuidado de Riverside Lactation Care"
    _, html = render_bodies(practice, encrypted=True, language="es")
    assert '<html lang="es">' in html


def test_library_check_lists_missing_and_stale_texts_per_language(tmp_path: Path) -> None:
    """A practice folder with its own entry, translated, then its English changed: check says stale, with the hash
    to set; an entry with no translation is missing; a translation with the wrong placeholders fails the check."""
    import subprocess
    import sys

    from careplan.language.catalogue import english_hash

    careplan = str(Path(sys.executable).with_name("careplan"))
    folder = tmp_path / "practice-library"
    (folder / "translations/es").mkdir(parents=True)
    entry = {"id": "practice-tea", "kind": "strategy", "section": "wellbeing", "title": {"en": "Warm drinks"},
             "text": {"en": "A warm drink while you feed can help you relax."}, "clinician_note": "Comfort only.",
             "sources": ["LLL-RL"], "when": {"all": {"always": "true"}}}
    (folder / "extra.yaml").write_text(yaml.safe_dump({"entries": [entry]}), encoding="utf-8")
    texts: dict[str, dict[str, str]] = {
        "practice-tea.title": {"from": english_hash("Warm drinks"), "text": "Bebidas calientes"},
        "practice-tea.text": {"from": english_hash("An older English text."), "text": "Una bebida caliente."}}
    translations = {"language": "es", "status": "draft", "texts": texts}
    (folder / "translations/es/extra.yaml").write_text(yaml.safe_dump(translations, allow_unicode=True),
                                                      encoding="utf-8")
    run = subprocess.run([careplan, "library", "check", str(folder), "--plan-type", "relactation"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    expected = english_hash("A warm drink while you feed can help you relax.")
    stale = "es: stale: extra.yaml: practice-tea.text: the English changed; translate it again and set from: "
    assert stale + expected in run.stdout
    assert "relactation library: es:" in run.stdout and "incomplete: plans stay in English" in run.stdout
    assert "Traceback" not in run.stderr

    texts["practice-tea.text"] = {"from": expected, "text": "Una bebida {caliente}."}
    (folder / "translations/es/extra.yaml").write_text(yaml.safe_dump(translations, allow_unicode=True),
                                                      encoding="utf-8")
    run = subprocess.run([careplan, "library", "check", str(folder), "--plan-type", "relactation"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "translations/es/extra.yaml: texts: practice-tea.text: needs the placeholders of its English (none)" \
        in run.stderr
    assert "Traceback" not in run.stderr
