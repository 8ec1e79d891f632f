"""The plan put together: the sections the rules chose, what was left out, and the parts the plan type computes
(the schedule, feeding amounts, timeline and growth), with the plan's own details (babies, progress, the clinical
record). :mod:`careplan.rules.engine` decides; this module only assembles, in the plan's language."""

from __future__ import annotations

from careplan.growth.series import SOURCES as GROWTH_SOURCES
from careplan.growth.series import growth as baby_growth
from careplan.intake import Intake
from careplan.plan import (
    BabySummary,
    Exclusion,
    FeedingPlan,
    Growth,
    Milestone,
    Plan,
    PlanSection,
    ProgressRow,
    Schedule,
    SourceRef,
)
from careplan.rules.citations import Source
from careplan.rules.computed import feeding_plan, milk_removal_schedule, timeline
from careplan.rules.library import Library
from careplan.rules.record import clinical_record


def source_refs(library: Library, ids: list[str]) -> list[SourceRef]:
    return [_ref(i, library.sources[i]) for i in ids if i in library.sources]


def _ref(source_id: str, source: Source) -> SourceRef:
    address, shown = source.link or (None, None)
    return SourceRef(id=source_id, citation=source.citation, link=address, link_text=shown)


def assemble(
    intake: Intake,
    library: Library,
    language: str,
    sections: list[PlanSection],
    exclusions: list[Exclusion],
    step_down: set[str],
    held: dict[str, list[str]],
) -> Plan:
    """The plan: the sections, what was left out, and the computed parts the plan type asks for, in ``language``.
    ``step_down`` names the babies whose step-down entry survived the exclusions; ``held`` the entries that hold a
    baby's amounts."""
    requested = intake.parent.preferred_language
    feeding, schedule, milestones, growth = _computed(intake, library, sections, step_down, held, language)
    computed_ids = [
        *(schedule.sources if schedule is not None else []),
        *(s for f in feeding for s in f.sources),
        *(s for m in milestones for s in m.sources),
    ]
    sources = {ref.id: ref for ref in source_refs(library, sorted(set(computed_ids)))}
    return Plan(
        plan_type=intake.plan_type,
        language=language,
        requested_language=requested,
        consult_date=intake.consult.date,
        parent_name=intake.parent.name,
        baby_names=[b.name for b in intake.babies],
        babies=_baby_summaries(intake),
        jurisdiction=intake.consult.jurisdiction,
        next_visit=intake.consult.next_visit,
        next_visit_time=intake.consult.next_visit_time,
        visit=intake.consult.visit,
        first_visit=intake.consult.first_visit,
        assessment=intake.consult.assessment,
        progress=_progress_rows(intake),
        goal=intake.goals.goal,
        goal_in_own_words=intake.goals.in_own_words,
        sections=sections,
        exclusions=exclusions,
        schedule=schedule,
        feeding=feeding,
        timeline=milestones,
        growth=growth,
        record=clinical_record(intake),
        sources=sources,
        library=list(library.origins),
    )


def _baby_summaries(intake: Intake) -> list[BabySummary]:
    return [
        BabySummary(
            name=b.name,
            age_days=b.age_days,
            age_weeks=b.age_weeks,
            age_months=b.age_months,
            corrected_age_weeks=b.corrected_age_weeks,
            preterm=b.preterm,
            expected_wet_diapers=b.expected_wet_diapers,
        )
        for b in intake.babies
    ]


def _progress_rows(intake: Intake) -> list[ProgressRow]:
    """The follow-up records in date order, each naming its baby; the consultant's notes stay in the intake."""
    return [
        ProgressRow(
            baby=intake.babies[row.baby - 1].name if row.baby <= len(intake.babies) else str(row.baby),
            **row.model_dump(exclude={"baby", "notes"}),
        )
        for row in sorted(intake.progress, key=lambda r: (r.date, r.baby))
    ]


def _computed(
    intake: Intake,
    library: Library,
    sections: list[PlanSection],
    step_down: set[str],
    held: dict[str, list[str]],
    language: str,
) -> tuple[list[FeedingPlan], Schedule | None, list[Milestone], list[Growth]]:
    """The computed parts the plan type asks for, each only while an entry it waits for is in the plan (the
    manifest's ``computed_when``); the feeding part per baby."""
    kind = library.plantype
    items = [item for section in sections for item in section.items]
    in_plan = {item.id for item in items}

    def shows(part: str, ids: set[str] = in_plan) -> bool:
        return kind is not None and kind.shows(part, ids)

    def for_baby(name: str) -> set[str]:
        return {item.id for item in items if not item.babies or name in item.babies}

    feeding = [  # a twin whose entry for the feeding part is not in the plan has no feeding block
        feeding_plan(intake, baby, baby.name in step_down, held[baby.name], language=language)
        for baby in intake.babies
        if shows("feeding", for_baby(baby.name))
    ]
    schedule = milk_removal_schedule(intake, language=language) if shows("milk_removal") else None
    milestones = timeline(intake, language=language) if shows("timeline") else []
    growth = []
    if shows("growth"):
        refs = source_refs(library, list(GROWTH_SOURCES))
        growth = [block.model_copy(update={"sources": refs}) for block in baby_growth(intake, language=language)]
    return feeding, schedule, milestones, growth
