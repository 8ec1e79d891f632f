"""Library sources as bibliography entries: the style, the link, what a source must hold, and the list of gaps a
clinician reviews (the relactation README) kept in step with the sources file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from careplan.rules.citations import MAX_AUTHORS, Source, citation, link
from careplan.rules.library import load_library

PLANTYPES = Path(__file__).resolve().parents[2] / "careplan" / "plantypes"
README = PLANTYPES / "relactation" / "README.md"
LIBRARY = load_library()
LOW_SUPPLY = load_library(plan_type="low-supply")


def test_a_journal_article_prints_authors_title_journal_year_volume_and_its_doi() -> None:
    source = Source(
        authors=["Kent JC", "Mitoulas LR"], year=2006, title="Volume and frequency of breastfeedings",
        container="Pediatrics", locator="117(3):e387", doi="10.1542/peds.2005-1417", pmid="16510619",
    )
    assert source.citation == (
        "Kent JC, Mitoulas LR. Volume and frequency of breastfeedings. Pediatrics. 2006;117(3):e387."
    )
    assert source.link == ("https://doi.org/10.1542/peds.2005-1417", "doi:10.1542/peds.2005-1417")


def test_a_guideline_names_its_publisher_once_with_the_year_and_its_address() -> None:
    nice = Source(
        authors=["National Institute for Health and Care Excellence"], year=2019, title="Fever in under 5s",
        container="National Institute for Health and Care Excellence", locator="NICE guideline NG143",
        url="https://www.nice.org.uk/guidance/ng143",
    )
    assert nice.citation == (
        "National Institute for Health and Care Excellence. Fever in under 5s. 2019. NICE guideline NG143."
    )
    assert nice.link == ("https://www.nice.org.uk/guidance/ng143", "https://www.nice.org.uk/guidance/ng143")
    page = Source(title="Goat's Rue", container="Drugs and Lactation Database (LactMed)", year=2024, pmid="30000800")
    assert citation(page) == "Goat's Rue. Drugs and Lactation Database (LactMed); 2024."
    assert link(page) == ("https://pubmed.ncbi.nlm.nih.gov/30000800/", "PMID 30000800")


def test_more_than_six_authors_end_in_et_al_and_a_title_keeps_its_question_mark() -> None:
    many = Source(authors=[f"Author{i} A" for i in range(8)], title="Does warming help?", container="J", year=2012,
                  locator="7(6):487-8")
    text = citation(many)
    assert text.startswith(", ".join(f"Author{i} A" for i in range(MAX_AUTHORS)) + ", et al. Does warming help? J.")
    assert "Author6" not in text


def test_a_one_line_citation_prints_as_written_with_its_identifier_as_the_link() -> None:
    source = Source.model_validate({"citation": "A review (title being confirmed).", "pmid": "9363418"})
    assert source.citation == "A review (title being confirmed)."
    assert source.link == ("https://pubmed.ncbi.nlm.nih.gov/9363418/", "PMID 9363418")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": 2020, "container": "Somewhere"}, "needs a title, a DOI, a PubMed ID or an address"),
        ({"citation": "Text.", "title": "Also a title"}, "either citation"),
        ({"title": "T", "doi": "https://doi.org/10.1/x"}, "doi"),
        ({"title": "T", "year": 20}, "year"),
        ({"title": "T", "url": "www.example.org"}, "url"),
    ],
)
def test_a_source_a_reader_could_not_find_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Source.model_validate(fields)


def test_no_printed_entry_carries_a_grade_a_note_or_an_internal_id() -> None:
    for source_id, source in LIBRARY.sources.items():
        text = source.citation
        assert not re.search(r"\[[VSU]\]|mirror|evidence file|§|\bnote\b", text, re.IGNORECASE), source_id
        if re.search(r"[\d-]", source_id):  # IDs such as AUER80 or LM-FEN; UKDILAS is also the service's name
            assert source_id not in text, f"{source_id}: the entry prints its own ID"


def _own_sources(plan_type: str) -> dict[str, Source]:
    """A plan type's sources for its README: relactation's README also lists the shared library's; another plan
    type's lists only the ones it adds."""
    if plan_type == "relactation":
        return dict(LIBRARY.sources)
    return {k: s for k, s in LOW_SUPPLY.sources.items() if k not in LIBRARY.sources or LIBRARY.sources[k] != s}


@pytest.mark.parametrize("plan_type", ["relactation", "low-supply"])
def test_every_gap_is_listed_for_a_clinician_and_every_listed_source_has_one(plan_type: str) -> None:
    readme = PLANTYPES / plan_type / "README.md"
    section = readme.read_text(encoding="utf-8").split("### Bibliography gaps", 1)[1].split("\n### ", 1)[0]
    listed = dict(re.findall(r"^\| ([A-Z][A-Z0-9-]+) \| (.+) \|$", section, re.MULTILINE))
    sources = _own_sources(plan_type)
    gaps = {source_id: source.gap for source_id, source in sources.items() if source.gap}
    assert set(listed) == set(gaps), "README's bibliography gaps and sources.yaml's gap fields differ"
    for source_id, gap in gaps.items():
        assert listed[source_id] == gap.replace("|", "/"), f"{source_id}: the README's gap is out of date"
    unconfirmed = [source_id for source_id, source in sources.items() if source.text is not None]
    assert all(source_id in section.split("|", 1)[0] for source_id in unconfirmed), "one-line sources are named"
    assert all("being confirmed" in sources[s].citation for s in unconfirmed), "they say so in print"
