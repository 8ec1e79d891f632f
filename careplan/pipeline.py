"""Intake -> plan -> HTML -> PDF in one call, for the CLI, batch rendering and the interview.

One public function, :func:`write_plan_pdf`. It only strings the single-purpose steps together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from careplan._io import write_private
from careplan.documents.fonts import check_printable
from careplan.documents.pdf import EmbeddedFile, Variant, render_pdf
from careplan.documents.registry import document
from careplan.errors import InputError
from careplan.intake import ATTACHMENT, Intake
from careplan.plan import Plan, finding
from careplan.practice import Practice
from careplan.rules.engine import build_plan
from careplan.rules.library import Library

if TYPE_CHECKING:
    from careplan.interview.hooks import RedFlag


def render_file(
    intake_file: Path,
    output: Path,
    *,
    practice: Path | None = None,
    libraries: tuple[Path, ...] = (),
    variant: str = "pdf/a-3a",
    html: Path | None = None,
    kind: str = "care-plan",
    language: str | None = None,
) -> list[str]:
    """Read an intake file, render its plan to ``output`` (``careplan render``); the renderer's warnings, each once."""
    from careplan.intake import load_intake
    from careplan.practice import load_practice
    from careplan.rules.library import load_library

    if variant not in ("pdf/a-3a", "pdf/a-3b", "pdf/ua-1"):
        raise ValueError(f"unknown PDF variant {variant!r}")
    intake = load_intake(intake_file)
    result = write_plan_pdf(
        intake,
        output,
        library=load_library(*libraries, plan_type=intake.plan_type),
        practice=load_practice(practice),
        variant=variant,  # type: ignore[arg-type]
        html_output=html,
        kind=kind,
        label=str(intake_file),
        language=language,
    )
    return sorted(set(result.warnings))


def template_folders(practice: Practice, library: Library) -> tuple[Path, ...]:
    """Where templates are looked up before careplan's own: the practice's folder, then the plan type's."""
    kind = library.plantype
    own = kind.folder / "templates" if kind is not None and (kind.folder / "templates").is_dir() else None
    return tuple(f for f in (practice.templates, own) if f is not None)


@dataclass(frozen=True)
class Rendered:
    plan: Plan
    pdf: Path
    html: str
    warnings: list[str]


def write_plan_pdf(
    intake: Intake,
    output: Path,
    *,
    library: Library,
    practice: Practice,
    variant: Variant = "pdf/a-3a",
    html_output: Path | None = None,
    kind: str = "care-plan",
    label: str = "the intake",
    language: str | None = None,
) -> Rendered:
    """Build the plan for ``intake`` and write document ``kind`` (see :data:`careplan.documents.DOCUMENTS`) as a
    PDF, and optionally its HTML; the intake is embedded where the document carries it. ``label`` names the
    intake in messages (its file)."""
    offered = library.plantype.documents if library.plantype is not None else (kind,)
    if kind not in offered:
        listed = ", ".join(offered)
        raise InputError([f"the {intake.plan_type} plan type does not offer a {kind!r} document ({listed})"])
    check_printable(intake, label)  # text no packaged font covers stops here, before anything is written
    plan = build_plan(intake, library, language=language, reviewed_only=practice.languages.reviewed_only)
    made = document(kind)
    logo = practice.logo.resolve().as_uri() if practice.logo is not None else None
    html = made.render_html(plan, practice, logo_url=logo, templates=template_folders(practice, library))
    created = datetime.combine(intake.consult.date, time(12, 0), tzinfo=UTC)
    embedded = EmbeddedFile(
        name=ATTACHMENT,
        data=intake.model_dump_json(indent=2).encode("utf-8"),
        description="The careplan intake this plan was built from (JSON).",
    )
    assets = (practice.asset_folder,) if practice.asset_folder is not None else ()
    folders = (*assets, *template_folders(practice, library))
    warnings = render_pdf(
        html,
        output,
        page_css=made.page_css(plan, practice),
        created=created,
        embed=[embedded] if made.attach_intake else [],
        variant=variant,
        asset_folders=folders,
    )
    if html_output is not None:  # only once the PDF is safely written
        write_private(html_output, html.encode("utf-8"))
    return Rendered(plan=plan, pdf=output, html=html, warnings=warnings)


def write_letter_pdf(
    intake: Intake,
    output: Path,
    *,
    library: Library,
    practice: Practice,
    role: str,
    cover: bool = False,
    variant: Variant = "pdf/ua-1",
    label: str = "the intake",
) -> Rendered:
    """Write the letter to ``role`` (see :mod:`careplan.documents.letter`) as a tagged PDF, never carrying the
    intake. With ``cover`` a fax cover sheet comes first, saying how many pages are sent: the letter is rendered
    once to count its pages, then again behind the cover."""
    from careplan.documents import letter

    check_printable(intake, label)
    plan = build_plan(intake, library, language="en")  # a letter to clinicians is in English
    logo = practice.logo.resolve().as_uri() if practice.logo is not None else None
    folders = template_folders(practice, library)
    assets = (practice.asset_folder,) if practice.asset_folder is not None else ()
    created = datetime.combine(intake.consult.date, time(12, 0), tzinfo=UTC)

    def render(cover_pages: int | None) -> tuple[str, list[str]]:
        html = letter.render_html(plan, practice, logo_url=logo, templates=folders, role=role, cover_pages=cover_pages)
        warnings = render_pdf(html, output, page_css=letter.page_css(plan, practice), created=created,
                              variant=variant, asset_folders=(*assets, *folders))
        return html, warnings

    html, warnings = render(None)
    if cover:
        from pypdf import PdfReader

        html, warnings = render(len(PdfReader(str(output)).pages))
    return Rendered(plan=plan, pdf=output, html=html, warnings=warnings)


class PlanHooks:
    """The interview's hooks (:class:`careplan.interview.hooks.Hooks`): red flags from the rules, the PDF from the
    pipeline. The library loads once, on first need; the practice file is read at once, so a bad one stops the
    interview before the first question."""

    def __init__(
        self,
        libraries: tuple[Path, ...] = (),
        practice: Path | None = None,
        render: bool = False,
        plan_type: str = "relactation",
        *,
        library: Library | None = None,
    ) -> None:
        import threading

        from careplan.practice import load_practice

        self.libraries = libraries
        self.plan_type = plan_type
        if library is not None and library.plantype is not None and library.plantype.id != plan_type:
            library = None  # loaded for another plan type: this interview's own loads on first need
        self.practice = load_practice(practice) if render else None
        self._library = library
        self._lock = threading.Lock()

    @classmethod
    def factory(
        cls, library: Library | None = None
    ) -> Callable[[tuple[Path, ...], Path | None, bool, str], PlanHooks]:
        """A factory for ``run_interview``; ``library`` when it is already loaded (used only for its plan type)."""

        def make(libraries: tuple[Path, ...], practice: Path | None, render: bool, plan_type: str) -> PlanHooks:
            return cls(libraries, practice, render, plan_type, library=library)

        return make

    @property
    def library(self) -> Library:
        with self._lock:
            if self._library is None:
                from careplan.rules.library import load_library

                self._library = load_library(*self.libraries, plan_type=self.plan_type)
            return self._library

    def load(self) -> None:
        self.library  # noqa: B018 - loads it

    def warm_up(self) -> None:
        from careplan.documents.pdf import warm_up

        warm_up()

    def red_flags(self, intake: Intake) -> list[RedFlag]:
        from careplan.interview.hooks import RedFlag

        plan = build_plan(intake, self.library, language="en")  # for the consultant
        return [
            RedFlag(
                id=item.id,
                kind=item.kind,
                title=item.title,
                text=item.text,
                babies=tuple(item.babies),
                reads=tuple(name for trace in item.trace for name in trace.values),
                findings=tuple(finding(trace) for trace in item.trace),
            )
            for item in plan.items()
            if item.kind in ("urgent", "referral")
        ]

    def flag_roots(self, kinds: frozenset[str], entries: frozenset[str]) -> set[str]:
        roots = {"consult", "babies"}  # ages count from the consult date and the birth dates
        for rule in self.library.rules.values():
            if rule.entry.kind in kinds or rule.entry.id in entries:
                for compiled in (*rule.all.values(), *rule.any.values(), *rule.params.values()):
                    roots |= {"babies" if r == "baby" else r for r in compiled.roots}
        return roots

    def write_pdf(self, intake: Intake, pdf: Path) -> list[str]:
        from careplan.practice import load_practice

        practice = self.practice if self.practice is not None else load_practice(None)
        return write_plan_pdf(intake, pdf, library=self.library, practice=practice).warnings

    def finish(self, intake: Intake) -> tuple[Plan, list[str]]:
        from careplan.documents.plan_text import short_summary

        plan = build_plan(intake, self.library, language="en")  # the consultant's summary
        return plan, short_summary(plan)
