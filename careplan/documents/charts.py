"""Line charts as inline SVG for the printed plan (weights on centile curves, milk against supplement, sessions
and wet diapers against targets). The caller describes a :class:`Chart` and inlines :func:`svg`'s string in the
HTML; :func:`ticks` picks round tick values. Deterministic (the same chart, the same bytes); black and grey on
white so it survives a fax; never colour alone: measured series differ by marker shape and dash pattern.

What WeasyPrint 70 does with inline SVG, and what this module does about it:

* It draws ``<text>`` itself, in the family of the ``font-family`` attribute, else ``sans-serif`` (a system
  font): the document's CSS does not reach inline SVG and ``inherit`` resolves to nothing. So the ``<svg>``
  names the packaged families that :func:`~careplan.documents.fonts.fonts_css` loads for the chart's
  characters, quoted and joined by bare commas (WeasyPrint splits on commas, strips quotes, keeps spaces).
* No ``<marker>``: each point's marker is an explicit shape. Text is placed by its baseline, with
  ``text-anchor`` and no ``dominant-baseline`` (only approximated); font sizes are plain numbers (an ``em``
  size would compound, as WeasyPrint copies attributes down the tree).
* A tagged PDF gets the chart as one Figure whose alternate text is the ``<title>``; ``<desc>`` is not used.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

from careplan.documents.fonts import fonts_css

__all__ = ["Axis", "Chart", "Line", "Marker", "svg", "ticks"]

Marker = Literal["circle", "square", "triangle", "diamond", "none"]
Kind = Literal["measured", "target", "reference"]


@dataclass(frozen=True)
class Line:
    """One series. ``measured``: dark thick solid line with a marker at every point (a measured line left at
    marker "none" gets circle, square, triangle, diamond in the order measured lines come); ``target``: dark
    medium dashed line; ``reference``: thin grey line, labelled at its last point with ``end_label`` and left out
    of the legend. ``dash`` overrides the stroke-dasharray ("6 3"). Points are drawn in the order given; a
    non-finite value (NaN) leaves a gap."""

    label: str
    points: tuple[tuple[float, float], ...]
    kind: Kind
    marker: Marker = "none"
    dash: str | None = None
    end_label: str | None = None


@dataclass(frozen=True)
class Axis:
    label: str
    low: float
    high: float
    ticks: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class Chart:
    """``id`` is unique in the document, ``[a-z0-9-]``: the title, description and clip path ids derive from it.
    ``width`` and ``height`` are the viewBox size in CSS px (480 wide prints about 16 cm wide)."""

    id: str
    title: str
    description: str
    x: Axis
    y: Axis
    lines: tuple[Line, ...]
    width: int = 480
    height: int = 260


# Ink: everything black or dark grey on white; the grid is light and may drop out of a fax, the rest survives.
INK = "#000"
TARGET_INK = "#333"
REFERENCE_INK = "#6e6e6e"
GRID_INK = "#cfcfcf"
PAPER = "#fff"
TICK_SIZE = 10  # px in the viewBox: about 9.5 pt when 480 wide prints 16 cm wide
LABEL_SIZE = 11
STROKES: dict[Kind, tuple[str, str, str | None]] = {  # colour, width, default dash
    "measured": (INK, "2.2", None),
    "target": (TARGET_INK, "1.6", "7 4"),
    "reference": (REFERENCE_INK, "0.9", None),
}
AUTO_MARKERS: tuple[Marker, ...] = ("circle", "square", "triangle", "diamond")
MARKER_SIZE = 3.6  # a circle's radius; the other shapes are sized to look as heavy
SAMPLE = 28  # length of a legend's line sample
ROW = 18  # height of a legend row
_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_DASH = re.compile(r"\d+(?:\.\d+)?(?:[ ,]+\d+(?:\.\d+)?)*")
_STACK = re.compile(r"^html \{ font-family: (.+); \}$", re.MULTILINE)


def _num(value: float) -> str:
    """A coordinate as printed: one decimal at most, "12" not "12.0", never "-0"."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _plain(value: float) -> str:
    """A tick value without exponent or trailing zeros: 2000, 2.5, 0.25."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_NICE = (1.0, 2.0, 2.5, 5.0)


def ticks(
    low: float, high: float, *, count: int = 5, fmt: Callable[[float], str] = _plain
) -> tuple[tuple[float, str], ...]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) from at or below ``low`` to at or above
    ``high``, each with its text from ``fmt``. The step gives the number of intervals nearest ``count``, where an
    interval spent beyond the range counts as a miss (2,000-8,000 by 1,000 beats 0-10,000 by 2,500). A value
    within a billionth of a step of a tick counts as on it. Set the axis to the first and last value for end ticks."""
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise ValueError(f"ticks need finite low <= high, not {low!r}..{high!r}")
    if count < 1:
        raise ValueError(f"ticks need count >= 1, not {count}")
    if high == low:
        pad = abs(low) / 10 or 1.0
        low, high = low - pad, high + pad
    exponent = math.floor(math.log10((high - low) / count))
    candidates = []
    for power in (exponent - 1, exponent, exponent + 1):
        for nice in _NICE:
            step = nice * 10.0**power
            first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
            waste = (last - first) - (high - low) / step  # intervals spent beyond the range, 0 to 2
            score = (abs(last - first - count) + waste, last - first)
            candidates.append((score, step, first, last, max(0, 1 - power)))
    _, step, first, last, digits = min(candidates, key=lambda candidate: candidate[0])
    values = [round(k * step, digits) + 0.0 for k in range(first, last + 1)]
    return tuple((value, fmt(value)) for value in values)


# --------------------------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------------------------


def _text_width(text: str, size: float) -> float:
    """A generous estimate of a text's advance (Atkinson Hyperlegible averages about 0.55 em a character)."""
    return len(text) * size * 0.6


def _text(x: float, y: float, content: str, *, size: int, anchor: str = "start", fill: str = INK) -> str:
    anchored = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" fill="{fill}"{anchored}>{escape(content)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: str, dash: str | None = None) -> str:
    ends = f'x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"'
    return f'<line {ends} stroke="{stroke}" stroke-width="{width}"{_dashed(dash)}/>'


def _dashed(dash: str | None) -> str:
    return f' stroke-dasharray="{escape(dash)}"' if dash else ""


def _marker(shape: Marker, cx: float, cy: float) -> str:
    """One data point's marker, filled dark with a thin white rim that keeps it apart from the lines it sits on."""
    paint = f'fill="{INK}" stroke="{PAPER}" stroke-width="0.8"'
    r = MARKER_SIZE
    if shape == "circle":
        return f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" {paint}/>'
    if shape == "square":
        side = r * 1.75
        return (
            f'<rect x="{_num(cx - side / 2)}" y="{_num(cy - side / 2)}" width="{_num(side)}" height="{_num(side)}" '
            f"{paint}/>"
        )
    if shape == "triangle":
        corners = [(cx, cy - r * 1.3), (cx + r * 1.25, cy + r * 0.95), (cx - r * 1.25, cy + r * 0.95)]
    elif shape == "diamond":
        corners = [(cx, cy - r * 1.35), (cx + r * 1.1, cy), (cx, cy + r * 1.35), (cx - r * 1.1, cy)]
    else:
        return ""
    return f'<polygon points="{_points(corners)}" {paint}/>'


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


@dataclass(frozen=True)
class _Frame:
    """The plot area in viewBox px and the data-to-px mapping."""

    chart: Chart
    left: float
    top: float
    right: float
    bottom: float

    def px(self, x: float) -> float:
        axis = self.chart.x
        return self.left + (x - axis.low) / (axis.high - axis.low) * (self.right - self.left)

    def py(self, y: float) -> float:
        axis = self.chart.y
        return self.bottom - (y - axis.low) / (axis.high - axis.low) * (self.bottom - self.top)

    def holds(self, x: float, y: float) -> bool:
        return _within(self.chart.x, x) and _within(self.chart.y, y)


def _within(axis: Axis, value: float) -> bool:
    slack = (axis.high - axis.low) * 1e-9
    return axis.low - slack <= value <= axis.high + slack


def _style(chart: Chart) -> list[tuple[Line, Marker, str | None]]:
    """Each line with its marker and dash: a measured line left at "none" gets the next automatic shape."""
    styled: list[tuple[Line, Marker, str | None]] = []
    measured = 0
    for line in chart.lines:
        shape = line.marker
        if line.kind == "measured":
            if shape == "none":
                shape = AUTO_MARKERS[measured % len(AUTO_MARKERS)]
            measured += 1
        styled.append((line, shape, line.dash if line.dash is not None else STROKES[line.kind][2]))
    return styled


def _legend_rows(styled: list[tuple[Line, Marker, str | None]], start: float, end: float) -> list[list[int]]:
    """Indexes of the legend's lines (measured and target), row by row, wrapped to fit between start and end."""
    rows: list[list[int]] = []
    x = end
    for index, (line, _, _) in enumerate(styled):
        if line.kind == "reference":
            continue
        width = SAMPLE + 6 + _text_width(line.label, LABEL_SIZE)
        if not rows or x + width > end:
            rows.append([])
            x = start
        rows[-1].append(index)
        x += width + 18
    return rows


def _frame(chart: Chart, styled: list[tuple[Line, Marker, str | None]]) -> tuple[_Frame, list[list[int]]]:
    """Margins wide enough for the tick labels on the left, the end labels on the right, the y-axis label above
    and, below, the x tick labels, the x-axis label and the legend."""
    y_labels = [text for value, text in chart.y.ticks if _within(chart.y, value)]
    left = max([28.0] + [_text_width(text, TICK_SIZE) + 10 for text in y_labels])
    ends = [line.end_label for line, _, _ in styled if line.end_label]
    right = max([12.0] + [_text_width(text, TICK_SIZE) + 10 for text in ends])
    x_labels = [text for value, text in chart.x.ticks if math.isclose(value, chart.x.high)]
    right = max([right] + [_text_width(text, TICK_SIZE) / 2 + 2 for text in x_labels])
    rows = _legend_rows(styled, left, chart.width - 4)
    top = 26.0 if chart.y.label else 12.0
    bottom = chart.height - (22 + (18 if chart.x.label else 0) + ROW * len(rows) + (6 if rows else 0))
    if bottom - top < 40 or chart.width - right - left < 60:
        raise ValueError(f"chart {chart.id}: its labels and legend leave no room to plot; make it bigger")
    return _Frame(chart, left, top, chart.width - right, bottom), rows


def _axes(frame: _Frame) -> list[str]:
    """Grid lines and labels at the y ticks, tick marks and labels at the x ticks, the two axes and their labels."""
    chart = frame.chart
    out = ['<g class="grid" fill="none">']
    for value, _ in chart.y.ticks:
        if _within(chart.y, value):
            out.append(_line(frame.left, frame.py(value), frame.right, frame.py(value), GRID_INK, "0.6"))
    out.append('</g><g class="axes" fill="none">')
    for value, _ in chart.x.ticks:
        if _within(chart.x, value):
            out.append(_line(frame.px(value), frame.bottom, frame.px(value), frame.bottom + 4, INK, "1"))
    corner = [(frame.left, frame.top), (frame.left, frame.bottom), (frame.right, frame.bottom)]
    out.append(f'<polyline points="{_points(corner)}" stroke="{INK}" stroke-width="1"/>')
    below = math.inf
    for value, label in sorted(chart.y.ticks):  # bottom up; a label that would touch the one below is left out
        y = frame.py(value)
        if _within(chart.y, value) and below - y >= TICK_SIZE + 1:
            out.append(_text(frame.left - 6, y + TICK_SIZE * 0.35, label, size=TICK_SIZE, anchor="end"))
            below = y
    edge = -math.inf
    for value, label in sorted(chart.x.ticks):  # left to right; a label that would touch the last is left out
        x, half = frame.px(value), _text_width(label, TICK_SIZE) / 2
        if _within(chart.x, value) and x - half >= edge + 4:
            out.append(_text(x, frame.bottom + 16, label, size=TICK_SIZE, anchor="middle"))
            edge = x + half
    if chart.y.label:
        out.append(_text(2, 13, chart.y.label, size=LABEL_SIZE))
    if chart.x.label:
        x = (frame.left + frame.right) / 2
        out.append(_text(x, frame.bottom + 34, chart.x.label, size=LABEL_SIZE, anchor="middle"))
    return [*out, "</g>"]


def _segments(points: tuple[tuple[float, float], ...]) -> list[list[tuple[float, float]]]:
    """The runs of finite points: a NaN (a day not recorded) leaves a gap."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if math.isfinite(x) and math.isfinite(y):
            runs[-1].append((x, y))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _series(frame: _Frame, styled: list[tuple[Line, Marker, str | None]]) -> list[str]:
    """Reference curves first, then targets, then measured lines on top, clipped to the plot; then the markers of
    the points inside the axes' ranges (unclipped, so a point on an edge shows whole). ``data-line`` is the line's
    index in ``chart.lines``."""
    order = {"reference": 0, "target": 1, "measured": 2}
    ranked = sorted(enumerate(styled), key=lambda item: order[item[1][0].kind])  # stable within a kind
    out = [
        f'<g class="lines" clip-path="url(#{frame.chart.id}-plot)" fill="none" stroke-linejoin="round" '
        'stroke-linecap="round">'
    ]
    for index, (line, _, dash) in ranked:
        stroke, width, _ = STROKES[line.kind]
        paint = f'stroke="{stroke}" stroke-width="{width}"{_dashed(dash)}'
        for run in _segments(line.points):
            if len(run) > 1:
                drawn = _points((frame.px(x), frame.py(y)) for x, y in run)
                out.append(f'<polyline data-line="{index}" points="{drawn}" {paint}/>')
    out.append("</g>")
    for index, (line, shape, _) in ranked:
        inside = [(x, y) for run in _segments(line.points) for x, y in run if frame.holds(x, y)]
        if shape != "none" and inside:
            out.append(f'<g class="markers" data-line="{index}">')
            out += [_marker(shape, frame.px(x), frame.py(y)) for x, y in inside]
            out.append("</g>")
    return out


def _end_labels(frame: _Frame, styled: list[tuple[Line, Marker, str | None]]) -> list[str]:
    """Each end label just right of its line's last point, pushed apart so no two touch and kept beside the plot."""
    placed: list[tuple[float, float, str]] = []
    for line, _, _ in styled:
        runs = _segments(line.points)
        if line.end_label and runs:
            x, y = runs[-1][-1]
            px = min(max(frame.px(x), frame.left), frame.right)
            placed.append((min(max(frame.py(y), frame.top), frame.bottom), px, line.end_label))
    placed.sort()
    gap = TICK_SIZE + 1
    ys = [y for y, _, _ in placed]
    for index in range(1, len(ys)):  # top down: each at least a line below the one above
        ys[index] = max(ys[index], ys[index - 1] + gap)
    for index in reversed(range(len(ys))):  # bottom up: none below the plot, each a line above the one below
        ys[index] = min(ys[index], frame.bottom if index == len(ys) - 1 else ys[index + 1] - gap)
    out = ['<g class="end-labels">']
    for y, (_, px, label) in zip(ys, placed, strict=True):
        x = min(px + 5, frame.chart.width - _text_width(label, TICK_SIZE) - 1)
        out.append(_text(x, y + TICK_SIZE * 0.35, label, size=TICK_SIZE, fill=TARGET_INK))
    return [*out, "</g>"] if placed else []


def _legend(frame: _Frame, styled: list[tuple[Line, Marker, str | None]], rows: list[list[int]]) -> list[str]:
    """Below the x-axis label: each measured or target line's sample (stroke, dash and marker) and its label."""
    out = ['<g class="legend" fill="none">'] if rows else []
    for number, row in enumerate(rows):
        y = frame.chart.height - ROW * (len(rows) - number) + 2
        x = frame.left
        for index in row:
            line, shape, dash = styled[index]
            stroke, width, _ = STROKES[line.kind]
            out.append(f'<g data-line="{index}">' + _line(x, y, x + SAMPLE, y, stroke, width, dash))
            if shape != "none":
                out.append(_marker(shape, x + SAMPLE / 2, y))
            out.append(_text(x + SAMPLE + 6, y + LABEL_SIZE * 0.35, line.label, size=LABEL_SIZE) + "</g>")
            x += SAMPLE + 6 + _text_width(line.label, LABEL_SIZE) + 18
    return [*out, "</g>"] if rows else []


def _font_family(texts: Iterable[str]) -> str:
    """careplan's packaged families for these characters, as the document loads them, for WeasyPrint's SVG text."""
    found = _STACK.search(fonts_css({ord(char) for text in texts for char in text}))
    if found is None:  # pragma: no cover - fonts_css always ends with the html rule
        raise RuntimeError("fonts_css gave no font-family stack")
    families = re.findall(r'"([^"]+)"', found.group(1))
    return escape(",".join(f'"{family}"' for family in families), {'"': "&quot;"})


def _check(chart: Chart) -> None:
    if not _ID.fullmatch(chart.id):
        raise ValueError(f"chart id {chart.id!r}: use lower-case letters, digits and inner hyphens")
    for name, axis in (("x", chart.x), ("y", chart.y)):
        if not (math.isfinite(axis.low) and math.isfinite(axis.high) and axis.low < axis.high):
            raise ValueError(f"chart {chart.id}: the {name} axis needs finite low < high")
    if chart.width < 120 or chart.height < 80:
        raise ValueError(f"chart {chart.id}: {chart.width}x{chart.height} is too small to draw")
    for line in chart.lines:
        if line.dash is not None and not _DASH.fullmatch(line.dash.strip()):
            raise ValueError(f"chart {chart.id}: dash {line.dash!r} is not a list of lengths")


def svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element string (no XML declaration), ready to inline in HTML."""
    _check(chart)
    styled = _style(chart)
    frame, rows = _frame(chart, styled)
    body = [*_axes(frame), *_series(frame, styled), *_end_labels(frame, styled), *_legend(frame, styled, rows)]
    drawn = [chart.x.label, chart.y.label, *(text for _, text in chart.x.ticks + chart.y.ticks)]
    drawn += [line.end_label or "" for line in chart.lines] + [line.label for line in chart.lines]
    clip = (frame.left - 2, frame.top - 2, frame.right - frame.left + 4, frame.bottom - frame.top + 4)
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" role="img" '
            f'aria-labelledby="{chart.id}-title {chart.id}-desc" font-family="{_font_family(drawn)}">',
            f'<title id="{chart.id}-title">{escape(chart.title)}</title>',
            f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>',
            f'<defs><clipPath id="{chart.id}-plot"><rect x="{_num(clip[0])}" y="{_num(clip[1])}" '
            f'width="{_num(clip[2])}" height="{_num(clip[3])}"/></clipPath></defs>',
            f'<rect x="0" y="0" width="{chart.width}" height="{chart.height}" fill="{PAPER}"/>',
            *body,
            "</svg>",
        ]
    )
