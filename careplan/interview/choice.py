"""Which plan type an interview is for: its form, and the question that chooses it at the start.

A new interview asks "What is this consult about?" when careplan has more than one plan type with an interview
(``careplan interview --plan-type`` answers it beforehand); a follow-up takes the last visit's plan type and a
resumed interview keeps the one it was started with. The form records its plan type in the intake.
"""

from __future__ import annotations

from functools import cache

from careplan.interview.form import Form, FormError
from careplan.interview.loader import DEFAULT_PLAN_TYPE, builtin_form, form_path, load_form


def plan_form(plan_type: str) -> Form:
    """The form of the plan type called ``plan_type``; it must record that plan type in the intake."""
    form = builtin_form() if plan_type == DEFAULT_PLAN_TYPE else _form_of(plan_type)
    if form.plan_type != plan_type:
        raise FormError([f"{form.source.name}: plan_type: is {form.plan_type!r}, but the plan type is {plan_type!r}"])
    return form


@cache
def _form_of(plan_type: str) -> Form:
    return load_form(form_path(plan_type))


def interview_plan_types() -> list[tuple[str, str]]:
    """The plan types that have an interview, as (id, title), relactation first then by title."""
    from careplan.plantypes import available, load_plantype

    kinds = [load_plantype(name) for name in available()]
    found = [(kind.id, kind.title) for kind in kinds if kind.form is not None]
    return sorted(found, key=lambda pair: (pair[0] != DEFAULT_PLAN_TYPE, pair[1]))


def choose_plan_type(console: object = None) -> str:
    """Ask which kind of plan this consult is for (asked only when careplan has more than one with an interview).
    The answer is recorded in the intake's ``plan_type`` through the form it picks."""
    from questionary import Choice

    from careplan.interview.widgets import select

    kinds = interview_plan_types()
    if len(kinds) == 1:
        return kinds[0][0]
    choices = [Choice(title=title, value=plan_id) for plan_id, title in kinds]
    picked = select(
        "What is this consult about?",
        choices,
        use_shortcuts=True,
        use_jk_keys=False,
        instruction="(number or arrows, Enter)",
    ).unsafe_ask()
    return str(picked)
