"""The welfare area's scheduled mail: the officers' daily digest.

Recipients are officers (staff accounts, not members), so the digest is
written straight into the outbox; which requests each officer may handle is
THE visibility rule of ``welfare.selectors``. Each mail's key is (rule,
officer, day): a job that runs twice writes it once.
"""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet, Value
from django.urls import reverse

from lib.batches import batches
from members.models import User
from notifications.services import Mail, notification_enqueue_many

from .models import WelfareRequest
from .selectors import requests_visible_to

# --- Daily digest of welfare requests for officers -------------------------------

# Officers whose visibility is worked out in one UNION query (SQLite allows 500 parts).
DIGEST_OFFICERS_PER_QUERY = 200


def digest_officers() -> QuerySet:
    """Staff acting for a unit, with an address; whether they handle welfare is their permission."""
    return (
        User.objects.filter(is_active=True, is_staff=True, officer_unit__isnull=False)
        .exclude(email="")
        .select_related("officer_unit")
        .order_by("pk")
    )


def _load_permissions(users: list[User]) -> None:
    """Fill Django's per-user permission cache for many users with two queries
    (``has_perm`` would otherwise ask the database twice per user)."""
    granted: dict[int, set[str]] = defaultdict(set)
    ids = [user.pk for user in users]
    direct = Permission.objects.filter(user__in=ids).values_list("user", "content_type__app_label", "codename")
    via_groups = Permission.objects.filter(group__user__in=ids).values_list(
        "group__user", "content_type__app_label", "codename"
    )
    for user_id, app_label, codename in [*direct, *via_groups]:
        granted[user_id].add(f"{app_label}.{codename}")
    for user in users:
        user._perm_cache = granted[user.pk]  # the cache ModelBackend.get_all_permissions reads


def digest_requests(*, day: date) -> QuerySet:
    """Open requests that need an officer on ``day``: overdue, unassigned, or waiting for the chair."""
    return WelfareRequest.objects.filter(state__in=WelfareRequest.OPEN_STATES).filter(
        WelfareRequest.overdue_q(day) | Q(assigned_to__isnull=True) | Q(state=WelfareRequest.State.AWAITING_CHAIR)
    )


def _visible_pairs(officers: list[User], requests: QuerySet) -> set[tuple[int, int]]:
    """(officer id, request id) for every request each officer may handle, through
    THE visibility rule (``requests_visible_to``), in one query per 200 officers."""
    pairs: set[tuple[int, int]] = set()
    for batch in batches(officers, DIGEST_OFFICERS_PER_QUERY):
        parts = [
            requests_visible_to(officer, requests, side="officer")
            .order_by()  # a part of a UNION may not be ordered
            .annotate(officer_id=Value(officer.pk))
            .values_list("officer_id", "pk")
            for officer in batch
        ]
        pairs.update(parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])
    return pairs


def officer_digests_queue(*, day: date) -> int:
    """Queue each officer's digest of the welfare requests that need them today.

    Lists, among the requests the officer may handle, the overdue ones, the
    unassigned ones and those waiting for the chair's approval; an officer
    with none gets nothing. Confidential requests go only to those who may
    see them, and the mail names no worker for them. Returns how many were new.
    """
    officers = list(digest_officers())
    _load_permissions(officers)
    officers = [officer for officer in officers if officer.has_perm("welfare.view_welfarerequest")]
    if not officers:
        return 0
    requests = digest_requests(day=day)
    pairs = _visible_pairs(officers, requests)
    officers_of: dict[int, list[int]] = defaultdict(list)
    for officer_id, request_id in pairs:
        officers_of[request_id].append(officer_id)
    details = requests.filter(pk__in=list(officers_of)).select_related("request_type", "member", "assigned_to")
    by_pk = {request.pk: request for request in details.order_by("decision_due", "pk")}
    handled: dict[int, list[WelfareRequest]] = defaultdict(list)
    for request_id, request in by_pk.items():  # in order of the decision due date
        for officer_id in officers_of.get(request_id, ()):
            handled[officer_id].append(request)
    admin_url = settings.SITE_URL + reverse("admin:welfare_welfarerequest_changelist")
    mails = []
    for officer in officers:
        mine = handled.get(officer.pk)
        if not mine:
            continue  # nothing needs this officer today: no mail
        overdue = [r for r in mine if r.is_overdue(day)]
        unassigned = [r for r in mine if r.assigned_to_id is None]
        awaiting_chair = [r for r in mine if r.state == WelfareRequest.State.AWAITING_CHAIR]
        if not (overdue or unassigned or awaiting_chair):
            continue
        mails.append(
            Mail(
                key=f"welfare-digest:{officer.pk}:{day.isoformat()}",
                to_email=officer.email,
                user_id=officer.pk,
                language=officer.language,
                template="welfare-digest",
                context={
                    "name": officer.display_name or officer.email,
                    "day": day,
                    "overdue": overdue,
                    "unassigned": unassigned,
                    "awaiting_chair": awaiting_chair,
                    "admin_url": admin_url,
                },
            )
        )
    return notification_enqueue_many(mails=mails)
