"""Reads of the notice board, starting with THE rule of who may see a notice.

``notices_visible_to`` is used by the board, the notice page, the objection
service and the counts alike; the officers' side is ``objections_for_officer``.
"""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from members.scoping import scope_queryset
from members.selectors import member_for_user

from .models import GrantNotice, Objection

# How long a notice stays on the board after its period, marked as ended.
SHOWN_AFTER_DAYS = 30


def notices_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Notices an active member may read: published, of their unit or a unit below it (so members
    of the unit and of the units above see a grant), never of a case made confidential since."""
    queryset = GrantNotice.objects.all() if queryset is None else queryset
    member = member_for_user(user)
    if member is None or not member.is_active_member or not user.is_active:
        return queryset.none()
    today = timezone.localdate()
    return queryset.filter(
        unit__path__startswith=member.unit.path,
        starts_on__lte=today,
        ends_on__gte=today - timedelta(days=SHOWN_AFTER_DAYS),
        request__sensitivity="normal",
    )


def board(user) -> QuerySet:
    """The board, current notices first, with whether the reader objected: one query."""
    member = member_for_user(user)
    mine = Objection.objects.filter(notice=OuterRef("pk"), member_id=member.pk if member else None)
    return notices_visible_to(user).select_related("unit").annotate(objected=Exists(mine)).order_by("-ends_on", "-id")


def objections_for_officer(user, queryset: QuerySet | None = None) -> QuerySet:
    """Objections to notices of the officer's units."""
    queryset = Objection.objects.all() if queryset is None else queryset
    if not getattr(user, "is_staff", False) or not user.has_perm("notices.view_objection"):
        return queryset.none()
    return scope_queryset(queryset, user, "notice__unit")


def notices_for_officer(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = GrantNotice.objects.all() if queryset is None else queryset
    if not getattr(user, "is_staff", False) or not user.has_perm("notices.view_grantnotice"):
        return queryset.none()
    return scope_queryset(queryset, user).annotate(
        pending=Count("objections", filter=Q(objections__state=Objection.State.PENDING))
    )
