"""Reads of the care area, starting with THE rule of who may see a care case.

``cases_visible_to`` is the one place that rule lives: the worker's page, the
admin (changelist, change page, counts, actions), the dashboard, the digest,
the reminders and the services' permission checks all go through it.
"""

from django.db.models import Q, QuerySet

from members.models import Member, User
from members.scoping import Side, unit_scope_q, visible_by_side

from .models import VIEW_CONFIDENTIAL, CareCase

# A case is confidential on its own, or because the welfare request it came from is.
CONFIDENTIAL_Q = Q(confidential=True) | Q(welfare_request__sensitivity="confidential")


def _officer_q(user) -> Q | None:
    """Cases a (non-superuser) officer handles: the unit and below, never their own, and a
    confidential case only when assigned to them or when they may see confidential cases."""
    if not user.is_staff or not user.has_perm("care.view_carecase"):
        return None
    q = unit_scope_q(user, "member__unit", CareCase) & ~Q(member__in=Member.objects.filter(user=user))
    if not user.has_perm(VIEW_CONFIDENTIAL):
        q &= ~CONFIDENTIAL_Q | Q(assigned_to=user)
    return q


def cases_visible_to(user, queryset: QuerySet | None = None, *, side: Side = "any") -> QuerySet:
    """The cases ``user`` may see: about them (``side="worker"``), those they handle
    (``side="officer"``), or either. Everyone else gets an empty queryset, hence 404."""
    queryset = CareCase.objects.all() if queryset is None else queryset
    return visible_by_side(queryset, user, side=side, officer_q=_officer_q)


def case_handled_by(user, case: CareCase) -> bool:
    return cases_visible_to(user, side="officer").filter(pk=case.pk).exists()


def worker_cases(user) -> QuerySet:
    """The worker's "visits for me" list: one query however long."""
    return cases_visible_to(user, side="worker").select_related("assigned_to").order_by("-opened_on", "-id")


def colleagues_of(member: Member) -> QuerySet:
    """Whom a worker may report for a visit: active members of their own unit."""
    return (
        Member.objects.filter(unit_id=member.unit_id, status=Member.Status.ACTIVE)
        .exclude(pk=member.pk)
        .only("pk", "name")
        .order_by("name", "pk")
    )


def officers_for(case: CareCase) -> QuerySet:
    """Officers a case may be assigned to: staff with the care permission over the worker's unit."""
    unit = case.member.unit
    step = unit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    perm = Q(groups__permissions__codename="change_carecase") | Q(user_permissions__codename="change_carecase")
    officers = User.objects.filter(is_active=True, is_staff=True).filter(
        Q(is_superuser=True) | (Q(officer_unit__path__in=paths) & perm)
    )
    if case.member.user_id:
        officers = officers.exclude(pk=case.member.user_id)
    return User.objects.filter(pk__in=officers.values("pk")).order_by("display_name", "email")
