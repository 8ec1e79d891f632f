"""Plan -> HTML: the Jinja templates that lay out the printed care plan.

One public function, :func:`render_html`. Templates run in Jinja's sandbox with autoescaping and
``StrictUndefined``, so intake text always prints as text and a misspelt template variable is an error, never a
blank. A practice may put its own templates in a folder; they are searched before the built-in ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from careplan._version import __version__
from careplan.documents.page import page_css as page_css  # the registry asks each document module for it
from careplan.language.phrases import words
from careplan.locales import Formatter
from careplan.plan import Plan, PlanItem, SourceRef
from careplan.practice import Practice, template_data
from careplan.templating import Folders, Record, plain, render_template

#: The goal sentence's phrase key for each goal (careplan/language/phrases/document.yaml).
GOAL_KEYS = {
    goal: f"document.goal_{goal}"
    for goal in ("exclusive_breastfeeding", "partial_breastfeeding", "comfort_nursing", "expressed_milk", "any_milk",
                 "unsure")
}
#: The goal sentences in English, for code that reads them (the library's readability check).
GOALS = {goal: words("en")(key) for goal, key in GOAL_KEYS.items()}

#: Where the sheet's "what to do now" comes from, in order: same-day referrals, the heart of the plan (milk removal
#: and feeding), the other calls to make, then closeness, nights and the parent's own care. One item per section.
ACTION_ORDER = ("referrals:today", "milk_removal", "feeding", "referrals:soon", "closeness", "sleep", "wellbeing")
MAX_ACTIONS = 5


@dataclass
class DocumentContext:
    """What the templates may use besides ``plan`` and ``practice``: formatted values and citation numbers."""

    plan: Plan
    practice: Practice
    logo: str | None
    fmt: Formatter = field(init=False)  # the practice's locale for this family
    references: list[Record] = field(default_factory=list)  # (id, citation) in order of first use
    anchors: set[str] = field(default_factory=set)  # the item anchors given out so far

    def __post_init__(self) -> None:
        """The locale for this family, and the plan's words in its spelling (nappy for diaper), once."""
        self.fmt = Formatter(self.practice.locale_for(self.plan.jurisdiction), language=self.plan.language)
        self.plan = Plan.model_validate(respelled(self.plan.model_dump(), self.fmt.spell))
        self.words = words(self.plan.language, self.plan.plan_type)

    def t(self, key: str, /, **values: Any) -> Markup:
        """careplan's phrase ``key`` in the plan's language and spelling, as HTML: the phrase and every value are
        escaped, except values that are already HTML (Markup, such as a bold phone number)."""
        phrase = escape(self.fmt.spell(self.words(key)))  # Markup: its format() escapes every value not yet HTML
        return phrase.format(**values) if values else phrase

    @property
    def language(self) -> str:
        return self.plan.language

    @property
    def version(self) -> str:
        return __version__

    @property
    def title(self) -> str:
        return self.words("document.title", name=self.plan.parent_name)

    @property
    def author(self) -> str:
        return f"{self.practice.consultant.name}, {self.practice.consultant.credentials}, {self.practice.name}"

    @property
    def subject(self) -> str:
        return self.words("document.subject")

    @property
    def created(self) -> str:
        return f"{self.plan.consult_date.isoformat()}T12:00:00Z"

    @property
    def date_long(self) -> str:
        return self.long_date(self.plan.consult_date)

    @property
    def babies(self) -> list[dict[str, str]]:
        return [
            {"name": b.name, "age": self.age_text(b.age_days, b.age_weeks, b.age_months, language=self.language)}
            for b in self.plan.babies
        ]

    @property
    def baby_word(self) -> str:
        return self.words("document.your_babies" if len(self.plan.babies) > 1 else "document.your_baby")

    @property
    def goal_sentence(self) -> str:
        return self.words(GOAL_KEYS.get(self.plan.goal, GOAL_KEYS["unsure"]))

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

    @property
    def next_visit_time(self) -> str | None:
        return None if self.plan.next_visit_time is None else self.fmt.time(self.plan.next_visit_time)

    @property
    def practice_contact(self) -> str:
        """The practice's phone and address for the sheet's header and every page's footer ("" when neither)."""
        contact = self.practice.contact
        return " · ".join(part for part in (contact.phone, contact.address) if part)

    #: The progress charts come under their own "Your progress" heading (the progress document has it as its title).
    progress_heading = True

    @property
    def charts(self) -> list[dict[str, Any]]:
        """The progress charts (a follow-up's growth, milk and routine), each with its table; none at a first
        visit."""
        from careplan.documents.progress_charts import charts

        return charts(self.plan, self.fmt) if self.plan.visit == "follow_up" else []

    @property
    def actions(self) -> list[dict[str, str]]:
        """The sheet's "what to do now": three to five items that fired for this family, each with the anchor of
        its details. Urgent items are not here: they have their own box above."""
        chosen: list[PlanItem] = []
        for source in ACTION_ORDER:
            section_id, _, urgency = source.partition(":")
            section = next((s for s in self.plan.sections if s.id == section_id), None)
            if section is None:
                continue
            if urgency:
                wanted = ("now", "today") if urgency == "today" else ("soon", None)
                chosen += [i for i in section.items if i.kind == "referral" and i.urgency in wanted]
            else:
                chosen += [i for i in section.items if i.kind == "strategy"][:1]
        seen: set[str] = set()
        out = []
        for item in chosen:
            if item.id in seen:
                continue
            seen.add(item.id)
            babies = item.babies if len(self.plan.babies) > 1 and item.babies else []
            out.append({"title": item.title, "anchor": f"item-{item.id}", "babies": self.fmt.join(babies)})
        return out[:MAX_ACTIONS]

    @property
    def left_out(self) -> list[dict[str, Any]]:
        """What was left out, each with its reason; when the entry that left it out is itself in the plan (a
        caution that already says why), a pointer to that item instead of its reasons over again."""
        titles = {item.id: item.title for item in self.plan.items()}
        out: list[dict[str, Any]] = []
        for exclusion in self.plan.exclusions:
            babies = self.fmt.join(exclusion.babies if len(self.plan.babies) > 1 else [])
            row: dict[str, Any] = {
                "title": exclusion.title,
                "babies": babies,
                "reason": exclusion.reason,
                "see": titles.get(exclusion.by),
                "anchor": f"item-{exclusion.by}",
                "sources": [source.model_dump() for source in exclusion.sources],
            }
            key = (row["reason"], row["see"], babies)
            same = next((o for o in out if (o["reason"], o["see"], o["babies"]) == key), None)
            if same is None:
                out.append(row)
            else:  # one line for things left out for the same reason ("Fenugreek, Goat's rue: ...")
                sources: list[dict[str, str]] = same["sources"]
                same["title"] = f"{same['title']}, {row['title']}"
                sources += [source for source in row["sources"] if source not in sources]
        return out

    @property
    def how_set(self) -> list[dict[str, Any]]:
        """Why each baby's amounts are what they are; twins whose reasons differ only by name share one entry."""
        groups: list[dict[str, Any]] = []
        for feeding in self.plan.feeding:
            texts = [feeding.basis, *feeding.notes]
            key = [text.replace(feeding.baby, "\0") for text in texts]
            same = next((g for g in groups if g["key"] == key), None)
            if same is None:
                groups.append({"key": key, "babies": [feeding.baby], "texts": texts})
            else:
                same["babies"].append(feeding.baby)
        many = len(self.plan.babies) > 1
        each = self.words("document.each_baby")
        return [
            {
                "babies": self.fmt.join(g["babies"]) if many else "",
                "texts": [text.replace("\0", each if len(g["babies"]) > 1 else g["babies"][0]) for text in g["key"]],
            }
            for g in groups
        ]

    @property
    def help_tiers(self) -> list[dict[str, Any]]:
        """The "when to get help" tiers, most urgent first: title, one line per sign, and whom to call."""
        section = next((s for s in self.plan.sections if s.id == "when_to_get_help"), None)
        tiers = []
        for item in section.items if section is not None else []:
            tiers.append({
                "title": item.title,
                "signs": [line.strip() for line in item.text.splitlines() if line.strip()],
                "urgency": item.urgency or "soon",
                "sources": [source.model_dump() for source in item.sources],
                "anchor": f"item-{item.id}",
            })
        order = {"now": 0, "today": 1, "soon": 2}
        return sorted(tiers, key=lambda tier: order.get(tier["urgency"], 3))

    @staticmethod
    def age_text(days: int, weeks: float, months: float, *, language: str = "en") -> str:
        say = words(language)
        if days == 1:
            return say("document.age_one_day")
        if days < 14:
            return say("document.age_days", days=days)
        if days < 91:
            return say("document.age_weeks", weeks=int(weeks))
        return say("document.age_months", months=int(months))

    def long_date(self, value: date) -> str:
        return self.fmt.long_date(value)

    def short_date(self, value: date) -> str:
        return self.fmt.short_date(value)

    def span(self, start: date | None, end: date | None) -> str:
        if start is None:
            return "" if end is None else self.words("document.span_as_of", date=self.long_date(end))
        if end is None:
            return self.words("document.span_from", date=self.long_date(start))
        return self.words("document.span_about", start=self.short_date(start), end=self.short_date(end))

    def hours(self, value: float) -> str:
        whole = int(value)
        minutes = round((value - whole) * 60)
        if minutes:
            return self.words("document.hours_minutes", hours=whole, minutes=minutes)
        return self.words("document.hours", hours=whole)

    def _number(self, ref: SourceRef | Record | dict[str, str]) -> int:
        data = vars(ref) if isinstance(ref, Record) else ref if isinstance(ref, dict) else ref.model_dump()
        for index, known in enumerate(self.references, start=1):
            if known.id == data["id"]:
                return index
        self.references.append(
            Record(id=str(data["id"]), citation=str(data["citation"]), link=data.get("link"),
                   link_text=data.get("link_text"))
        )
        return len(self.references)

    def cite(self, sources: list[SourceRef] | list[Record] | list[dict[str, str]]) -> str:
        """Reference numbers for these sources, in order of first use, each a link to its entry: '[1, 4]'."""
        if not sources:
            return ""
        numbers = sorted({self._number(ref) for ref in sources})
        from markupsafe import Markup

        link = Markup('<a class="ref" href="#ref-{0}">{0}</a>')
        return Markup("[{}]").format(Markup(", ").join(link.format(n) for n in numbers))

    def cite_ids(self, ids: list[str]) -> str:
        """Reference numbers for source IDs of the plan's computed parts."""
        return self.cite([self.plan.sources[i] for i in ids if i in self.plan.sources])

    def anchor(self, item_id: str) -> str:
        """The HTML id of an item: ``item-ID`` the first time (what the sheet's links point to), then numbered."""
        anchor, number = f"item-{item_id}", 1
        while anchor in self.anchors:
            number += 1
            anchor = f"item-{item_id}-{number}"
        self.anchors.add(anchor)
        return anchor

    def for_template(self) -> Record:
        """What a template sees as ``doc``: plain values and a few functions, never this object (a practice's
        templates are untrusted; see careplan.templating). ``references`` is the live list the citations fill, so
        the reference list at the end holds every source cited before it."""
        values = {name: plain(getattr(self, name)) for name in _TEMPLATE_VALUES}
        functions = {"t": self.t, "cite": self.cite, "cite_ids": self.cite_ids, "span": self.span,
                     "anchor": self.anchor}
        fmt = self.fmt
        static = {"short_date": self.short_date, "long_date": self.long_date, "hours": self.hours,
                  "volume": fmt.volume, "volume_range": fmt.volume_range, "weight": fmt.weight, "time": fmt.time,
                  "spell": fmt.spell}
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
    "next_visit_time",
    "practice_contact",
    "actions",
    "help_tiers",
    "left_out",
    "how_set",
    "charts",
    "progress_heading",
)



def render_html(plan: Plan, practice: Practice, *, logo_url: str | None = None, templates: Folders = None) -> str:
    """The plan as an HTML document for WeasyPrint. ``logo_url`` is the URL the renderer will allow for the
    logo; ``templates`` is a practice's folder of template overrides. The plan's words follow the locale's
    spelling (nappy for diaper); names and references are left as they are."""
    context = DocumentContext(plan=plan, practice=practice, logo=logo_url)
    data = {
        "plan": plain(context.plan.model_dump()),
        "practice": plain(template_data(practice, jurisdiction=plan.jurisdiction, language=plan.language)),
        "doc": context.for_template(),
        "t": context.t,
    }
    return render_template("plan.html", data, extra=templates)


#: The plan's texts a parent reads (by key, at any depth); names, ids, notes and citations are not among them.
_RESPELLED = frozenset({"title", "intro", "text", "why", "because", "short", "avoid_if", "reason", "note", "what",
                        "basis", "notes", "step_down_withheld", "label"})


def respelled(data: Any, spell: Callable[[str], str], key: str = "") -> Any:
    """``data`` (a plan's model_dump) with ``spell`` applied to every parent-facing text in it."""
    if isinstance(data, dict):
        return {k: (v if k == "sources" else respelled(v, spell, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [respelled(v, spell, key) for v in data]
    if isinstance(data, str) and key in _RESPELLED:
        return spell(data)
    return data



def used_characters(html: str) -> set[int]:
    """The code points that appear as text in the document (used to pick which fonts to load)."""
    text = re.sub(r"<[^>]*>", " ", html)
    return {ord(c) for c in text}
