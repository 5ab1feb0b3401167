"""The back office's one search box: members, requests (by reference), activities and feedback.

Each kind is searched through its own ModelAdmin (``get_queryset`` and
``get_search_results``), so the results are exactly what that changelist would
list for this officer: the same scoping, the same visibility rule, the same
indexes. Nothing here knows who may see what.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

SEARCHED = ["welfare.WelfareRequest", "members.Member", "activities.Activity", "feedback.Feedback"]
# Results shown per kind; "all results" opens the changelist with the same search.
SHOWN = 8
MAX_TERM = 100


@dataclass(frozen=True)
class Hit:
    label: str
    url: str


@dataclass(frozen=True)
class Group:
    title: str
    hits: list[Hit]
    more: bool
    changelist_url: str


def back_office_search(request: HttpRequest, term: str) -> list[Group]:
    term = " ".join((term or "").split())[:MAX_TERM]
    if not term:
        return []
    groups = []
    for label in SEARCHED:
        model = apps.get_model(label)
        model_admin = admin.site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        queryset, may_have_duplicates = model_admin.get_search_results(request, model_admin.get_queryset(request), term)
        if may_have_duplicates:
            queryset = queryset.distinct()
        found = list(queryset[: SHOWN + 1])
        opts = model._meta
        change = f"admin:{opts.app_label}_{opts.model_name}_change"
        groups.append(
            Group(
                title=str(opts.verbose_name_plural),
                hits=[Hit(_label(obj), reverse(change, args=[obj.pk])) for obj in found[:SHOWN]],
                more=len(found) > SHOWN,
                changelist_url=reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                + "?"
                + urlencode({"q": term}),
            )
        )
    return groups


def _label(obj) -> str:
    # A request's reference alone says little: add whose it is (loaded by the admin's own select_related).
    member = getattr(obj, "member", None) if hasattr(obj, "reference") else None
    return f"{obj} · {member.name}" if member is not None else str(obj)
