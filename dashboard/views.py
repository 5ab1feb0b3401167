"""The statistics page of the dashboard (inside the admin, for officers)."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cards, statistics

# Rows of a long list shown on the page (its CSV has them all).
PAGE_ROWS = 50


def _check(request: HttpRequest) -> None:
    if not request.user.has_perm("dashboard.view_statistics"):
        raise PermissionDenied


def statistics_page(request: HttpRequest) -> HttpResponse:
    _check(request)
    period = statistics.Period.from_request(request, row_limit=PAGE_ROWS)
    page = statistics.page_for(request, period, recount=request.GET.get("recount") == "1")
    this_year = timezone.localdate().year
    units = list(cards.units_for(request.user))
    scope, scope_error = cards.scope_from_request(request, units)
    return TemplateResponse(
        request,
        "dashboard/statistics.html",
        {
            **admin.site.each_context(request),
            "title": _("Statistics"),
            "period": period,
            "years": list(range(this_year, this_year - 6, -1)),
            "months": range(1, 13),
            "units": units,
            "scope": scope,
            "scope_error": scope_error,
            "cards": cards.cards_for(request, scope),
            "sections": page.sections,
            "counted_at": page.counted_at,
            "from_cache": page.from_cache,
            "cache_minutes": max(1, statistics.cache_seconds() // 60),
            "cache_seconds": statistics.cache_seconds(),
            # The charts and tables drawn from cached tables are cached too (drawing them costs
            # more than reading them: a bar and a row for each of hundreds of units).
            "drawing_key": page.drawing_key,
        },
    )


def statistics_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _check(request)
    statistic = statistics.get(request, slug)
    if statistic is None:
        raise Http404
    period = statistics.Period.from_request(request)
    table = statistic.compute(request, period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{period.year}.csv"'
    # A byte-order mark, so Excel opens the Chinese text as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    if table.total_row:
        writer.writerow([_csv_value(v) for v in table.total_row])
    return response


def _csv_value(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        text = "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
