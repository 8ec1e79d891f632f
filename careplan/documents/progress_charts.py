"""The progress charts of a follow-up: each baby's weights on the WHO curves, the parent's milk against the extra
milk (with the step-down ahead), and the times milk is taken out and the wet diapers against their targets.

Each chart is plain data for a template: a title, a description read by screen readers, the SVG (drawn by
:mod:`careplan.documents.charts`) and the same numbers as a table, so nothing is said by the picture alone. A chart
is made only when one of its measured lines has two or more points; before that there is nothing to follow.

Long on purpose: three chart builders (growth, milk, routine), each with its table and the sentences that
describe it for a parent who cannot see the picture, all in the plan's language; they share the table and
spelling step at the end.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Literal

from markupsafe import Markup

from careplan.documents.charts import Axis, Chart, Line, Marker, svg, ticks
from careplan.growth.who import CENTILE_LINES, MAX_AGE_DAYS, weight_at
from careplan.language.phrases import Words, words
from careplan.locales import Formatter
from careplan.plan import Growth, GrowthPoint, Plan, ProgressRow

# The words are careplan's phrases (careplan/language/phrases/growth.yaml), in the plan's language (fmt.language).

#: The phrase for the place a weight was taken, in a chart's table (none for "unknown").
WEIGHED = {
    "birth": "growth.weighed_birth",
    "this_visit": "growth.weighed_this_visit",
    "doctor": "growth.weighed_doctor",
    "clinic": "growth.weighed_clinic",
    "pharmacy": "growth.weighed_pharmacy",
    "home_scale": "growth.weighed_home_scale",
    "other": "growth.weighed_other",
}
#: The phrases for how the baby was dressed: after the place, and on its own.
HOW = {"naked": "growth.how_naked", "clean_diaper": "growth.how_clean_diaper", "clothed": "growth.how_clothed"}
HOW_ALONE = {"naked": "growth.how_naked_alone", "clean_diaper": "growth.how_clean_diaper_alone",
             "clothed": "growth.how_clothed_alone"}
#: The phrase for each way the extra milk is given.
METHODS = {
    "bottle": "growth.method_bottle",
    "cup": "growth.method_cup",
    "paladai": "growth.method_paladai",
    "spoon": "growth.method_spoon",
    "syringe": "growth.method_syringe",
    "finger_feeding": "growth.method_finger_feeding",
    "at_breast_supplementer": "growth.method_at_breast_supplementer",
    "tube": "growth.method_tube",
}
#: The description's first sentences when the chart has the WHO curves, by sex.
CURVES = {"female": "growth.weights_curves_girls", "male": "growth.weights_curves_boys"}
#: Markers for measured lines, in the order they are given out (never colour alone).
MARKERS: tuple[Marker, ...] = ("circle", "square", "triangle", "diamond")
DASHES = (None, "4 2", "1 2", "9 3 2 3")
DAYS_PER_WEEK = 7
#: The charts print across the page: a wide viewBox keeps them short enough to sit with their tables.
WIDTH, HEIGHT = 560, 250
#: What a centile means, printed under a growth chart with curves (with the WHO and CDC sources).
CENTILE_MEANING = "growth.centile_meaning"


def ordinal(number: int, language: str = "en") -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st... (the English rule picks the phrase; a translation of the four
    phrases may print them all alike)."""
    say = words(language)
    if 10 <= number % 100 <= 20:
        return say("growth.ordinal_th", n=number)
    ending = {1: "growth.ordinal_st", 2: "growth.ordinal_nd", 3: "growth.ordinal_rd"}.get(number % 10)
    return say(ending or "growth.ordinal_th", n=number)


def _curve_ordinal(label: str, language: str) -> str:
    """A WHO curve's name ("3rd", "97th", from careplan.growth.who) in ``language``."""
    digits = re.match(r"\d+", label)
    return label if language == "en" or digits is None else ordinal(int(digits.group()), language)


def centile_text(point: GrowthPoint, language: str = "en") -> str:
    """Where the weight lies among healthy babies, in words for the table ("" when there is no centile). The
    doctors' letter asks for it in English."""
    say = words(language)
    if point.beyond == "below":
        return say("growth.centile_below")
    if point.beyond == "above":
        return say("growth.centile_above")
    if point.centile is None:
        return ""
    if point.centile < 1:
        return say("growth.centile_under_1")
    if point.centile > 99:
        return say("growth.centile_over_99")
    return ordinal(round(point.centile), language)


def age_text(days: float, language: str = "en") -> str:
    """An age as a parent says it: days under 2 weeks, then weeks."""
    say = words(language)
    if days < 0:
        weeks = round(-days / DAYS_PER_WEEK)
        return say("growth.age_before_due", weeks=weeks) if weeks else say("growth.age_due")
    if days < 14:
        whole = round(days)
        return say("growth.age_day", days=whole) if whole == 1 else say("growth.age_days", days=whole)
    return say("growth.age_weeks", weeks=int(days // DAYS_PER_WEEK))


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def _centile_curves(
    sex: Literal["female", "male", "unknown"], low_week: float, high_week: float, language: str
) -> list[Line]:
    """The WHO centile curves across the chart's ages (from birth at term, to 24 months at most); none when the
    sex is not known."""
    if sex == "unknown":
        return []
    start = max(0.0, low_week * DAYS_PER_WEEK)
    end = min(float(MAX_AGE_DAYS), high_week * DAYS_PER_WEEK)
    if end <= start:  # every weighing before the term date (a preterm baby): the standard starts at term
        return []
    steps = 40
    days = [start + (end - start) * step / steps for step in range(steps + 1)]
    say = words(language)
    return [
        Line(
            label=say("growth.centile_line", centile=_curve_ordinal(label, language)),
            points=tuple((day / DAYS_PER_WEEK, round(weight_at(sex, day, z) / 1000, 3)) for day in days),
            kind="reference",
            end_label=_curve_ordinal(label, language),
        )
        for label, z in CENTILE_LINES
    ]


def _growth_words(growth: Growth, with_curves: bool, fmt: Formatter) -> str:
    say, language = words(fmt.language), fmt.language
    points, first = growth.points, _first_name(growth.baby)
    last = points[-1]
    weights = {"count": len(points), "first_weight": fmt.weight(points[0].weight_g),
               "first_date": fmt.short_date(points[0].date), "last_weight": fmt.weight(last.weight_g),
               "last_date": fmt.short_date(last.date)}
    if not with_curves:
        return say("growth.weights_from_to", **weights)
    centiles = ", ".join(_curve_ordinal(label, language) for label, _ in CENTILE_LINES)
    sentences = [say(CURVES[growth.sex], centiles=centiles, **weights)]
    if centile_text(last, language):
        sentences.append(say("growth.last_centile", baby=first, centile=centile_text(last, language)))
    return " ".join(sentences)


def _growth_rows(points: list[GrowthPoint], with_centiles: bool, fmt: Formatter) -> tuple[list[str], list[list[str]]]:
    """The growth chart's table: date, age (and corrected age), weight, centile, gain a day, where weighed."""
    say, language = words(fmt.language), fmt.language
    rows: list[list[str]] = []
    for point in points:
        age = age_text(point.age_days, language)
        if point.corrected_age_days is not None:
            age = say("growth.age_corrected", age=age, corrected=age_text(point.corrected_age_days, language))
        gain = ""
        if point.velocity_g_per_day is not None:
            gain = say("growth.gain", gain=point.velocity_g_per_day, days=point.velocity_days)
        where = say(WEIGHED[point.weighed]) if point.weighed in WEIGHED else ""
        if point.weighed_how in HOW:
            how = point.weighed_how
            where = say("growth.weighed_where_how", where=where, how=say(HOW[how])) if where else say(HOW_ALONE[how])
        rows.append([fmt.short_date(point.date), age, fmt.weight(point.weight_g), centile_text(point, language), gain,
                     where])
    head = [say(key) for key in ("growth.date", "growth.head_age", "growth.head_weight", "growth.head_centile",
                                 "growth.head_gain", "growth.head_weighed")]
    if not with_centiles:  # no centile column
        return head[:3] + head[4:], [r[:3] + r[4:] for r in rows]
    return head, rows


def growth_chart(growth: Growth, index: int, fmt: Formatter) -> dict[str, Any] | None:
    """One baby's weights on the WHO weight-for-age curves (none when the sex is unknown); None with fewer than
    two weighings. Ages are corrected for a baby born preterm."""
    points = growth.points
    if len(points) < 2:
        return None
    ages = [(p.corrected_age_days if p.corrected_age_days is not None else p.age_days) / DAYS_PER_WEEK
            for p in points]
    low_week = min(0.0, float(int(min(ages)) - (1 if min(ages) < 0 else 0)))
    high_week = max(float(int(max(ages)) + 2), low_week + 4)
    kilos = [p.weight_g / 1000 for p in points]
    say = words(fmt.language)
    curves = _centile_curves(growth.sex, low_week, high_week, fmt.language)
    all_kilos = kilos + [y for curve in curves for _, y in curve.points]
    y_ticks = ticks(min(all_kilos), max(all_kilos), count=6, fmt=lambda v: f"{v:g}")
    x_ticks = ticks(low_week, high_week, count=8, fmt=lambda v: f"{v:g}")
    first = _first_name(growth.baby)
    measured = Line(label=say("growth.weight_title", baby=first), points=tuple(zip(ages, kilos, strict=True)),
                    kind="measured", marker="circle")
    chart = Chart(
        id=f"growth-{index + 1}",
        title=say("growth.weight_title_curves" if curves else "growth.weight_title", baby=first),
        description=_growth_words(growth, bool(curves), fmt),
        x=Axis(label=say("growth.axis_age_corrected" if growth.corrected else "growth.axis_age"),
               low=x_ticks[0][0], high=x_ticks[-1][0], ticks=x_ticks),
        y=Axis(label=say("growth.axis_weight"), low=y_ticks[0][0], high=y_ticks[-1][0], ticks=y_ticks),
        lines=(*curves, measured),
        width=WIDTH,
        height=HEIGHT,
    )
    head, rows = _growth_rows(points, bool(curves), fmt)
    explain = (say(CENTILE_MEANING), [source.model_dump() for source in growth.sources]) if curves else None
    return _chart_data(chart, head, rows, notes=growth.notes, explain=explain)


def _progress_by_date(rows: list[ProgressRow]) -> list[tuple[date, list[ProgressRow]]]:
    dates = sorted({row.date for row in rows})
    return [(day, [row for row in rows if row.date == day]) for day in dates]


def milk_chart(plan: Plan, fmt: Formatter) -> dict[str, Any] | None:
    """Milk expressed a day against the extra milk a day, with the step-down ahead as a dashed target; None
    unless one of them was recorded on two or more dates."""
    days = _progress_by_date(plan.progress)
    if not days:
        return None
    start = plan.first_visit or days[0][0]
    one_baby = len(plan.babies) == 1
    expressed = []
    supplement = []
    for day, entries in days:
        milk = [r.expressed_ml_per_24h for r in entries if r.expressed_ml_per_24h is not None]
        if milk:
            expressed.append(((day - start).days, max(milk)))
        extra = [r.supplement_ml_per_24h for r in entries if r.supplement_ml_per_24h is not None]
        if extra and (one_baby or len(extra) == len(plan.babies)):
            supplement.append(((day - start).days, sum(extra)))
    if len(expressed) < 2 and len(supplement) < 2:
        return None
    say = words(fmt.language)
    lines = [
        Line(label=say("growth.your_milk"), points=tuple(expressed), kind="measured", marker="circle"),
        Line(label=say("growth.extra_milk" if one_baby else "growth.extra_milk_all"), points=tuple(supplement),
             kind="measured", marker="square", dash="4 2"),
    ]
    target: list[tuple[int, float]] = []
    if one_baby and plan.feeding and plan.feeding[0].step_down:
        target = [((step.starts_on - start).days, float(step.daily_ml)) for step in plan.feeding[0].step_down]
        lines.append(Line(label=say("growth.extra_milk_plan"), points=tuple(target), kind="target"))
    xs = [x for line in lines for x, _ in line.points]
    ys = [y for line in lines for _, y in line.points]
    x_ticks = _date_ticks(start, min(xs), max(xs), fmt)
    y_ticks = ticks(0, max(ys), count=6, fmt=_number)
    chart = Chart(
        id="milk",
        title=say("growth.milk_title"),
        description=_milk_description(expressed, supplement, target, one_baby, say),
        x=Axis(label=say("growth.date"), low=x_ticks[0][0], high=x_ticks[-1][0], ticks=x_ticks),
        y=Axis(label=say("growth.axis_ml_a_day"), low=0, high=y_ticks[-1][0], ticks=y_ticks),
        lines=tuple(lines),
        width=WIDTH,
        height=HEIGHT,
    )
    head = [say(key) for key in ("growth.date", "growth.head_your_milk",
                                 "growth.head_extra_milk" if one_baby else "growth.head_extra_milk_all",
                                 "growth.head_how_given", "growth.head_feeds_at_breast", "growth.head_test_weighing")]
    return _chart_data(chart, head, _milk_rows(days, fmt, say))


def _milk_rows(days: list[tuple[date, list[ProgressRow]]], fmt: Formatter, say: Words) -> list[list[str]]:
    """The milk chart's table: per date the milk, the extra milk, how it was given, feeds and test weighings."""
    rows: list[list[str]] = []
    for day, entries in days:
        milk = [r.expressed_ml_per_24h for r in entries if r.expressed_ml_per_24h is not None]
        extra = [r.supplement_ml_per_24h for r in entries if r.supplement_ml_per_24h is not None]
        methods = sorted({say(METHODS[m]) for r in entries for m in r.supplement_methods if m in METHODS})
        feeds = [r.feeds_at_breast_per_24h for r in entries if r.feeds_at_breast_per_24h is not None]
        tests = [r.test_weight_transfer_g for r in entries if r.test_weight_transfer_g is not None]
        rows.append([
            fmt.short_date(day),
            fmt.volume(max(milk)) if milk else "",
            fmt.volume(sum(extra)) if extra else "",
            ", ".join(methods),
            ", ".join(str(count) for count in feeds),
            ", ".join(say("growth.test_weighing", grams=t) for t in tests),
        ])
    return rows


def _milk_description(expressed: list[tuple[int, float]], supplement: list[tuple[int, float]],
                      target: list[tuple[int, float]], one_baby: bool, say: Words) -> str:
    sentences = []
    if len(expressed) >= 2:
        sentences.append(say("growth.milk_went", first=expressed[0][1], last=expressed[-1][1]))
    if len(supplement) >= 2:
        sentences.append(say("growth.extra_milk_went" if one_baby else "growth.extra_milk_all_went",
                             first=supplement[0][1], last=supplement[-1][1]))
    if target:
        sentences.append(say("growth.plan_line", last=target[-1][1]))
    return " ".join(sentences)


def _date_ticks(start: date, low_day: float, high_day: float, fmt: Formatter) -> tuple[tuple[float, str], ...]:
    """Ticks on a day axis counted from ``start``, every week or every few weeks, labelled with short dates."""
    low, high = int(low_day), int(-(-high_day // 1))
    span = max(high - low, 7)
    step = DAYS_PER_WEEK * max(1, -(-span // (DAYS_PER_WEEK * 6)))
    first = (low // step) * step
    last = -(-high // step) * step
    return tuple((float(d), fmt.short_date(start + timedelta(days=d))) for d in range(first, last + 1, step))


def routine_chart(plan: Plan, fmt: Formatter) -> dict[str, Any] | None:
    """Times milk is taken out a day and each baby's wet diapers a day, with the schedule's number of sessions
    and the fewest wet diapers expected as dashed targets; None unless one was recorded on two or more dates."""
    days = _progress_by_date(plan.progress)
    if not days:
        return None
    start = plan.first_visit or days[0][0]
    sessions = []
    for day, entries in days:
        counts = [r.milk_removal_sessions_per_24h for r in entries if r.milk_removal_sessions_per_24h is not None]
        if counts:
            sessions.append(((day - start).days, float(max(counts))))
    many = len(plan.babies) > 1
    say = words(fmt.language)
    diapers: list[Line] = []
    targets: list[Line] = []
    for number, baby in enumerate(plan.babies):
        wet = [((r.date - start).days, float(r.wet_diapers_24h)) for r in plan.progress
               if r.baby == baby.name and r.wet_diapers_24h is not None]
        label = fmt.spell(say("growth.wet_diapers_baby", baby=_first_name(baby.name)) if many
                          else say("growth.wet_diapers"))
        diapers.append(Line(label=label, points=tuple(wet), kind="measured",
                            marker=MARKERS[(number + 1) % len(MARKERS)], dash=DASHES[(number + 1) % len(DASHES)]))
    if len(sessions) < 2 and all(len(line.points) < 2 for line in diapers):
        return None
    xs = [x for x, _ in sessions] + [x for line in diapers for x, _ in line.points]
    low, high = min(xs), max(xs)
    if plan.schedule is not None and plan.schedule.kind == "timed" and plan.schedule.sessions:
        planned = float(len(plan.schedule.sessions))
        targets.append(Line(label=say("growth.times_milk_out_plan"), points=((low, planned), (high, planned)),
                            kind="target"))
    expected = {b.expected_wet_diapers for b in plan.babies if b.expected_wet_diapers is not None}
    if len(expected) == 1:
        fewest = float(expected.pop())
        targets.append(Line(label=fmt.spell(say("growth.wet_diapers_fewest")), points=((low, fewest), (high, fewest)),
                            kind="target", dash="2 3"))
    lines = (Line(label=say("growth.times_milk_out"), points=tuple(sessions), kind="measured", marker="circle"),
             *diapers, *targets)
    ys = [y for line in lines for _, y in line.points]
    x_ticks = _date_ticks(start, low, high, fmt)
    y_ticks = ticks(0, max(ys) + 1, count=6, fmt=_number)
    chart = Chart(
        id="routine",
        title=fmt.spell(say("growth.routine_title")),
        description=_routine_words(sessions, diapers, bool(targets), say),
        x=Axis(label=say("growth.date"), low=x_ticks[0][0], high=x_ticks[-1][0], ticks=x_ticks),
        y=Axis(label=say("growth.axis_times_a_day"), low=0, high=y_ticks[-1][0], ticks=y_ticks),
        lines=lines,
        width=WIDTH,
        height=HEIGHT,
    )
    return _chart_data(chart, *_routine_rows(plan, fmt))


def _routine_words(sessions: list[tuple[int, float]], diapers: list[Line], targets: bool, say: Words) -> str:
    sentences = []
    if len(sessions) >= 2:
        sentences.append(say("growth.took_milk_out", first=sessions[0][1], last=sessions[-1][1]))
    for line in diapers:
        if line.points:
            sentences.append(say("growth.line_values", label=line.label,
                                 values=", ".join(f"{y:.0f}" for _, y in line.points)))
    if targets:
        sentences.append(say("growth.targets"))
    return " ".join(sentences)


def _routine_rows(plan: Plan, fmt: Formatter) -> tuple[list[str], list[list[str]]]:
    """The routine chart's table: one row per follow-up record (per baby for twins)."""
    many = len(plan.babies) > 1
    say = words(fmt.language)
    head = [say("growth.date"), *([] if not many else [say("growth.head_baby")]), say("growth.head_times_milk_out"),
            fmt.spell(say("growth.head_wet_diapers")), fmt.spell(say("growth.head_dirty_diapers"))]
    rows: list[list[str]] = []
    for row in sorted(plan.progress, key=lambda r: (r.date, r.baby)):
        cells = [fmt.short_date(row.date), *([] if not many else [row.baby])]
        for value in (row.milk_removal_sessions_per_24h, row.wet_diapers_24h, row.dirty_diapers_24h):
            cells.append("" if value is None else str(value))
        rows.append(cells)
    return head, rows


def _chart_data(chart: Chart, head: list[str], rows: list[list[str]], notes: list[str] | None = None,
                explain: tuple[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    return {
        "chart": chart,  # drawn by charts() once its words are in the locale's spelling
        "head": head,
        "rows": rows,
        "notes": list(notes or []),
        "explain": None if explain is None else explain[0],
        "cite": [] if explain is None else explain[1],
    }


def _spelled(made: dict[str, Any], spell: Callable[[str], str]) -> dict[str, Any]:
    """The chart's words in the locale's spelling (nappy for diaper), then drawn: the SVG's title carries the
    description too, since a tagged PDF reads it as the chart's alternative text."""
    chart: Chart = made["chart"]
    chart = dataclasses.replace(
        chart,
        title=spell(chart.title),
        description=spell(chart.description),
        x=dataclasses.replace(chart.x, label=spell(chart.x.label)),
        y=dataclasses.replace(chart.y, label=spell(chart.y.label)),
        lines=tuple(dataclasses.replace(line, label=spell(line.label)) for line in chart.lines),
    )
    drawn = svg(dataclasses.replace(chart, title=f"{chart.title}. {chart.description}"))
    return {
        "id": f"chart-{chart.id}",
        "title": chart.title,
        "description": chart.description,
        "svg": Markup(drawn),  # noqa: S704 - careplan's own drawing; charts.svg escapes every text in it
        "head": [spell(text) for text in made["head"]],
        "rows": [[spell(text) for text in row] for row in made["rows"]],
        "notes": [spell(text) for text in made["notes"]],
        "explain": None if made["explain"] is None else spell(made["explain"]),
        "cite": made["cite"],
    }


def charts(plan: Plan, fmt: Formatter) -> list[dict[str, Any]]:
    """Every progress chart the plan has data for: the babies' growth, then the milk, then the routine; each with
    its title, description, SVG, table (head and rows), notes and the sources behind its explanation."""
    out = [growth_chart(growth, index, fmt) for index, growth in enumerate(plan.growth)]
    out += [milk_chart(plan, fmt), routine_chart(plan, fmt)]
    return [_spelled(made, fmt.spell) for made in out if made is not None]
