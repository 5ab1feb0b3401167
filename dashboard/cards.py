"""The cards at the top of the statistics page: the figures an officer asks for first.

Each area registers a card function ``(request, scope) -> Card | None`` with the
permission that guards it. A card gives a few headline numbers, bars drawn with
CSS widths (their numbers written beside them, so the bars need no reading), the
CSV of the matching statistics table and a link to the admin list filtered the
same way (the unit and everything below it, the year or month). A card makes one
or two aggregate queries, so the page costs the same whatever the amount of data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from members.models import OrgUnit
from members.scoping import scope_queryset

from . import cache as figures_cache
from .statistics import cache_seconds as statistics_cache_seconds


@dataclass(frozen=True)
class Scope:
    """What the officer picked: a year or one month of it, and a unit of theirs (or all of them)."""

    year: int
    month: int | None = None
    unit: OrgUnit | None = None

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        if self.month is None or self.month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.month + 1, 1)

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    def within(self, field: str = "unit"):
        """Rows of the picked unit and the units below it (all the officer's rows when none is picked)."""
        from django.db.models import Q

        return self.unit.subtree_q(field) if self.unit is not None else Q()

    def between(self, field: str) -> dict:
        """``field`` inside the period (a date-time or a date column)."""
        return {f"{field}__gte": self.start_at, f"{field}__lt": self.end_at}

    def list_url(self, app: str, model: str, date_field: str, **filters) -> str:
        """The admin list of the same rows: the unit and below (``within``) and the period
        (the list's date drill-down, ``<field>__year`` and ``__month``)."""
        params = dict(filters)
        if self.unit is not None:
            params["within"] = self.unit.pk
        params[f"{date_field}__year"] = self.year
        if self.month:
            params[f"{date_field}__month"] = self.month
        return reverse(f"admin:{app}_{model}_changelist") + "?" + urlencode(params)

    def query(self) -> str:
        """The page's own GET parameters, for the CSV links."""
        params = {"year": self.year}
        if self.month:
            params["month"] = self.month
        if self.unit is not None:
            params["unit"] = self.unit.pk
        return urlencode(params)


@dataclass(frozen=True)
class Bar:
    label: str | Promise
    value: int | float
    # Written beside the bar: "12", "¥3,000.00 / ¥10,000.00".
    text: str = ""
    percent: int = 0


@dataclass
class Card:
    title: str | Promise
    figures: list[tuple[str | Promise, str]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    bars_title: str | Promise = ""
    csv_slug: str = ""
    list_url: str = ""
    list_label: str | Promise = ""
    note: str | Promise = ""
    slug: str = ""


def bars(pairs, *, top: float | None = None, text=str) -> list[Bar]:
    """Bars for ``(label, value)`` pairs, as shares of ``top`` (the largest value by default)."""
    pairs = list(pairs)
    top = top if top is not None else max((v for _label, v in pairs), default=0)
    return [Bar(label, value, text(value), min(100, round(100 * value / top)) if top else 0) for label, value in pairs]


def share(part, whole) -> str:
    return f"{part / whole:.0%}" if whole else "—"


@dataclass(frozen=True)
class Registered:
    slug: str
    compute: Callable[[HttpRequest, Scope], Card | None]
    permission: str
    order: int


_registry: dict[str, Registered] = {}


def register(slug: str, *, permission: str, order: int = 100) -> Callable:
    def decorator(fn):
        _registry[slug] = Registered(slug, fn, permission, order)
        return fn

    return decorator


def cards_for(request: HttpRequest, scope: Scope) -> list[Card]:
    found = []
    for entry in sorted(_registry.values(), key=lambda e: (e.order, e.slug)):
        if request.user.has_perm(entry.permission):
            card = entry.compute(request, scope)
            if card is not None:
                card.slug = entry.slug
                found.append(card)
    return found


def cards_counted(request: HttpRequest, scope: Scope, *, recount: bool = False):
    """``cards_for``, kept in the dashboard's cache like the year's tables (they read every
    area over the officer's whole part of the tree: a second's work on a large union), counted
    again once any area's data changes."""
    return figures_cache.get_or_count(
        f"statistics-cards:{scope.query()}",
        user=request.user,
        areas=figures_cache.all_areas(),
        seconds=statistics_cache_seconds(),
        compute=lambda: cards_for(request, scope),
        recount=recount,
    )


def card_for(request: HttpRequest, slug: str, scope: Scope) -> Card | None:
    """One card, as ``cards_for`` would give it (``None`` if the officer may not see it)."""
    entry = _registry.get(slug)
    if entry is None or not request.user.has_perm(entry.permission):
        return None
    card = entry.compute(request, scope)
    if card is not None:
        card.slug = slug
    return card


def card_rows(card: Card) -> list[list[str]]:
    """The card's own figures as CSV rows: its headline numbers, then its bars."""
    rows = [[str(card.title), ""]]
    rows += [[str(label), str(value)] for label, value in card.figures]
    if card.bars:
        rows += [["", ""], [str(card.bars_title or card.title), ""]]
        rows += [[str(bar.label), bar.text or str(bar.value)] for bar in card.bars]
    return rows


def units_for(user):
    """The units the officer may pick: their own and those below it."""
    return scope_queryset(OrgUnit.objects.order_by("path"), user, field="").only("pk", "name", "depth", "path")


def scope_from_request(request: HttpRequest, units) -> tuple[Scope, str]:
    """The picked scope, and a message when the request asked for something it cannot have."""
    this_year = timezone.localdate().year
    error = ""
    try:
        year = min(max(int(request.GET.get("year", this_year)), 2000), this_year + 1)
    except (TypeError, ValueError):
        year = this_year
    try:
        month = int(request.GET.get("month") or 0) or None
    except (TypeError, ValueError):
        month = None
    if month is not None and not 1 <= month <= 12:
        month = None
    unit = None
    wanted = request.GET.get("unit") or ""
    if wanted:
        unit = next((u for u in units if str(u.pk) == wanted), None)
        if unit is None:
            error = _("That unit is not in your part of the union: the figures are for all your units.")
    return Scope(year=year, month=month, unit=unit), error
