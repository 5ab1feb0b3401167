"""The statistics page: each area registers its tables.

A table is computed by one function ``(request, period) -> Table`` registered
under a slug with the permission that guards it. The page draws each table as
a chart above the table itself; ``<slug>.csv`` downloads it. Functions must
aggregate in the database (``values(...).annotate(Count(...))``) so the page
costs the same number of queries whatever the amount of data.

The page's tables are cached for ``DASHBOARD_STATISTICS_SECONDS`` and counted
again as soon as their data changes (``dashboard.cache``); the CSV downloads are
always counted afresh.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise

from . import cache


@dataclass(frozen=True)
class Period:
    year: int
    # Long lists (the outreach list) show this many rows on the page; the CSV has all (None).
    row_limit: int | None = None

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year + 1, 1, 1)

    @property
    def start_at(self) -> datetime:
        """Midnight (local time) opening the year: filter date-times with it, not with ``__date``,
        so the database compares the column itself (an index applies, estimates hold)."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    @property
    def months(self) -> list[date]:
        return [date(self.year, month, 1) for month in range(1, 13)]

    @classmethod
    def from_request(cls, request: HttpRequest, *, row_limit: int | None = None) -> "Period":
        this_year = timezone.localdate().year
        try:
            year = int(request.GET.get("year", this_year))
        except (TypeError, ValueError):
            year = this_year
        return cls(year=min(max(year, 2000), this_year + 1), row_limit=row_limit)


@dataclass
class Table:
    """Rows of a label and one number per series; drawn as a chart.

    ``chart`` is "bar" (horizontal bars, one per row, series stacked),
    "columns" (vertical columns over time, series side by side) or "" (a
    table only, e.g. a list of members).
    """

    columns: list[str]
    rows: list[list]
    chart: str = "bar"
    note: str = ""
    total_row: list | None = None
    # When ``rows`` holds only the first rows of a long list: how many there are in all.
    row_count: int | None = None
    # How many of the value columns the chart draws (the rest, e.g. amounts
    # beside counts, are in the table only); all of them when ``None``.
    chart_series: int | None = None

    @property
    def series(self) -> list[str]:
        """The columns the chart draws."""
        values = self.columns[1:]
        return values if self.chart_series is None else values[: self.chart_series]

    @property
    def shown_rows(self) -> list[list]:
        return self.rows

    @property
    def is_cut(self) -> bool:
        return self.row_count is not None and self.row_count > len(self.rows)


@dataclass(frozen=True)
class Statistic:
    slug: str
    title: str | Promise
    section: str | Promise
    compute: Callable[[HttpRequest, Period], Table]
    permission: str
    order: int = 100
    description: str | Promise = ""
    # The area whose data the table is made of (see ``dashboard.cache``).
    area: str = ""
    # A page that acts on the table's rows: (URL name, label), e.g. the outreach follow-up.
    link: tuple | None = None


@dataclass
class Section:
    title: str
    statistics: list[tuple[Statistic, Table]] = field(default_factory=list)


_registry: dict[str, Statistic] = {}


def register(
    slug: str,
    *,
    title,
    section,
    permission: str,
    order: int = 100,
    description="",
    area: str = "",
    link: tuple | None = None,
) -> Callable:
    """``area``: the area the table's data belongs to; by default the name of the
    module that registers it (``dashboard.areas.welfare``: "welfare")."""

    def decorator(fn: Callable[[HttpRequest, Period], Table]):
        _registry[slug] = Statistic(
            slug=slug,
            title=title,
            section=section,
            compute=fn,
            permission=permission,
            order=order,
            description=description,
            area=area or fn.__module__.rsplit(".", 1)[-1],
            link=link,
        )
        return fn

    return decorator


def available(request: HttpRequest) -> list[Statistic]:
    user = request.user
    return sorted(
        (s for s in _registry.values() if user.has_perm(s.permission)),
        key=lambda s: (s.order, s.slug),
    )


def get(request: HttpRequest, slug: str) -> Statistic | None:
    statistic = _registry.get(slug)
    if statistic is None or not request.user.has_perm(statistic.permission):
        return None
    return statistic


def shared(request: HttpRequest, key: tuple, compute: Callable[[], object]):
    """The result of ``compute`` run once per request for ``key``.

    Several tables of the page are cuts of one aggregate (members per unit, per
    gender and per age band are sums over the same cells): the first table asks
    the database, the others reuse its answer.
    """
    memo = request.__dict__.setdefault("_statistics_shared", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def sections_for(request: HttpRequest, period: Period, tables: dict[str, Table] | None = None) -> list[Section]:
    """The sections of the page, with ``tables`` already counted (by slug) or counted now."""
    tables = tables or {}
    sections: dict[str, Section] = {}
    for statistic in available(request):
        title = str(statistic.section)
        table = tables.get(statistic.slug) or statistic.compute(request, period)
        sections.setdefault(title, Section(title=title)).statistics.append((statistic, table))
    return list(sections.values())


# --- Cached for a while ---------------------------------------------------------------


@dataclass
class Page:
    sections: list[Section]
    counted_at: datetime
    # Read from the cache rather than counted for this request.
    from_cache: bool = False
    # The drawn page can be cached under this key as long as its tables (None: not cached).
    drawing_key: str | None = None


def cache_seconds() -> int:
    return getattr(settings, "DASHBOARD_STATISTICS_SECONDS", 300)


def page_for(request: HttpRequest, period: Period, *, recount: bool = False) -> Page:
    """The page's sections, each area's tables cached since the last change to that area's data."""
    by_area: dict[str, list[Statistic]] = {}
    for statistic in available(request):
        by_area.setdefault(statistic.area, []).append(statistic)
    tables: dict[str, Table] = {}
    found = []
    for area, area_statistics in sorted(by_area.items()):
        found.append(
            cache.get_or_count(
                f"statistics:{area}:{period.year}:{period.row_limit}",
                user=request.user,
                areas=[area],
                seconds=cache_seconds(),
                compute=lambda area_statistics=area_statistics: {
                    statistic.slug: statistic.compute(request, period) for statistic in area_statistics
                },
                recount=recount,
            )
        )
        tables.update(found[-1].value)
    counted_at = min((f.counted_at for f in found), default=timezone.now())
    # The page as drawn is cached as long as all its tables are.
    drawing_key = (
        ":".join(f"{f.key}@{f.counted_at.timestamp()}" for f in found) if found and all(f.key for f in found) else None
    )
    return Page(
        sections_for(request, period, tables),
        counted_at,
        from_cache=any(f.from_cache for f in found),
        drawing_key=drawing_key,
    )
