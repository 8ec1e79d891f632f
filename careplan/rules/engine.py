"""The rule engine: intake + strategy library -> plan.

One public function, :func:`build_plan`. It is pure: the same intake and library always give the same plan, and
nothing is read from disk, the clock or the network.

How it decides:

1. Every library entry is evaluated, once per baby when its expressions read ``baby``, otherwise once. An entry
   fires when all of its ``all`` conditions and at least one of its ``any`` conditions hold. The conditions that
   held, and the intake values they read, become the item's trace.
2. Every fired entry that ``excludes`` others removes them from the plan (for the same baby, or for all babies
   when the excluding entry is about the whole family) and records why. Exclusion entries themselves only
   produce these records. So nothing excluded is ever also recommended.
3. Items are grouped into the library's sections, urgent items first and referrals second.
4. The schedule, feeding plans and timeline are computed. No daily amount and no step-down is computed for a
   baby while one of the baby's own guards holds (``Baby.amount_guards``) or an entry marked ``holds_amounts``
   fired for that baby; the step-down is kept only for a baby for whom the ``supplement-step-down`` entry
   survived step 2.
5. An urgent item or referral that a more urgent one supersedes is dropped, never listed as "left out": the list
   of what was left out holds only strategies, cautions and expectations, each with this family's reason.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from careplan.errors import LibraryError
from careplan.intake import Baby, Intake
from careplan.plan import BabySummary, ConditionTrace, Exclusion, Plan, PlanItem, PlanSection, SourceRef
from careplan.rules.computed import feeding_plan, milk_removal_schedule, timeline
from careplan.rules.expressions import words
from careplan.rules.library import KIND_SECTIONS, Library, Rule

ROOTS = ("consult", "parent", "babies", "lactation", "health", "situation", "goals", "consent", "progress")


@dataclass
class _Firing:
    rule: Rule
    baby: Baby | None
    traces: list[ConditionTrace]
    params: dict[str, Any]


@dataclass
class _Removed:
    reason: str
    by: str
    babies: list[str] = field(default_factory=list)


class _Text(string.Formatter):
    """Fills {param} placeholders; an unknown value prints as 'unknown' whatever its format spec."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return "unknown"
        if isinstance(value, list | tuple):  # a list reads as "a, b and c"
            return words(value)
        try:
            return str(super().format_field(value, format_spec))
        except (TypeError, ValueError):
            return str(value)


_FORMAT = _Text()


def _scope(intake: Intake, baby: Baby) -> dict[str, Any]:
    scope: dict[str, Any] = {name: getattr(intake, name) for name in ROOTS}
    scope["baby"] = baby
    return scope


def _evaluate(rule: Rule, intake: Intake, baby: Baby) -> _Firing | None:
    scope = _scope(intake, baby)
    traces: list[ConditionTrace] = []
    try:
        for name, compiled in rule.all.items():
            value, seen = compiled.evaluate(scope)
            if not value:
                return None
            traces.append(ConditionTrace(name=name, expression=compiled.source, values=seen))
        if rule.any:
            held = False
            for name, compiled in rule.any.items():
                value, seen = compiled.evaluate(scope)
                if value:
                    held = True
                    traces.append(ConditionTrace(name=name, expression=compiled.source, values=seen))
            if not held:
                return None
        params = {name: compiled.evaluate(scope)[0] for name, compiled in rule.params.items()}
    except Exception as exc:  # rule-engine raises its own EvaluationError family; any failure is the library's
        raise LibraryError(
            [f"{rule.origin}: entry '{rule.entry.id}': could not be evaluated ({type(exc).__name__})"]
        ) from exc
    return _Firing(rule=rule, baby=baby if rule.per_baby else None, traces=traces, params=params)


def _names(babies: list[Baby]) -> str:
    names = [b.name for b in babies]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _local(texts: dict[str, str] | None, language: str) -> str | None:
    if texts is None:
        return None
    return texts.get(language) or texts.get(language.split("-")[0]) or texts["en"]


def _fill(texts: dict[str, str] | None, language: str, values: dict[str, Any]) -> str | None:
    text = _local(texts, language)
    return None if text is None else _FORMAT.vformat(text, (), values)


def _sources(library: Library, ids: list[str]) -> list[SourceRef]:
    return [SourceRef(id=i, citation=library.sources[i].citation) for i in ids if i in library.sources]


def build_plan(intake: Intake, library: Library) -> Plan:
    """Build the care plan for ``intake`` from ``library``."""
    if library.plantype is not None and library.plantype.id != intake.plan_type:
        raise LibraryError(
            [f"the intake is a {intake.plan_type!r} intake, but the library is for {library.plantype.id!r}"]
        )
    requested = intake.parent.preferred_language
    written = {lang for rule in library.rules.values() for lang in rule.entry.text}
    language = next((lang for lang in (requested, requested.split("-")[0]) if lang in written), "en")
    firings: list[_Firing] = []
    for rule_id in sorted(library.rules):
        rule = library.rules[rule_id]
        babies = intake.babies if rule.per_baby else [intake.youngest_baby]
        for baby in babies:
            firing = _evaluate(rule, intake, baby)
            if firing is not None:
                firings.append(firing)

    def values(firing: _Firing) -> dict[str, Any]:
        who = [firing.baby] if firing.baby is not None else intake.babies
        return {"baby_name": _names(who), "parent_name": intake.parent.name, **firing.params}

    # Exclusions: (target id, baby name or None for all) -> why
    removed: dict[tuple[str, str | None], _Removed] = {}
    for firing in firings:
        entry = firing.rule.entry
        for target in entry.excludes:
            key = (target, firing.baby.name if firing.baby is not None else None)
            if key not in removed:
                reason = _fill(entry.exclusion_reason, language, values(firing)) or ""
                removed[key] = _Removed(reason=reason, by=entry.id)

    def excluded(firing: _Firing) -> _Removed | None:
        entry_id = firing.rule.entry.id
        if firing.baby is None:
            return next((r for (t, _), r in removed.items() if t == entry_id), None)
        return removed.get((entry_id, firing.baby.name)) or removed.get((entry_id, None))

    items: list[PlanItem] = []
    kept: dict[str, list[_Firing]] = {}
    exclusions: dict[tuple[str, str], Exclusion] = {}
    kept_step_down: set[str] = set()
    step_down_entry = library.plantype.step_down_entry if library.plantype is not None else None
    held: dict[str, list[str]] = {b.name: [] for b in intake.babies}
    for firing in firings:
        entry = firing.rule.entry
        if entry.kind == "exclusion":
            continue
        why_out = excluded(firing)
        filled = values(firing)
        baby_names = [firing.baby.name] if firing.baby is not None else []
        if why_out is not None:
            if entry.kind in ("urgent", "referral"):
                continue  # superseded by a more urgent item, which says what to do
            title = _fill(entry.title, language, filled) or entry.id
            key = (entry.id, title)
            if key in exclusions:
                previous = exclusions[key]
                exclusions[key] = previous.model_copy(update={"babies": previous.babies + baby_names})
            else:
                by_entry = library.rules[why_out.by].entry
                exclusions[key] = Exclusion(
                    id=entry.id,
                    title=title,
                    reason=why_out.reason,
                    by=why_out.by,
                    sources=_sources(library, by_entry.sources),
                    babies=baby_names,
                )
            continue
        if entry.holds_amounts:
            for name in baby_names or [b.name for b in intake.babies]:
                held[name].append(entry.id)
        if entry.id == step_down_entry:
            kept_step_down.update(baby_names or [b.name for b in intake.babies])
        kept.setdefault(entry.id, []).append(firing)

    for group in kept.values():
        for firing, babies in _together(group, intake.babies):
            entry = firing.rule.entry
            filled = values(firing) | {"baby_name": _names(babies)} if babies else values(firing)
            items.append(
                PlanItem(
                    id=entry.id,
                    kind=entry.kind,
                    urgency=entry.urgency,
                    section=entry.plan_section,
                    title=_fill(entry.title, language, filled) or entry.id,
                    text=_fill(entry.text, language, filled) or "",
                    why=_fill(entry.why, language, filled),
                    because=_fill(entry.because, language, filled),
                    clinician_note=entry.clinician_note,
                    sources=_sources(library, entry.sources),
                    rules=entry.rules,
                    babies=[b.name for b in babies],
                    trace=[t for f in group for t in f.traces] if len(babies) > 1 else firing.traces,
                )
            )

    order = {entry_id: library.rules[entry_id].entry.priority for entry_id in library.rules}
    first = list(KIND_SECTIONS.values())
    section_ids = first + [s.id for s in library.sections if s.id not in first]
    sections = []
    for section_id in section_ids:
        in_section = sorted((i for i in items if i.section == section_id), key=lambda i: (order[i.id], i.id, i.babies))
        if not in_section:
            continue
        section = library.section(section_id)
        sections.append(
            PlanSection(
                id=section.id,
                title=_local(section.title, language) or section.id,
                intro=_local(section.intro, language),
                items=in_section,
            )
        )

    computed = library.plantype.computed if library.plantype is not None else ()
    feeding = (
        [feeding_plan(intake, baby, baby.name in kept_step_down, held[baby.name]) for baby in intake.babies]
        if "feeding" in computed
        else []
    )
    schedule = milk_removal_schedule(intake) if "milk_removal" in computed else None
    milestones = timeline(intake) if "timeline" in computed else []
    computed_ids = [
        *(schedule.sources if schedule is not None else []),
        *(s for f in feeding for s in f.sources),
        *(s for m in milestones for s in m.sources),
    ]
    sources = {ref.id: ref for ref in _sources(library, sorted(set(computed_ids)))}
    return Plan(
        plan_type=intake.plan_type,
        language=language,
        requested_language=requested,
        consult_date=intake.consult.date,
        parent_name=intake.parent.name,
        baby_names=[b.name for b in intake.babies],
        babies=[
            BabySummary(
                name=b.name,
                age_days=b.age_days,
                age_weeks=b.age_weeks,
                age_months=b.age_months,
                corrected_age_weeks=b.corrected_age_weeks,
                preterm=b.preterm,
            )
            for b in intake.babies
        ],
        jurisdiction=intake.consult.jurisdiction,
        next_visit=intake.consult.next_visit,
        goal=intake.goals.goal,
        goal_in_own_words=intake.goals.in_own_words,
        sections=sections,
        exclusions=sorted(exclusions.values(), key=lambda e: (e.id, e.babies)),
        schedule=schedule,
        feeding=feeding,
        timeline=milestones,
        sources=sources,
        library=list(library.origins),
    )


def _together(group: list[_Firing], babies: list[Baby]) -> list[tuple[_Firing, list[Baby]]]:
    """An entry that fired for every baby with the same values becomes one item naming them all (twins);
    otherwise one item per baby, or one for the whole family."""
    per_baby = [f for f in group if f.baby is not None]
    if not per_baby:
        return [(f, []) for f in group]
    same = len(babies) > 1 and len(per_baby) == len(babies) and all(f.params == per_baby[0].params for f in per_baby)
    if same:
        return [(per_baby[0], list(babies))]
    return [(f, [f.baby]) for f in per_baby if f.baby is not None]
