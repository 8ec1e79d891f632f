"""The documents careplan makes from one plan, by name.

A document is one module in this package that provides ``render_html(plan, practice, *, logo_url, templates)`` and
``page_css(plan, practice)`` (its typed context and its one template live there), plus a line here. The CLI, the
pipeline and batch look documents up here, so a new one (the letter to the doctors, say) changes none of them.
Listing the names imports no document module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from careplan.plan import Plan
    from careplan.practice import Practice
    from careplan.templating import Folders


@dataclass(frozen=True)
class Document:
    name: str
    title: str
    module: str  # the module that renders it
    audience: Literal["parent", "physician"]  # only parent documents are ever emailed to the parent
    attach_intake: bool  # the PDF carries the intake JSON (so `careplan extract` and mail's check can read it)

    def _module(self) -> ModuleType:
        return importlib.import_module(self.module)

    def render_html(
        self, plan: Plan, practice: Practice, *, logo_url: str | None = None, templates: Folders = None
    ) -> str:
        html: str = self._module().render_html(plan, practice, logo_url=logo_url, templates=templates)
        return html

    def page_css(self, plan: Plan, practice: Practice) -> str:
        css: str = self._module().page_css(plan, practice)
        return css


DOCUMENTS: dict[str, Document] = {
    "care-plan": Document(
        name="care-plan",
        title="The parent's care plan",
        module="careplan.documents.care_plan",
        audience="parent",
        attach_intake=True,
    ),
    "progress": Document(
        name="progress",
        title="Progress since the first visit: growth, milk and routine charts",
        module="careplan.documents.progress",
        audience="parent",
        attach_intake=False,
    ),
    "letter": Document(
        name="letter",
        title="The letter to the baby's clinician (careplan letter writes one per recipient)",
        module="careplan.documents.letter",
        audience="physician",
        attach_intake=False,
    ),
}


def document(name: str) -> Document:
    """The document called ``name``; a ValueError names the ones there are."""
    try:
        return DOCUMENTS[name]
    except KeyError:
        raise ValueError(f"no document called {name!r}; there are: {', '.join(sorted(DOCUMENTS))}") from None
