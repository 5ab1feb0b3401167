"""The changelists' date drill-down, without the admin's queries.

Django's ``date_hierarchy`` tag first runs a MIN/MAX aggregate and then a
DISTINCT date truncation over every visible row — two full scans on each page
view. Years and months come from the calendar instead; the filtering itself is
still done by the admin's ``date_hierarchy`` handling of ``<field>__year``...

Use it in an app's ``change_list.html``::

    {% extends "admin/change_list.html" %}{% load admin_calendar %}
    {% block date_hierarchy %}{% if cl.date_hierarchy %}{% calendar_hierarchy cl %}{% endif %}{% endblock %}
"""

import calendar
import datetime

from django import template
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()

YEARS_SHOWN = 5


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@register.inclusion_tag("admin/date_hierarchy.html")
def calendar_hierarchy(cl):
    field = cl.date_hierarchy
    if not field:
        return {"show": False}
    year_field, month_field, day_field = f"{field}__year", f"{field}__month", f"{field}__day"
    year, month, day = (_int(cl.params.get(name)) for name in (year_field, month_field, day_field))

    def link(filters):
        return cl.get_query_string(filters, [f"{field}__"])

    today = timezone.localdate()
    try:
        if year and month and day:
            chosen = datetime.date(year, month, day)
            return {
                "show": True,
                "back": {
                    "link": link({year_field: year, month_field: month}),
                    "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
                },
                "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
            }
        if year and month:
            days = calendar.monthrange(year, month)[1]
            return {
                "show": True,
                "back": {"link": link({year_field: year}), "title": str(year)},
                "choices": [
                    {
                        "link": link({year_field: year, month_field: month, day_field: d}),
                        "title": capfirst(formats.date_format(datetime.date(year, month, d), "MONTH_DAY_FORMAT")),
                    }
                    for d in range(1, days + 1)
                ],
            }
        if year:
            last = today.month if year == today.year else 12
            return {
                "show": True,
                "back": {"link": link({}), "title": _("All dates")},
                "choices": [
                    {
                        "link": link({year_field: year, month_field: m}),
                        "title": capfirst(formats.date_format(datetime.date(year, m, 1), "YEAR_MONTH_FORMAT")),
                    }
                    for m in range(1, last + 1)
                ],
            }
    except ValueError:
        pass  # an impossible date in the address: offer the years
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: y}), "title": str(y)}
            for y in range(today.year - YEARS_SHOWN + 1, today.year + 1)
        ],
    }
