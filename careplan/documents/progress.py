"""Plan -> HTML: the progress summary on its own (``careplan progress``): each baby's weights on the WHO curves,
the milk against the extra milk, the times milk is taken out and the wet diapers, each chart with its numbers.

It shares the care plan's context (locale, citations, practice details) and stylesheet; only the template and
the title differ, and the charts are drawn at any visit once there are two points to draw.
"""

from __future__ import annotations

from typing import Any

from careplan.documents.care_plan import DocumentContext
from careplan.documents.page import page_css as plan_page_css
from careplan.plan import Plan
from careplan.practice import Practice, template_data
from careplan.templating import Folders, plain, render_template


class ProgressContext(DocumentContext):
    """The care plan's context with the progress document's title, and charts at a first visit too."""

    progress_heading = False

    @property
    def title(self) -> str:
        return self.words("document.progress_title", name=self.plan.parent_name)

    @property
    def subject(self) -> str:
        return self.words("document.progress_subject")

    @property
    def charts(self) -> list[dict[str, Any]]:
        from careplan.documents.progress_charts import charts

        return charts(self.plan, self.fmt)


def render_html(plan: Plan, practice: Practice, *, logo_url: str | None = None, templates: Folders = None) -> str:
    """The progress summary as an HTML document for WeasyPrint (see :func:`careplan.documents.care_plan.render_html`
    for the arguments)."""
    context = ProgressContext(plan=plan, practice=practice, logo=logo_url)
    data = {
        "plan": plain(context.plan.model_dump()),
        "practice": plain(template_data(practice, jurisdiction=plan.jurisdiction, language=plan.language)),
        "doc": context.for_template(),
        "t": context.t,
    }
    return render_template("progress.html", data, extra=templates)


def page_css(plan: Plan, practice: Practice) -> str:
    """The same paper, colours, header and footer as the care plan."""
    return plan_page_css(plan, practice, header="document.progress_header")
