"""Plan -> HTML: the letter to one of the family's clinicians (``careplan letter``).

One letter per recipient role: the baby's clinician gets the requests about the babies, the parent's clinician the
parent's, a prescriber those about medicines (minimum necessary: each letter carries only its recipient's requests
and the history that bears on them). Page 1, for a physician who reads one page: letterhead, date, to, from, re,
the visit and the consent line; a short summary; the numbered requests with their urgency and the findings behind
them; a compact S/O/A/P; the signature and the consultant's scope. Page 2, when there is one: the growth chart and
the references. Black on white, at least 10 pt, nothing said by colour alone, so it faxes. Without the family's
consent to share, every page says "not for release" and careplan refuses to send it.

The letter is written for clinicians: its words are not held to the parent texts' reading level, and it never
orders or doses ("please consider ...").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from careplan.documents.care_plan import DocumentContext
from careplan.documents.page import css_string
from careplan.documents.page import page_css as plan_page_css
from careplan.plan import Plan, PlanItem, finding
from careplan.practice import Practice, template_data
from careplan.templating import Folders, plain, render_template

ROLES = ("baby_clinician", "parent_clinician", "prescriber")
ROLE_WORDS = {
    "baby_clinician": "the baby's clinician",
    "parent_clinician": "the parent's clinician",
    "prescriber": "the prescriber",
}
URGENCY_WORDS = {"same_day": "Same day", "this_week": "This week", "routine": "Routine"}
URGENCY_ORDER = {"same_day": 0, "this_week": 1, "routine": 2}
SETTING_WORDS = {"home": "home visit", "clinic": "clinic visit", "virtual": "video or phone consult",
                 "emergency": "emergency or humanitarian setting"}
#: What the consultant does and does not do, printed above the signature.
SCOPE = (
    "Scope: as an IBCLC I assess and support breastfeeding and infant feeding. I do not diagnose or prescribe; "
    "each request above is for your clinical judgement."
)
NOT_FOR_RELEASE = "Not for release: consent to share not recorded"


def requests_for(plan: Plan, role: str) -> list[PlanItem]:
    """The plan's items with a request for ``role``, most urgent first, each once."""
    items = [item for item in plan.items() if item.letter is not None and item.letter.to == role]
    return sorted(items, key=lambda item: (URGENCY_ORDER[item.letter.urgency] if item.letter else 3))


def recipients(plan: Plan) -> list[str]:
    """The roles a letter goes to: each with a request, and each care-team member's role."""
    wanted = {item.letter.to for item in plan.items() if item.letter is not None}
    if plan.record is not None:
        wanted |= {member.role for member in plan.record.care_team}
    return [role for role in ROLES if role in wanted]


@dataclass
class LetterContext(DocumentContext):
    """The care plan's context (locale, citations, practice) for one recipient's letter."""

    role: str = "baby_clinician"
    cover_pages: int | None = None  # the letter's own pages, for a fax cover sheet; None: no cover

    @property
    def title(self) -> str:
        return f"Letter to {ROLE_WORDS[self.role]} about {', '.join(self.plan.baby_names)}"

    @property
    def subject(self) -> str:
        return "Lactation consult letter"

    @property
    def recipient(self) -> dict[str, Any] | None:
        record = self.plan.record
        member = next((m for m in record.care_team if m.role == self.role), None) if record else None
        return None if member is None else member.model_dump()

    @property
    def recipient_words(self) -> str:
        return ROLE_WORDS[self.role]

    @property
    def released(self) -> bool:
        return self.plan.record is not None and self.plan.record.consent_to_share

    @property
    def not_for_release(self) -> str:
        return NOT_FOR_RELEASE

    @property
    def consent_line(self) -> str:
        record = self.plan.record
        if record is None or not record.consent_to_share:
            return "The family's consent to share this letter has not been recorded."
        on = f" on {self.long_date(record.share_recorded_on)}" if record.share_recorded_on else ""
        return f"The family agreed{on} that I may share this letter with their care team."

    @property
    def visit_line(self) -> str:
        record = self.plan.record
        setting = SETTING_WORDS.get(record.setting, record.setting) if record else "consult"
        minutes = f", {record.duration_minutes} minutes" if record and record.duration_minutes else ""
        kind = "follow-up" if self.plan.visit == "follow_up" else "first"
        return f"{self.long_date(self.plan.consult_date)}: {kind} {setting}{minutes}"

    @property
    def summary(self) -> list[str]:
        from careplan.documents.letter_text import summary

        return summary(self.plan, self.fmt)

    @property
    def requests(self) -> list[dict[str, Any]]:
        out = []
        for number, item in enumerate(requests_for(self.plan, self.role), start=1):
            letter = item.letter
            if letter is None:  # requests_for keeps only items with a letter
                continue
            out.append({
                "number": number,
                "urgency": URGENCY_WORDS[letter.urgency],
                "request": letter.request,
                "babies": " and ".join(item.babies) if len(self.plan.babies) > 1 else "",
                "findings": "; ".join(finding(trace) for trace in item.trace),
                "sources": [source.model_dump() for source in item.sources],
            })
        return out

    @property
    def soap(self) -> list[dict[str, Any]]:
        from careplan.documents.letter_text import soap

        return soap(self.plan, self.role, self.fmt)

    @property
    def growth_charts(self) -> list[dict[str, Any]]:
        """The babies' growth charts, for the baby's clinician's page 2."""
        if self.role != "baby_clinician":
            return []
        from careplan.documents.progress_charts import charts

        return [chart for chart in charts(self.plan, self.fmt) if chart["id"].startswith("chart-growth")]

    @property
    def scope(self) -> str:
        return SCOPE


_LETTER_VALUES = ("recipient", "recipient_words", "released", "not_for_release", "consent_line", "visit_line",
                  "summary", "requests", "soap", "growth_charts", "scope", "cover_pages", "role")


def render_html(
    plan: Plan,
    practice: Practice,
    *,
    logo_url: str | None = None,
    templates: Folders = None,
    role: str = "baby_clinician",
    cover_pages: int | None = None,
) -> str:
    """The letter to ``role`` as an HTML document for WeasyPrint; with ``cover_pages`` (the letter's own page
    count) a fax cover sheet comes first and says how many pages follow it, itself included."""
    if role not in ROLES:
        raise ValueError(f"no letter for {role!r}; there are: {', '.join(ROLES)}")
    context = LetterContext(plan=plan, practice=practice, logo=logo_url, role=role, cover_pages=cover_pages)
    doc = context.for_template()
    for name in _LETTER_VALUES:
        setattr(doc, name, plain(getattr(context, name)))
    data = {
        "plan": plain(context.plan.model_dump()),
        "practice": plain(template_data(practice, jurisdiction=plan.jurisdiction)),
        "doc": doc,
        "t": context.t,
    }
    return render_template("letter.html", data, extra=templates)


def page_css(plan: Plan, practice: Practice, *, released: bool | None = None) -> str:
    """The care plan's paper, with black-and-white running texts: the practice, the letter's subject (no health
    detail), and "not for release" on every page when consent to share is not recorded."""
    if released is None:
        released = plan.record is not None and plan.record.consent_to_share
    mark = "" if released else f" @top-center {{ content: {css_string(NOT_FOR_RELEASE.upper())}; }}"
    css = plan_page_css(plan, practice).replace("Care plan for ", "Lactation consult letter re ")
    black = "font-size: 10pt; color: #000;"  # a faxed page: the running texts at least 10 pt, in black
    boxes = "".join(f" @{box} {{ {black} }}" for box in ("top-left", "top-center", "top-right", "bottom-left",
                                                        "bottom-right"))
    return css + f"@page {{{mark}{boxes} }}\n"
