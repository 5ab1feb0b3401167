"""The admin index as a dashboard: each area adds a panel of figures.

A provider is a function ``(request) -> Panel | None`` registered with
``register``; it returns ``None`` when the officer may not see its area. Every
figure is counted over what the officer may see (``members.scoping``) and
links to the changelist filtered to exactly those rows. A provider should make
one aggregate query (``aggregate(n=Count("pk", filter=Q(...)))``), so the
dashboard costs the same whatever the amount of data.

A provider registered with an ``area`` has its panel cached for
``DASHBOARD_PANELS_SECONDS`` and counted again as soon as the area's data
changes (``dashboard.cache``); the others are counted on every view.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from . import cache


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    url: str = ""
    # Shown as needing attention when the count is above zero.
    alert: bool = False
    note: str = ""


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    order: int = 100
    # Rows with more than a number (e.g. upcoming activities and how full they are).
    rows: list[dict] = field(default_factory=list)
    rows_title: str = ""


Provider = Callable[[HttpRequest], Panel | None]
_providers: dict[str, Provider] = {}
_areas: dict[str, str] = {}


def register(name: str, provider: Provider, *, area: str = "") -> None:
    _providers[name] = provider
    if area:
        _areas[name] = area


def providers() -> dict[str, Provider]:
    return dict(_providers)


@dataclass
class Dashboard:
    panels: list[Panel]
    # When the oldest of the cached panels was counted (None: all counted for this view).
    counted_at: datetime | None = None


def cache_seconds() -> int:
    return getattr(settings, "DASHBOARD_PANELS_SECONDS", 60)


def dashboard_for(request: HttpRequest, *, recount: bool = False) -> Dashboard:
    panels, oldest = [], None
    for name, provider in _providers.items():
        area = _areas.get(name)
        if area is None:
            panel = provider(request)
        else:
            found = cache.get_or_count(
                f"dashboard:{name}",
                user=request.user,
                areas=[area],
                seconds=cache_seconds(),
                compute=lambda provider=provider: provider(request),
                recount=recount,
            )
            panel = found.value
            if found.from_cache and panel is not None and (oldest is None or found.counted_at < oldest):
                oldest = found.counted_at
        if panel is not None:
            panels.append(panel)
    return Dashboard(sorted(panels, key=lambda panel: panel.order), oldest)


def changelist_url(app_label: str, model_name: str, **filters) -> str:
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url
