"""Reads shared by the worker pages of every area: the signed-in worker's own
member profile and the units above a unit; and who sees a membership transfer."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from .models import Member, MembershipTransfer, OrgUnit
from .scoping import unit_scope_q


def member_for_user(user) -> Member | None:
    """The member profile of ``user`` (one per account) with its unit and its
    union, or ``None``: one query, then cached on the user object for the rest
    of the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user._member_profile
    except AttributeError:
        pass
    try:
        member = Member.objects.select_related("unit", "union").get(user=user)
    except Member.DoesNotExist:
        member = None
    else:
        member.user = user  # loaded already: not joined again
    user._member_profile = member
    return member


def dues_summary(member: Member) -> dict:
    """What ``member`` has paid and still owes, over every month on record (one query)."""
    paid, owed = Q(paid_on__isnull=False), Q(paid_on__isnull=True)
    return member.dues.aggregate(
        paid_months=Count("pk", filter=paid),
        paid_total=Sum("amount", filter=paid, default=Decimal(0)),
        owed_months=Count("pk", filter=owed),
        owed_total=Sum("amount", filter=owed, default=Decimal(0)),
    )


def ancestor_paths(unit: OrgUnit) -> list[str]:
    """Paths of the units above ``unit``: prefixes of its materialised path, no query."""
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path), step)]


def transfers_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Transfers an officer sees: those out of their part of the tree (the history they
    recorded stays theirs after the member has gone) and those into it (to decide, and after)."""
    queryset = MembershipTransfer.objects.all() if queryset is None else queryset
    out_of = unit_scope_q(user, "from_unit", MembershipTransfer)
    if out_of is None:  # a superuser
        return queryset
    return queryset.filter(out_of | unit_scope_q(user, "to_union") | unit_scope_q(user, "to_unit"))


def pending_transfer_of(member: Member) -> MembershipTransfer | None:
    return member.transfers.filter(state=MembershipTransfer.State.PENDING).select_related("to_union").first()


def last_outreach_contacts(member_ids) -> dict:
    """The latest follow-up of each of these members (one query), by member id."""
    from .models import OutreachContact

    found = {}
    for contact in OutreachContact.objects.filter(member_id__in=list(member_ids)).select_related("by").order_by("-at"):
        found.setdefault(contact.member_id, contact)
    return found


def outreach_contacts_of(member: Member) -> list:
    return list(member.outreach_contacts.select_related("by").order_by("-at")[:20])


def unit_labels(queryset: QuerySet | None = None) -> dict[int, str]:
    """Each unit's name with the units above it ("甲厂工会 / 一车间"), in tree order, from one query.

    The federation at the top is left out of the names below it: every unit has it.
    """
    rows = (queryset if queryset is not None else OrgUnit.objects.all()).order_by("path")
    names: dict[str, str] = {}
    labels: dict[int, str] = {}
    step = OrgUnit.steplen
    for pk, path, name, depth in rows.values_list("pk", "path", "name", "depth"):
        names[path] = name
        above = [names.get(path[:i]) for i in range(2 * step, len(path), step)]
        labels[pk] = " / ".join([n for n in above if n] + [name]) if depth > 1 else name
    return labels
