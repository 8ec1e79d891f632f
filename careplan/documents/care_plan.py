"""Plan -> HTML: the Jinja templates that lay out the printed care plan.

One public function, :func:`render_html`. Templates run in Jinja's sandbox with autoescaping and
``StrictUndefined``, so intake text always prints as text and a misspelt template variable is an error, never a
blank. A practice may put its own templates in a folder; they are searched before the built-in ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from careplan._version import __version__
from careplan.plan import Plan, SourceRef
from careplan.practice import Practice, template_data
from careplan.templating import Folders, Record, plain, render_template

GOALS = {
    "exclusive_breastfeeding": "Your goal: to feed your baby only at the breast, in time.",
    "partial_breastfeeding": "Your goal: to give your baby some of their milk at the breast.",
    "comfort_nursing": "Your goal: comfort and closeness at the breast, with any milk a bonus.",
    "expressed_milk": "Your goal: to make milk you can express and give your baby.",
    "any_milk": "Your goal: to give your baby as much of your milk as you can.",
    "unsure": "You can choose your goal as you go. We will help you decide.",
}
HEADER_NAME_LIMIT = 60


@dataclass
class DocumentContext:
    """What the templates may use besides ``plan`` and ``practice``: formatted values and citation numbers."""

    plan: Plan
    practice: Practice
    logo: str | None
    references: list[Record] = field(default_factory=list)  # (id, citation) in order of first use

    @property
    def language(self) -> str:
        return self.plan.language

    @property
    def version(self) -> str:
        return __version__

    @property
    def title(self) -> str:
        return f"Relactation care plan for {self.plan.parent_name}"

    @property
    def author(self) -> str:
        return f"{self.practice.consultant.name}, {self.practice.consultant.credentials}, {self.practice.name}"

    @property
    def subject(self) -> str:
        return "Relactation care plan"

    @property
    def created(self) -> str:
        return f"{self.plan.consult_date.isoformat()}T12:00:00Z"

    @property
    def date_long(self) -> str:
        return self.long_date(self.plan.consult_date)

    @property
    def babies(self) -> list[dict[str, str]]:
        return [{"name": b.name, "age": self.age_text(b.age_days, b.age_weeks, b.age_months)} for b in self.plan.babies]

    @property
    def baby_word(self) -> str:
        return "your babies" if len(self.plan.babies) > 1 else "your baby"

    @property
    def goal_sentence(self) -> str:
        return GOALS.get(self.plan.goal, GOALS["unsure"])

    @property
    def urgent_count(self) -> int:
        return len(self.plan.urgent())

    @property
    def urgent_now(self) -> bool:
        """An urgent item asks for help now (an emergency), not only today."""
        return any(item.urgency == "now" for item in self.plan.urgent())

    @property
    def emergency(self) -> str | None:
        return self.practice.emergency_for(self.plan.jurisdiction)

    @property
    def next_visit(self) -> str | None:
        return None if self.plan.next_visit is None else self.long_date(self.plan.next_visit)

    @staticmethod
    def age_text(days: int, weeks: float, months: float) -> str:
        if days < 14:
            return f"{days} days old"
        if days < 91:
            return f"{int(weeks)} weeks old"
        return f"{int(months)} months old"

    @staticmethod
    def long_date(value: date) -> str:
        return f"{value.strftime('%B')} {value.day}, {value.year}"

    @staticmethod
    def short_date(value: date) -> str:
        return f"{value.strftime('%b')} {value.day}"

    def span(self, start: date | None, end: date | None) -> str:
        if start is None:
            return "" if end is None else f"as of {self.long_date(end)}"
        if end is None:
            return f"from {self.long_date(start)}"
        return f"about {self.short_date(start)} to {self.short_date(end)}"

    @staticmethod
    def hours(value: float) -> str:
        whole = int(value)
        minutes = round((value - whole) * 60)
        return f"{whole} hours" + (f" {minutes} minutes" if minutes else "")

    def _number(self, ref: SourceRef | Record) -> int:
        data = vars(ref) if isinstance(ref, Record) else ref.model_dump()
        for index, known in enumerate(self.references, start=1):
            if known.id == data["id"]:
                return index
        self.references.append(Record(id=str(data["id"]), citation=str(data["citation"])))
        return len(self.references)

    def cite(self, sources: list[SourceRef] | list[Record]) -> str:
        """Reference numbers for these sources, in order of first use: '[1, 4]'."""
        if not sources:
            return ""
        numbers = sorted({self._number(ref) for ref in sources})
        return "[" + ", ".join(str(n) for n in numbers) + "]"

    def cite_ids(self, ids: list[str]) -> str:
        """Reference numbers for source IDs of the plan's computed parts."""
        return self.cite([self.plan.sources[i] for i in ids if i in self.plan.sources])

    def for_template(self) -> Record:
        """What a template sees as ``doc``: plain values and a few functions, never this object (a practice's
        templates are untrusted; see careplan.templating). ``references`` is the live list the citations fill, so
        the reference list at the end holds every source cited before it."""
        values = {name: plain(getattr(self, name)) for name in _TEMPLATE_VALUES}
        functions = {"cite": self.cite, "cite_ids": self.cite_ids, "span": self.span}
        static = {"short_date": self.short_date, "hours": self.hours}
        return Record(**values, **functions, **static, logo=self.logo, references=self.references)


#: The formatted values a template reads from ``doc``.
_TEMPLATE_VALUES = (
    "language",
    "version",
    "title",
    "author",
    "subject",
    "created",
    "date_long",
    "babies",
    "baby_word",
    "goal_sentence",
    "urgent_count",
    "urgent_now",
    "emergency",
    "next_visit",
)



def _css_string(text: str) -> str:
    """A CSS string literal that can hold any text: quotes, backslashes and control characters are escaped."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,-'&()/:;!?@#+":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


def page_css(plan: Plan, practice: Practice) -> str:
    """The per-document CSS: paper size, colours, and the running header and footer texts."""
    colours = practice.colours
    name = (
        plan.parent_name if len(plan.parent_name) <= HEADER_NAME_LIMIT else plan.parent_name[:HEADER_NAME_LIMIT] + "…"
    )
    footer = practice.footer or practice.name
    return (
        f":root {{ --primary: {colours.primary}; --accent: {colours.accent}; --tint: {colours.tint}; }}\n"
        f"@page {{ size: {'A4' if practice.paper == 'A4' else 'letter'};"
        f" @top-left {{ content: {_css_string(practice.name[:HEADER_NAME_LIMIT])}; }}"
        f" @top-right {{ content: {_css_string('Care plan for ' + name)}; }}"
        f" @bottom-left {{ content: {_css_string(footer[:100])}; }} }}\n"
        "@page :first { @top-left { content: none; } @top-right { content: none; } }\n"
    )


def render_html(plan: Plan, practice: Practice, *, logo_url: str | None = None, templates: Folders = None) -> str:
    """The plan as an HTML document for WeasyPrint. ``logo_url`` is the URL the renderer will allow for the
    logo; ``templates`` is a practice's folder of template overrides."""
    doc = DocumentContext(plan=plan, practice=practice, logo=logo_url).for_template()
    data = {"plan": plain(plan.model_dump()), "practice": plain(template_data(practice)), "doc": doc}
    return render_template("plan.html", data, extra=templates)



def used_characters(html: str) -> set[int]:
    """The code points that appear as text in the document (used to pick which fonts to load)."""
    text = re.sub(r"<[^>]*>", " ", html)
    return {ord(c) for c in text}
