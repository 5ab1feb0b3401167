from django import template

from dashboard import charts, panels

register = template.Library()


@register.inclusion_tag("dashboard/dashboard.html", takes_context=True)
def dashboard_panels(context):
    request = context["request"]
    found = panels.dashboard_for(request, recount=request.GET.get("recount") == "1")
    return {"panels": found.panels, "counted_at": found.counted_at, "perms": context.get("perms")}


@register.simple_tag
def chart_svg(table, title=""):
    """The table drawn as an SVG chart (server-side; no script)."""
    return charts.render(table, str(title))


@register.filter
def swatch(index):
    return charts.colour(index)
