"""The SVG line charts (careplan.documents.charts): the same chart gives the same bytes; the markup is accessible,
escaped and parses as XML; series are told apart by marker shape and dash, never by colour; and WeasyPrint 70
prints a chart without a warning, its words in the PDF's text layer and in careplan's own fonts."""

from __future__ import annotations

import itertools
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from careplan.documents.charts import Axis, Chart, Line, svg, ticks
from tests.helpers.pdf import SRGB_LEAK_FILTER, font_names, no_weasyprint_warnings, norm

NS = "{http://www.w3.org/2000/svg}"
MARKER_TAGS = {f"{NS}circle", f"{NS}rect", f"{NS}polygon"}
CENTILES = (("3rd", 2500, 5200), ("50th", 3300, 6500), ("97th", 4150, 7700))


def centile(start: float, end: float) -> tuple[tuple[float, float], ...]:
    """A smooth made-up centile curve from birth to 16 weeks."""
    return tuple((w, round(start + (end - start) * math.log1p(w) / math.log1p(16))) for w in range(17))


def growth(**changes: Any) -> Chart:
    chart = Chart(
        id="growth",
        title="Sky's weight",
        description="Sky's weight at five weighings on the WHO centile curves.",
        x=Axis("Age (weeks)", 0, 16, tuple((w, str(w)) for w in range(0, 17, 2))),
        y=Axis("Weight (g)", 2000, 8000, tuple((g, f"{g:,}") for g in range(2000, 8001, 1000))),
        lines=(
            *(Line(f"{name} centile", centile(a, b), "reference", end_label=name) for name, a, b in CENTILES),
            Line("Sky's weight", ((0, 3100), (1, 2950), (2, 3250), (6, 4400), (12, 5600)), "measured"),
        ),
    )
    return replace(chart, **changes)


def milk(**changes: Any) -> Chart:
    chart = Chart(
        id="milk",
        title="Milk and supplement",
        description="Your milk rises while the supplement falls; the dashed line is the step-down target.",
        x=Axis("Day", 0, 14, tuple((d, str(d)) for d in range(0, 15, 2))),
        y=Axis("mL a day", 0, 800, ticks(0, 800)),
        lines=(
            Line("Your milk", tuple((d, 60 + 24 * d) for d in range(15)), "measured", marker="circle"),
            Line("Supplement", tuple((d, 600 - 28 * d) for d in range(15)), "measured", marker="square", dash="6 3"),
            Line("Target", ((0, 600), (5, 600), (5, 400), (10, 400), (10, 200), (14, 200)), "target"),
        ),
    )
    return replace(chart, **changes)


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(svg(chart))  # noqa: S314 - careplan's own output, the test is that it parses


def groups(root: ET.Element, name: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if g.get("class") == name]


def line_group(root: ET.Element, name: str, index: int) -> list[ET.Element]:
    return [g for g in groups(root, name) if g.get("data-line") == str(index)]


def texts(element: ET.Element) -> list[str]:
    return [text.text or "" for text in element.iter(f"{NS}text")]


def polylines(root: ET.Element, index: int) -> list[ET.Element]:
    return [p for p in root.iter(f"{NS}polyline") if p.get("data-line") == str(index)]


# --------------------------------------------------------------------------------------------------------------
# Deterministic
# --------------------------------------------------------------------------------------------------------------


def test_the_same_chart_gives_the_same_bytes() -> None:
    first = svg(growth()).encode("utf-8")
    assert svg(growth()).encode("utf-8") == first  # a fresh, equal Chart
    assert svg(milk()) == svg(milk())


def test_different_data_gives_different_output() -> None:
    base = growth()
    moved = replace(base.lines[-1], points=((0, 3100), (1, 3000), (2, 3250), (6, 4400), (12, 5600)))
    assert svg(replace(base, lines=(*base.lines[:-1], moved))) != svg(base)
    assert svg(growth(title="Robin's weight")) != svg(base)
    assert svg(growth(width=520)) != svg(base)


def test_numbers_are_printed_one_way() -> None:
    """Coordinates have one decimal at most, never "12.0" nor "-0": the same drawing always prints the same."""
    out = svg(milk(x=Axis("Day", -0.001, 14, ((0, "0"), (14, "14")))))
    numbers = re.findall(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height)="([^"]*)"', out)
    numbers += [n for points in re.findall(r'points="([^"]*)"', out) for n in re.split(r"[ ,]", points)]
    assert numbers
    assert all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in numbers), [n for n in numbers if "." in n][:5]
    assert "-0," not in out and '"-0"' not in out
    assert not [n for n in numbers if n in ("-0", "-0.0") or n.endswith(".0")]


# --------------------------------------------------------------------------------------------------------------
# Markup
# --------------------------------------------------------------------------------------------------------------


def test_the_svg_is_an_accessible_image() -> None:
    root = parse(growth())
    assert root.tag == f"{NS}svg"
    assert root.get("viewBox") == "0 0 480 260"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "growth-title growth-desc"
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), title.text) == (f"{NS}title", "growth-title", "Sky's weight")
    assert (desc.tag, desc.get("id"), desc.text) == (f"{NS}desc", "growth-desc", growth().description)
    assert not svg(growth()).startswith("<?xml")


def test_text_from_data_stays_text() -> None:
    hostile = '<i>&amp;"</i>'
    chart = growth(
        title=hostile,
        description=hostile,
        x=Axis(hostile, 0, 16, ((0, hostile), (16, "16"))),
        y=Axis(hostile, 2000, 8000, ((2000, "2,000"), (8000, hostile))),
        lines=(
            Line(hostile, centile(2500, 5200), "reference", end_label=hostile),
            Line(hostile, ((0, 3100), (12, 5600)), "measured", dash="6 3"),
        ),
    )
    out = svg(chart)
    root = parse(chart)
    assert "<i>" not in out
    title, desc = list(root)[:2]
    assert title.text == hostile and desc.text == hostile
    drawn = texts(root)
    assert drawn.count(hostile) == 6  # the x and y labels, a tick label on each axis, the end label, the legend


def test_the_plot_is_clipped_to_its_own_area() -> None:
    root = parse(growth())
    clips = list(root.iter(f"{NS}clipPath"))
    assert [clip.get("id") for clip in clips] == ["growth-plot"]
    assert groups(root, "lines")[0].get("clip-path") == "url(#growth-plot)"
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert ids == ["growth-title", "growth-desc", "growth-plot"]


# --------------------------------------------------------------------------------------------------------------
# Lines, markers, labels
# --------------------------------------------------------------------------------------------------------------


def test_every_measured_point_in_range_has_a_marker() -> None:
    """Points outside the axes' ranges are clipped away, so they get no marker; a NaN leaves a gap in the line."""
    points = ((0, 3100), (1, 1500), (2, 3250), (3, math.nan), (6, 4400), (12, 5600), (18, 6000), (16, 8000))
    chart = growth(lines=(Line("Weight", points, "measured", marker="diamond"), *growth().lines))
    root = parse(chart)
    inside = [p for p in points if 0 <= p[0] <= 16 and 2000 <= p[1] <= 8000]
    assert len(inside) == 5
    markers = line_group(root, "markers", 0)[0]
    assert [m.tag for m in markers] == [f"{NS}polygon"] * len(inside)
    assert len(polylines(root, 0)) == 2  # the NaN splits the line in two
    for index, line in enumerate(chart.lines):
        if line.kind == "measured":
            in_range = [p for p in line.points if 0 <= p[0] <= 16 and 2000 <= p[1] <= 8000]
            assert len(list(line_group(root, "markers", index)[0])) == len(in_range)


def test_measured_lines_left_without_a_marker_get_different_shapes() -> None:
    lines = tuple(Line(f"series {n}", ((0, 100 * n), (14, 100 * n + 50)), "measured") for n in range(1, 5))
    root = parse(milk(lines=lines))
    shapes = [line_group(root, "markers", index)[0][0] for index in range(4)]
    assert [shape.tag for shape in shapes] == [f"{NS}circle", f"{NS}rect", f"{NS}polygon", f"{NS}polygon"]
    assert shapes[2].get("points") != shapes[3].get("points")  # a triangle and a diamond


def test_series_differ_by_dash_as_well_as_by_shape() -> None:
    root = parse(milk())
    milk_line, supplement, target = (polylines(root, index)[0] for index in range(3))
    assert milk_line.get("stroke-dasharray") is None
    assert supplement.get("stroke-dasharray") == "6 3"
    assert target.get("stroke-dasharray") == "7 4"
    assert float(milk_line.get("stroke-width", 0)) > float(target.get("stroke-width", 0))
    legend = groups(root, "legend")[0]
    samples = [entry.find(f"{NS}line") for entry in legend.iter(f"{NS}g") if entry.get("data-line")]
    assert [s.get("stroke-dasharray") if s is not None else "-" for s in samples] == [None, "6 3", "7 4"]
    assert texts(legend) == ["Your milk", "Supplement", "Target"]
    entries = [entry for entry in legend.iter(f"{NS}g") if entry.get("data-line")]
    assert [bool(MARKER_TAGS & {child.tag for child in entry}) for entry in entries] == [True, True, False]


def test_reference_curves_are_labelled_at_their_end_and_left_out_of_the_legend() -> None:
    root = parse(growth())
    assert sorted(texts(groups(root, "end-labels")[0])) == sorted(name for name, _, _ in CENTILES)
    assert texts(groups(root, "legend")[0]) == ["Sky's weight"]
    for index in range(len(CENTILES)):
        (curve,) = polylines(root, index)
        assert float(curve.get("stroke-width", 9)) < 1
        assert curve.get("stroke") not in ("#000", "#000000")


def test_end_labels_that_would_touch_are_pushed_apart() -> None:
    same_end = tuple(Line(f"c{n}", ((0, 3000), (16, 6000 + n)), "reference", end_label=f"c{n}") for n in range(5))
    root = parse(growth(lines=same_end))
    ys = sorted(float(t.get("y", 0)) for t in groups(root, "end-labels")[0].iter(f"{NS}text"))
    assert len(ys) == 5
    assert all(b - a >= 10 for a, b in itertools.pairwise(ys))
    xs = {float(t.get("x", 0)) for t in groups(root, "end-labels")[0].iter(f"{NS}text")}
    assert all(x < 480 - 12 for x in xs)  # inside the viewBox, in the right margin


def test_a_single_point_draws_only_its_marker() -> None:
    root = parse(growth(lines=(Line("Birth weight", ((0, 3400),), "measured", marker="square"),)))
    assert polylines(root, 0) == []
    assert [m.tag for m in line_group(root, "markers", 0)[0]] == [f"{NS}rect"]


def test_an_empty_chart_still_draws_its_axes() -> None:
    root = parse(growth(lines=()))
    (axes,) = groups(root, "axes")
    assert axes.find(f"{NS}polyline") is not None
    assert {"Age (weeks)", "Weight (g)", "16", "8,000"} <= set(texts(axes))
    assert groups(root, "legend") == [] and groups(root, "markers") == [] and groups(root, "end-labels") == []
    assert len(list(groups(root, "grid")[0])) == 7


def test_ticks_outside_the_axis_are_not_drawn() -> None:
    root = parse(milk(y=Axis("mL a day", 0, 700, ticks(0, 700))))
    assert ticks(0, 700)[-1] == (800, "800")
    assert "800" not in texts(groups(root, "axes")[0])
    assert "600" in texts(groups(root, "axes")[0])


# --------------------------------------------------------------------------------------------------------------
# Print: no colour, legible text, careplan's fonts
# --------------------------------------------------------------------------------------------------------------


def test_everything_is_black_or_grey_on_white() -> None:
    out = svg(milk()) + svg(growth())
    paints = set(re.findall(r'(?:fill|stroke)="([^"]*)"', out))
    assert paints
    for paint in paints - {"none"}:
        digits = paint.lstrip("#")
        channels = [digits[i] * 2 for i in range(3)] if len(digits) == 3 else [digits[i : i + 2] for i in (0, 2, 4)]
        assert len(set(channels)) == 1, f"{paint} is a colour"


def test_text_is_large_enough_and_set_in_careplans_fonts() -> None:
    root = parse(growth())
    sizes = [float(t.get("font-size", 0)) for t in root.iter(f"{NS}text")]
    assert sizes and min(sizes) >= 9
    families = root.get("font-family", "")
    # WeasyPrint splits the attribute on commas and strips quotes but not spaces: no space after a comma.
    assert ", " not in families
    names = [name.strip('"') for name in families.split(",")]
    assert names and all(name.startswith("careplan ") for name in names), names


# --------------------------------------------------------------------------------------------------------------
# Refused descriptions
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "Growth"},
        {"id": "growth chart"},
        {"id": "-growth"},
        {"id": ""},
        {"x": Axis("Age", 16, 0, ())},
        {"y": Axis("Weight", 2000, 2000, ())},
        {"y": Axis("Weight", math.nan, 8000, ())},
        {"lines": (Line("a", ((0, 3000),), "measured", dash='3" onload="x'),)},
        {"width": 60},
        {"height": 120, "lines": tuple(Line(f"series {n}", ((0, 3000),), "measured") for n in range(12))},
    ],
    ids=["upper-case", "space", "leading-hyphen", "empty", "x-reversed", "y-flat", "y-nan", "dash", "tiny", "legend"],
)
def test_descriptions_that_cannot_be_drawn_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="chart"):
        svg(growth(**changes))


# --------------------------------------------------------------------------------------------------------------
# ticks()
# --------------------------------------------------------------------------------------------------------------


def test_ticks_examples() -> None:
    assert [v for v, _ in ticks(0, 700)] == [0, 200, 400, 600, 800]
    assert [v for v, _ in ticks(2000, 8000)] == [2000, 3000, 4000, 5000, 6000, 7000, 8000]
    assert [t for _, t in ticks(0, 1, count=4)] == ["0", "0.25", "0.5", "0.75", "1"]
    assert [t for _, t in ticks(2000, 8000, count=3, fmt=lambda v: f"{v:,.0f} g")] == [
        "2,000 g",
        "4,000 g",
        "6,000 g",
        "8,000 g",
    ]
    assert ticks(-0.3, 0.3, count=3) == ((-0.5, "-0.5"), (0, "0"), (0.5, "0.5"))  # zero prints as "0", not "-0"
    assert [v for v, _ in ticks(0, 16)] == [0, 5, 10, 15, 20]
    assert ticks(5, 5)[0][0] <= 5 <= ticks(5, 5)[-1][0]


@pytest.mark.parametrize(("low", "high", "count"), [(1, 0, 5), (math.nan, 1, 5), (0, math.inf, 5), (0, 1, 0)])
def test_ticks_refuse_what_has_no_ticks(low: float, high: float, count: int) -> None:
    with pytest.raises(ValueError, match="ticks need"):
        ticks(low, high, count=count)


@given(
    low=st.floats(min_value=-1e6, max_value=1e6),
    span=st.floats(min_value=1e-3, max_value=1e6),
    count=st.integers(min_value=1, max_value=12),
)
def test_ticks_cover_the_range_in_nice_steps(low: float, span: float, count: int) -> None:
    high = low + span
    found = ticks(low, high, count=count)
    values = [value for value, _ in found]
    steps = [b - a for a, b in itertools.pairwise(values)]
    step = steps[0]
    assert values[0] <= low + step * 1e-6 and values[-1] >= high - step * 1e-6  # a billionth of a step is on it
    assert all(math.isclose(s, step, rel_tol=1e-6, abs_tol=1e-9 * abs(values[-1])) for s in steps)
    nice_steps = [nice * 10.0**power for nice in (1, 2, 2.5, 5) for power in range(-5, 8)]
    assert any(math.isclose(step, nice, rel_tol=1e-6) for nice in nice_steps), step
    assert 1 <= len(steps) <= 2 * count + 2
    assert "e" not in "".join(text for _, text in found)


# --------------------------------------------------------------------------------------------------------------
# What WeasyPrint prints
# --------------------------------------------------------------------------------------------------------------

PAGE_CSS = ":root { --primary: #1d4f6e; --accent: #a33; --tint: #eef; }"


@SRGB_LEAK_FILTER
@pytest.mark.slow  # 1 to 1.6 s: the first render in a process loads the stylesheet and fonts
def test_weasyprint_prints_the_charts_without_warnings(tmp_path: Path) -> None:
    """Through careplan's own renderer (its stylesheet, packaged fonts, tagged PDF/A-3a): no warning, the axis
    labels, tick labels, end labels and legend in the text layer (pdftotext), careplan's fonts only, and the
    chart's title as the Figure's alternate text."""
    from careplan.documents.pdf import render_pdf

    tool = shutil.which("pdftotext")
    if tool is None:  # pragma: no cover - poppler-utils is part of the test environment
        pytest.skip("pdftotext (poppler-utils) is not installed")
    body = "".join(f'<figure class="chart">{svg(chart)}</figure>' for chart in (growth(), milk()))
    html = f'<!doctype html><html lang="en"><head><title>Charts</title></head><body><p>Charts</p>{body}</body></html>'
    with no_weasyprint_warnings():
        returned = render_pdf(html, tmp_path / "charts.pdf", page_css=PAGE_CSS)
    assert returned == []
    result = subprocess.run([tool, str(tmp_path / "charts.pdf"), "-"], capture_output=True, text=True, check=True)
    text = norm(result.stdout)
    for words in ("Age (weeks)", "Weight (g)", "6,000", "12", "97th", "Sky's weight", "mL a day", "Supplement"):
        assert words in text, f"{words!r} is not in the text layer: {text}"
    assert "97th centile" not in text  # a reference curve's label is not drawn, its end label is
    assert "WHO centile curves" not in text  # the description is for screen readers
    pdf = PdfReader(str(tmp_path / "charts.pdf"))
    foreign = sorted(name for name in font_names(pdf) if not name.startswith("careplan-"))
    assert foreign == [], f"chart text set in system fonts: {foreign}"
    alts = [str(obj["/Alt"]) for obj in _objects(pdf) if obj.get("/S") == "/Figure" and "/Alt" in obj]
    assert alts == ["Sky's weight", "Milk and supplement"]


def _objects(pdf: PdfReader) -> list[Any]:
    from pypdf.generic import DictionaryObject, IndirectObject

    found = []
    for number in range(1, int(pdf.trailer.get("/Size", 0))):
        try:
            obj = pdf.get_object(IndirectObject(number, 0, pdf))
        except Exception:  # noqa: S112 - a free object number
            continue
        if isinstance(obj, DictionaryObject):
            found.append(obj)
    return found
