"""Shared reads for the dashboard and statistics: age bands, months, scopes."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import Case, IntegerField, Q, Value, When
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


def age_band_case(*, day: date, field: str = "date_of_birth") -> Case:
    """The index in ``AGE_BANDS`` of the person's band on ``day`` (NULL when in none), to group by."""
    return Case(
        *(
            When(age_band_q(low=low, high=high, day=day, field=field), then=Value(i))
            for i, (_label, low, high) in enumerate(AGE_BANDS)
        ),
        default=None,
        output_field=IntegerField(),
    )


def sum_cells(cells: Iterable[dict], key: Callable[[dict], object], *fields: str) -> dict:
    """{key(cell): {field: sum}} over rows of a finer grouping (e.g. unit × gender × age band).

    Only counts that add up across cells may be summed: rows, or distinct people
    when each person falls in exactly one cell.
    """
    sums: dict = defaultdict(lambda: dict.fromkeys(fields, 0))
    for cell in cells:
        total = sums[key(cell)]
        for name in fields:
            total[name] += cell[name]
    return dict(sums)


def unit_labels(unit_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{unit id: (path, name)} for rows grouped by unit id (sorting by path lists them as a tree)."""
    from members.models import OrgUnit

    ids = {pk for pk in unit_ids if pk is not None}
    return {pk: (path, name) for pk, path, name in OrgUnit.objects.filter(pk__in=ids).values_list("pk", "path", "name")}


def month_key(value) -> str:
    """ "2026-03" for a date or datetime (already in the local time zone)."""
    return f"{value:%Y-%m}" if value else ""
