"""Charts drawn on the server as SVG: no script, readable at a glance.

The table under each chart carries the same numbers for screen readers and
for copying; the chart is a picture of it.
"""

import math
from copy import copy
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Distinguishable colours (Okabe-Ito), dark enough against white for bars.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"]

WIDTH = 640
ROW_HEIGHT = 22
GAP = 6
CJK_WIDTH = 13  # a CJK character at 12px, with some room
LATIN_WIDTH = 7.5
COLUMNS_HEIGHT = 220


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _number(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, Decimal):
        return float(value)
    return float(value) if isinstance(value, int | float) else 0.0


def _label(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _short(label) -> str:
    """ "2026-03" → "03": the year is in the page's title."""
    text = str(label)
    return text[5:] if len(text) == 7 and text[4] == "-" else text


def _text_width(text: str) -> float:
    return sum(CJK_WIDTH if ord(ch) > 0x2E80 else LATIN_WIDTH for ch in text)


def _total(values):
    """The sum of a row's values, as an integer when they all are."""
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return sum((Decimal(str(v)) if v is not None else Decimal(0)) for v in values)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def render(table, title: str = "") -> str:
    if not table.rows or table.chart not in ("bar", "columns"):
        return ""
    if table.chart_series is not None:
        # Draw only the chart's series: [label, first N values].
        table = copy(table)
        table.rows = [row[: table.chart_series + 1] for row in table.rows]
        table.columns = table.columns[: table.chart_series + 1]
        table.chart_series = None
    if table.chart == "columns":
        return mark_safe(_columns(table, title))
    return mark_safe(_bars(table, title))


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def _bars(table, title: str) -> str:
    """Horizontal bars, one per row; several series are stacked."""
    rows = table.shown_rows
    label_width = int(min(240, max(_text_width(str(row[0])) for row in rows) + 14))
    value_width = 80
    area = WIDTH - label_width - value_width
    totals = [sum(_number(v) for v in row[1:]) for row in rows]
    top = _nice_max(max(totals, default=0))
    height = len(rows) * (ROW_HEIGHT + GAP) + GAP
    parts = [_svg_open(WIDTH, height, title)]
    for i, row in enumerate(rows):
        y = GAP + i * (ROW_HEIGHT + GAP)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + ROW_HEIGHT * 0.7:.1f}" text-anchor="end">{escape(str(row[0]))}</text>'
        )
        x = float(label_width)
        for s, value in enumerate(row[1:]):
            w = area * _number(value) / top
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{ROW_HEIGHT}" fill="{colour(s)}">'
                    f"<title>{escape(str(row[0]))} · {escape(str(table.columns[s + 1]))}: {escape(_label(value))}"
                    "</title></rect>"
                )
            x += w
        total = _total(row[1:])
        parts.append(f'<text x="{x + 6:.1f}" y="{y + ROW_HEIGHT * 0.7:.1f}">{escape(_label(total))}</text>')
    parts.append(f'<line class="axis" x1="{label_width}" y1="0" x2="{label_width}" y2="{height}" />')
    parts.append("</svg>")
    return "".join(parts)


def _columns(table, title: str) -> str:
    """Vertical columns over time (months); series side by side."""
    rows = table.shown_rows
    series = len(table.columns) - 1
    left, bottom, top_pad = 48, 24, 10
    plot_h = COLUMNS_HEIGHT - bottom - top_pad
    slot = (WIDTH - left) / len(rows)
    bar_w = max(2.0, (slot - 6) / series)
    top = _nice_max(max((_number(v) for row in rows for v in row[1:]), default=0))
    parts = [_svg_open(WIDTH, COLUMNS_HEIGHT, title)]
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        parts.append(f'<line class="axis" x1="{left}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" />')
        tick = top * fraction
        tick_text = f"{tick:,.0f}" if tick >= 10 or tick == int(tick) else f"{tick:,.1f}"
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick_text}</text>')
    for i, row in enumerate(rows):
        x0 = left + i * slot + 3
        for s, value in enumerate(row[1:]):
            h = plot_h * _number(value) / top
            if h > 0:
                parts.append(
                    f'<rect x="{x0 + s * bar_w:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar_w:.1f}" '
                    f'height="{h:.1f}" fill="{colour(s)}"><title>{escape(str(row[0]))} · '
                    f"{escape(str(table.columns[s + 1]))}: {escape(_label(value))}</title></rect>"
                )
        parts.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{COLUMNS_HEIGHT - 6}" text-anchor="middle">'
            f"{escape(_short(row[0]))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
