"""The survey chart's geometry: each choice a row of ``ROW`` units (its label, then its bar)."""

from django import template

register = template.Library()

ROW = 34
BAR_MAX = 260  # of the 360 wide picture: room for "123 · 100%" after a full bar


@register.simple_tag
def chart_height(rows) -> int:
    return max(len(rows), 1) * ROW


@register.simple_tag
def chart_row(index: int, percent: int) -> dict:
    top = index * ROW
    width = round(BAR_MAX * min(max(percent, 0), 100) / 100)
    return {"label": top + 12, "bar": top + 17, "count": top + 26, "width": width, "count_x": width + 6}
