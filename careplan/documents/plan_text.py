"""Plain-text views of a plan: the parent's plan for a terminal, and the clinician's explanation."""

from __future__ import annotations

import json
import textwrap

from careplan.language.phrases import words
from careplan.plan import Plan, PlanItem

WIDTH = 100
_MARK = {
    "urgent": "!!",
    "referral": "->",
    "caution": " !",
    "expectation": " ~",
    "strategy": " *",
    "exclusion": " x",
}


def _wrap(text: str, indent: str = "    ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _item_lines(item: PlanItem) -> list[str]:
    who = f" (for {', '.join(item.babies)})" if item.babies else ""
    lines = [f"{_MARK[item.kind]} {item.title}{who}"]
    lines += _wrap(item.text)
    if item.why:
        lines += _wrap("Why it helps: " + item.why)
    if item.because:
        lines += _wrap("Why for you: " + item.because)
    lines += _wrap("Sources: " + ", ".join(s.id for s in item.sources))
    return lines


_BEFORE_DAILY = ("urgent", "referrals", "expectations")


def _daily_lines(plan: Plan) -> list[str]:
    """The computed daily plan: the milk-removal schedule and each baby's feeding plan."""
    if plan.schedule is None and not plan.feeding:
        return []
    out = ["", "== Your daily plan =="]
    if plan.schedule is not None:
        out += ["", "   Milk removal, every 24 hours:"]
        for session in plan.schedule.sessions:
            out += [f"    {session.time}  {'(night) ' if session.night else ''}{session.what}"]
        out += _wrap(plan.schedule.note)
    for feeding in plan.feeding:
        out += ["", f"   Feeding plan for {feeding.baby}:"]
        if feeding.current_supplement_ml is not None:
            out += [f"    Supplement now: {feeding.current_supplement_ml:.0f} mL a day"]
        if feeding.need_ml_low is not None and feeding.need_ml_high is not None:
            out += [
                f"    Estimated daily need: about {feeding.need_ml_low} to {feeding.need_ml_high} mL "
                f"(about {feeding.per_feed_ml_low} to {feeding.per_feed_ml_high} mL a feed "
                f"over {feeding.feeds_per_24h} feeds)"
            ]
        out += _wrap(feeding.basis)
        for note in feeding.notes:
            out += _wrap(note)
        if feeding.step_down:
            out += ["    Step-down (take the next step only while diapers and weight stay good):"]
            for step in feeding.step_down:
                out += [f"      from {step.starts_on.isoformat()} (day {step.day}): {step.daily_ml} mL a day"]
        elif feeding.step_down_withheld:
            out += _wrap(f"No step-down yet: {feeding.step_down_withheld}.")
    return out


def plan_text(plan: Plan) -> str:
    """The plan as a parent would read it, in plain text."""
    out = [
        words("en", plan.plan_type)("document.title", name=plan.parent_name),
        f"Baby: {', '.join(plan.baby_names)}    Consult: {plan.consult_date.isoformat()}",
        f"Goal: {plan.goal.replace('_', ' ')}",
    ]
    if plan.goal_in_own_words:
        out += _wrap(f'In your words: "{plan.goal_in_own_words}"', "")
    daily_done = False
    for section in plan.sections:
        if not daily_done and section.id not in _BEFORE_DAILY:
            out += _daily_lines(plan)
            daily_done = True
        out += ["", f"== {section.title} =="]
        if section.intro:
            out += _wrap(section.intro, "")
        for item in section.items:
            out += ["", *_item_lines(item)]
    if not daily_done:
        out += _daily_lines(plan)
    out += ["", "== Timeline =="]
    for milestone in plan.timeline:
        when = milestone.from_date.isoformat() if milestone.from_date else ""
        if milestone.to_date:
            when += f" to {milestone.to_date.isoformat()}"
        out += [f" - {milestone.label} ({when})"]
        out += _wrap(milestone.text)
    if plan.exclusions:
        out += ["", "== Left out on purpose =="]
        for exclusion in plan.exclusions:
            who = f" (for {', '.join(exclusion.babies)})" if exclusion.babies else ""
            out += _wrap(f"{exclusion.title}{who}: {exclusion.reason}", " x ")
    return "\n".join(out) + "\n"


def explain_text(plan: Plan) -> str:
    """Every item with its trace and sources, and every exclusion with its reason: for the clinician."""
    out = [f"Plan explanation ({', '.join(plan.library)})", ""]
    for section in plan.sections:
        for item in section.items:
            who = f" [{', '.join(item.babies)}]" if item.babies else ""
            rows = f" ({', '.join(item.rules)})" if item.rules else ""
            out.append(f"{item.kind.upper():11} {item.id}{rows}{who}  -> section {section.id}")
            if not item.trace:
                out.append("    always applies")
            for trace in item.trace:
                values = ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in trace.values.items())
                out.append(f"    held: {trace.name}: {trace.expression}")
                if values:
                    out.append(f"          because {values}")
            out.append(f"    note: {item.clinician_note}")
            out.append(f"    sources: {'; '.join(f'{s.id}: {s.citation}' for s in item.sources)}")
    for exclusion in plan.exclusions:
        who = f" [{', '.join(exclusion.babies)}]" if exclusion.babies else ""
        out.append(f"EXCLUDED    {exclusion.id}{who}: {exclusion.reason} (by {exclusion.by})")
        out.append(f"    sources: {'; '.join(s.id for s in exclusion.sources)}")
    return "\n".join(out) + "\n"


SUMMARY_WIDTH = 78


def short_summary(plan: Plan) -> list[str]:
    """The plan in a few lines: urgent items first (with what to do), then referrals, then the rest by section."""
    lines = ["", f"Plan for {plan.parent_name} ({', '.join(plan.baby_names)}): {len(plan.items())} items"]
    urgent = [i for i in plan.items() if i.kind == "urgent"]
    referrals = [i for i in plan.items() if i.kind == "referral"]
    for item in urgent:
        lines.append(f"!! URGENT: {item.title}")
        lines += textwrap.wrap(item.text, SUMMARY_WIDTH, initial_indent="   ", subsequent_indent="   ")
    for item in referrals:
        lines.append(f"-> {item.title}")
    for section in plan.sections:
        rest = [i for i in section.items if i.kind not in ("urgent", "referral")]
        if rest:
            lines.append(f"   {section.title}: {len(rest)} item{'s' if len(rest) != 1 else ''}")
    if plan.exclusions:
        lines.append(f"   Left out on purpose: {len(plan.exclusions)}")
    return lines
