"""Intake -> plan -> HTML -> PDF in one call, for the CLI, batch rendering and the interview.

One public function, :func:`write_plan_pdf`. It only strings the single-purpose steps together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

from careplan._io import write_private
from careplan.document import page_css, render_html
from careplan.intake import ATTACHMENT, Intake
from careplan.library import Library
from careplan.plan import Plan
from careplan.practice import Practice
from careplan.render import EmbeddedFile, Variant, render_pdf
from careplan.rules import build_plan


def render_file(
    intake_file: Path,
    output: Path,
    *,
    practice: Path | None = None,
    libraries: tuple[Path, ...] = (),
    variant: str = "pdf/a-3b",
    html: Path | None = None,
) -> list[str]:
    """Read an intake file, render its plan to ``output`` (``careplan render``); the renderer's warnings, each once."""
    from careplan.intake import load_intake
    from careplan.library import load_library
    from careplan.practice import load_practice

    if variant not in ("pdf/a-3b", "pdf/ua-1"):
        raise ValueError(f"unknown PDF variant {variant!r}")
    result = write_plan_pdf(
        load_intake(intake_file),
        output,
        library=load_library(*libraries),
        practice=load_practice(practice),
        variant=variant,  # type: ignore[arg-type]
        html_output=html,
    )
    return sorted(set(result.warnings))


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
    variant: Variant = "pdf/a-3b",
    html_output: Path | None = None,
) -> Rendered:
    """Build the plan for ``intake`` and write it as a PDF (and optionally the HTML) with the intake embedded."""
    plan = build_plan(intake, library)
    logo = practice.logo.resolve().as_uri() if practice.logo is not None else None
    html = render_html(plan, practice, logo_url=logo, templates=practice.templates)
    created = datetime.combine(intake.consult.date, time(12, 0), tzinfo=UTC)
    embedded = EmbeddedFile(
        name=ATTACHMENT,
        data=intake.model_dump_json(indent=2).encode("utf-8"),
        description="The careplan intake this plan was built from (JSON).",
    )
    folders = tuple(f for f in (practice.asset_folder, practice.templates) if f is not None)
    warnings = render_pdf(
        html,
        output,
        page_css=page_css(plan, practice),
        created=created,
        embed=[embedded],
        variant=variant,
        asset_folders=folders,
    )
    if html_output is not None:  # only once the PDF is safely written
        write_private(html_output, html.encode("utf-8"))
    return Rendered(plan=plan, pdf=output, html=html, warnings=warnings)
