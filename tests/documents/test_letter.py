"""The letter to the doctors, read back from real PDFs: one letter per recipient with only its requests; page 1
holds the summary and the requests; the fax cover's page count is right; no intake attached; "not for release" and
a refused send without the family's consent to share; no WeasyPrint warning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from careplan.cli import cli
from careplan.documents.letter import recipients, requests_for
from careplan.intake import Intake, load_intake
from careplan.pipeline import write_letter_pdf
from careplan.practice import Practice
from careplan.rules.engine import build_plan
from careplan.rules.library import Library
from tests.conftest import EXAMPLES
from tests.helpers.pdf import assert_no_warnings, attachments, capture_render_warnings, page_texts, squash

pytestmark = pytest.mark.slow

BY_PREFIX = {path.name[:2]: path for path in EXAMPLES}
TWINS = BY_PREFIX["05"]


def letter(intake: Intake, tmp_path: Path, library: Library, role: str, **options: Any) -> list[str]:
    output = tmp_path / f"{role}.pdf"
    with capture_render_warnings() as records:
        result = write_letter_pdf(intake, output, library=library, practice=Practice(), role=role, **options)
    assert_no_warnings(list(records), result.warnings)
    assert attachments(output) == {}, "a letter leaving the practice never carries the intake"
    assert (output.stat().st_mode & 0o777) == 0o600
    return page_texts(output)


def test_one_letter_per_recipient_with_only_its_requests(library: Library, tmp_path: Path) -> None:
    intake = load_intake(TWINS)
    plan = build_plan(intake, library)
    roles = recipients(plan)
    assert roles == ["baby_clinician", "parent_clinician", "prescriber"]
    mine = {role: [item.letter.request for item in requests_for(plan, role) if item.letter] for role in roles}
    assert all(mine.values()), "the twins' example has requests for each recipient"
    for role in roles:
        text = squash(" ".join(letter(intake, tmp_path, library, role)))
        for other, requests in mine.items():
            for request in requests:
                if other == role:
                    assert squash(request)[:80] in text, f"{role}: its own request is missing"
                elif request not in mine[role]:
                    assert squash(request)[:80] not in text, f"{role}: carries a request for {other}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_page_one_holds_the_summary_and_every_request(library: Library, tmp_path: Path, path: Path) -> None:
    intake = load_intake(path)
    plan = build_plan(intake, library)
    if not recipients(plan):  # no request and no care team: no letter to write (careplan letter says so)
        assert not [item for item in plan.items() if item.letter is not None] and not intake.care_team
        return
    for role in recipients(plan):
        first = squash(letter(intake, tmp_path, library, role)[0])
        assert squash("Lactation consult") in first and squash(f"I saw {plan.parent_name}") in first
        for item in requests_for(plan, role):
            assert item.letter is not None and squash(item.letter.request)[:60] in first, f"{role}: {item.id}"


def test_the_cover_counts_every_page(library: Library, tmp_path: Path) -> None:
    intake = load_intake(BY_PREFIX["04"])
    pages = letter(intake, tmp_path, library, "baby_clinician", cover=True)
    assert "Fax" in pages[0] and f"Pages {len(pages)}, this cover included" in " ".join(pages[0].split())
    without = letter(intake, tmp_path, library, "baby_clinician")
    assert len(pages) == len(without) + 1


def test_without_consent_every_page_says_not_for_release_and_sending_is_refused(
    library: Library, tmp_path: Path
) -> None:
    data = json.loads(TWINS.read_text(encoding="utf-8"))
    data["consent"]["share_with_care_team"] = False
    data["consent"].pop("share_recorded_on", None)
    pages = letter(Intake.model_validate(data), tmp_path, library, "parent_clinician")
    assert all("NOT FOR RELEASE" in page.upper() for page in pages)
    unconsented = tmp_path / "no-consent.json"
    unconsented.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["letter", str(unconsented), "-o", str(tmp_path / "out"), "--send", "email"])
    assert result.exit_code == 1
    assert "not sent: the family's consent to share with the care team is not recorded" in result.output
    assert "Traceback" not in result.output
    consented = letter(load_intake(TWINS), tmp_path, library, "parent_clinician")
    assert not any("NOT FOR RELEASE" in page.upper() for page in consented)


def test_careplan_letter_writes_one_pdf_per_recipient(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["letter", str(TWINS), "-o", str(tmp_path), "--to", "prescriber"])
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("*.pdf"))
    assert [p.name for p in written] == ["05-preterm-twins-nicu-follow-up-letter-prescriber.pdf"]
    assert "Dr. Ines Mockwell" in " ".join(page_texts(written[0]))
