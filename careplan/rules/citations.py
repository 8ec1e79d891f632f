"""A library source as a bibliography entry: who, when, what, where, and the address that finds it.

The library's ``sources.yaml`` holds each work's parts (authors, year, title, journal or publisher, volume and
pages, DOI, PubMed IDs, address). This module puts them together in one fixed style, close to the Vancouver style
medical journals use, so a parent's plan and a doctor's letter print the same entry:

    Auerbach KG, Avery JL. Relactation: a study of 366 cases. Pediatrics. 1980;65(2):236-42.

A journal article (a DOI, or a volume-and-page locator) takes "Journal. Year;locator."; any other work
(a guideline, a web page, a book) takes "Publisher; Year. Locator.". The record's ``note`` (our evidence grade) and
``gap`` (what a clinician still has to confirm) are never printed.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: Authors printed before "et al.", as the Vancouver style does.
MAX_AUTHORS = 6

_JOURNAL_LOCATOR = re.compile(r"^\d")


def _sentence(text: str) -> str:
    """``text`` ending in one full stop (titles may end in '?' or '!', which stay)."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def is_article(work: Source) -> bool:
    """A journal's: a DOI, or a volume-and-page locator ("65(2):236-42"). A PubMed ID alone is not enough:
    PubMed indexes LactMed's pages too."""
    return bool(work.doi or (work.locator and _JOURNAL_LOCATOR.match(work.locator)))


def citation(work: Source) -> str:
    """The entry's text, without the address (see :func:`link`)."""
    parts: list[str] = []
    names = work.authors[:MAX_AUTHORS]
    if names:
        more = work.et_al or len(work.authors) > MAX_AUTHORS
        parts.append(_sentence(", ".join(names) + (", et al" if more else "")))
    if work.title:
        parts.append(_sentence(work.title))
    # A body that is both author and publisher is named once.
    container = work.container if work.container and work.authors != [work.container] else None
    if is_article(work):
        where = [container] if container else []
        when = f"{work.year}" if work.year else ""
        if work.locator:
            when = f"{when};{work.locator}" if when else work.locator
        if where:
            parts.append(_sentence(where[0]))
        if when:
            parts.append(_sentence(when))
    else:
        published = "; ".join(str(x) for x in (container, work.year) if x)
        if published:
            parts.append(_sentence(published))
        if work.locator:
            parts.append(_sentence(work.locator))
    return " ".join(parts)


def link(work: Source) -> tuple[str, str] | None:
    """(address, the text printed for it): the DOI, else the page's address, else the PubMed record."""
    if work.doi:
        return f"https://doi.org/{work.doi}", f"doi:{work.doi}"
    if work.url:
        return work.url, work.url
    if work.pmcid:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{work.pmcid}/", work.pmcid
    if work.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{work.pmid}/", f"PMID {work.pmid}"
    return None


class Source(BaseModel):
    """One work the entries cite, as its parts (see :mod:`careplan.rules.citations` for how it prints).

    A source may instead give ``citation``, its entry as one line of text (a practice's own protocol, or a work
    whose title and authors a clinician has still to confirm), with a DOI, PubMed ID or address if one is known.
    ``note`` (the evidence grade) and ``gap`` (what a clinician has still to confirm) are never printed.
    """

    authors: list[Annotated[str, Field(min_length=1)]] = []
    et_al: bool = False
    year: Annotated[int, Field(ge=1800, le=2100)] | None = None
    title: Annotated[str, Field(min_length=1)] | None = None
    container: Annotated[str, Field(min_length=1)] | None = None
    locator: Annotated[str, Field(min_length=1)] | None = None
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmid: Annotated[str, Field(pattern=r"^\d{1,9}$")] | None = None
    pmcid: Annotated[str, Field(pattern=r"^PMC\d{1,9}$")] | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    text: Annotated[str, Field(min_length=1)] | None = Field(default=None, alias="citation")
    note: str | None = None
    gap: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _identifiable(self) -> Source:
        if self.text is not None:
            if self.title or self.authors or self.container:
                raise ValueError("give either citation (one line) or the work's parts (title, authors...), not both")
        elif not (self.title or self.doi or self.pmid or self.url):
            raise ValueError("a source needs a title, a DOI, a PubMed ID or an address, so a reader can find it")
        return self

    @property
    def citation(self) -> str:
        return self.text if self.text is not None else citation(self)

    @property
    def link(self) -> tuple[str, str] | None:
        return link(self)
