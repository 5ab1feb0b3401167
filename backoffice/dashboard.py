"""The admin index as a dashboard: each area adds a panel of figures.

A provider is a function ``(request) -> Panel | None`` registered with
``register``; it returns ``None`` when the officer may not see its area. Every
figure is counted over what the officer may see (``members.scoping``) and
links to the changelist filtered to exactly those rows. A provider should make
one aggregate query (``aggregate(n=Count("pk", filter=Q(...)))``), so the
dashboard costs the same whatever the amount of data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse


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


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def panels_for(request: HttpRequest) -> list[Panel]:
    panels = [panel for provider in _providers.values() if (panel := provider(request)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def changelist_url(app_label: str, model_name: str, **filters) -> str:
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url
