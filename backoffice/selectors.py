"""Shared reads for the dashboard and statistics: age bands, months, scopes."""

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

# (label, lowest age, highest age or None)
AGE_BANDS = [
    (_("under 30"), 0, 29),
    (_("30–39"), 30, 39),
    (_("40–49"), 40, 49),
    (_("50–59"), 50, 59),
    (_("60 and over"), 60, None),
]


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def age_band_q(*, low: int, high: int | None, day: date, field: str = "date_of_birth") -> Q:
    """Rows whose person (birth date at ``field``) is between ``low`` and ``high`` years old on ``day``."""
    # Aged at least ``low``: born on or before the day ``low`` years ago.
    q = Q(**{f"{field}__lte": years_before(day, low)})
    if high is not None:
        # Aged at most ``high``: born after the day ``high + 1`` years ago.
        q &= Q(**{f"{field}__gt": years_before(day, high + 1)})
    return q


def count_by_age_band(queryset: QuerySet, *, day: date, field: str = "date_of_birth", distinct: bool = False):
    """[(label, count)] in one aggregate query."""
    aggregates = {
        f"band{i}": Count("pk", filter=age_band_q(low=low, high=high, day=day, field=field), distinct=distinct)
        for i, (_label, low, high) in enumerate(AGE_BANDS)
    }
    counts = queryset.aggregate(**aggregates)
    return [(label, counts[f"band{i}"]) for i, (label, _low, _high) in enumerate(AGE_BANDS)]


def month_key(value) -> str:
    """ "2026-03" for a date or datetime (already in the local time zone)."""
    return f"{value:%Y-%m}" if value else ""
