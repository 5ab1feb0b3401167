"""Reads for the worker pages and the check-in page.

Each function runs a fixed number of queries, however many activities and
registrations there are (the query-count tests hold them to it).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import Member, OrgUnit, User
from members.scoping import scope_queryset

from .models import Activity, EligibilityOverride, Registration
from .services import CHECK_IN_OPENS_BEFORE, Eligibility, eligibility_check

R = Registration.Status
# The personal calendar feed keeps activities this long after they end.
FEED_HISTORY = timedelta(days=90)


def ancestor_paths(unit: OrgUnit) -> list[str]:
    """Paths of ``unit`` and every unit above it (the tree stores them as prefixes)."""
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


def activities_visible_to(member: Member) -> QuerySet:
    """Activities a worker may look at: published or cancelled ones run by their
    unit or a unit above it, and any they are signed up for or were let into."""
    own = Registration.objects.filter(activity=OuterRef("pk"), member=member)
    excepted = EligibilityOverride.objects.filter(activity=OuterRef("pk"), member=member)
    return Activity.objects.filter(status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED]).filter(
        Q(unit__path__in=ancestor_paths(member.unit)) | Exists(own) | Exists(excepted)
    )


@dataclass
class ActivityRow:
    activity: Activity
    registration: Registration | None
    eligibility: Eligibility

    @property
    def is_for_me(self) -> bool:
        active = self.registration is not None and self.registration.status in Registration.ACTIVE_STATUSES
        return active or self.eligibility.eligible


def activity_rows(*, member: Member, category: str = "", for_me: bool = False, now: datetime | None = None):
    """The upcoming activities a worker sees, each with their registration and eligibility."""
    now = now or timezone.now()
    activities = (
        activities_visible_to(member)
        .published()
        .filter(ends_at__gt=now)
        .with_counts()
        .select_related("unit")
        .prefetch_related("eligible_units")
        .order_by("starts_at", "id")
    )
    if category:
        activities = activities.filter(category=category)
    activities = list(activities)
    ids = [activity.pk for activity in activities]
    registrations = {r.activity_id: r for r in Registration.objects.filter(member=member, activity_id__in=ids)}
    overridden = set(
        EligibilityOverride.objects.filter(member=member, activity_id__in=ids).values_list("activity_id", flat=True)
    )
    rows = [
        ActivityRow(
            activity=activity,
            registration=registrations.get(activity.pk),
            eligibility=eligibility_check(activity=activity, member=member, overridden=activity.pk in overridden),
        )
        for activity in activities
    ]
    if for_me:
        rows = [row for row in rows if row.is_for_me]
    return rows


def with_queue_position(registrations: QuerySet) -> QuerySet:
    """Annotate ``queue_position``: 1 for the first on the waiting list, and so on."""
    ahead = (
        Registration.objects.filter(activity=OuterRef("activity"), status=R.WAITING, position__lt=OuterRef("position"))
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return registrations.annotate(queue_position=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1)


def my_activities(*, member: Member, now: datetime | None = None) -> dict[str, list[Registration]]:
    """The worker's registrations in three lists: upcoming, waiting and past."""
    now = now or timezone.now()
    registrations = with_queue_position(
        Registration.objects.filter(member=member).select_related("activity__unit", "rating")
    ).order_by("activity__starts_at", "id")
    upcoming, waiting, past = [], [], []
    for registration in registrations:
        activity = registration.activity
        withdrawn = registration.status == R.CANCELLED and activity.status != Activity.Status.CANCELLED
        if withdrawn:
            continue  # the worker's own cancellation: nothing left to show
        if not activity.has_ended(now):
            (waiting if registration.status == R.WAITING else upcoming).append(registration)
        elif registration.status in Registration.PLACE_STATUSES:
            past.append(registration)
    past.reverse()  # most recent first
    return {"upcoming": upcoming, "waiting": waiting, "past": past}


def registration_of_member(*, member: Member, pk: int) -> Registration | None:
    return (
        with_queue_position(Registration.objects.filter(member=member, pk=pk))
        .select_related("activity__unit", "rating")
        .first()
    )


def check_in_choices(*, officer: User, member: Member, now: datetime | None = None) -> list[Registration]:
    """The member's registrations for activities of the officer's part of the
    tree that are open for check-in now (from shortly before the start to
    the end of the day)."""
    now = now or timezone.now()
    registrations = Registration.objects.filter(
        member=member,
        activity__status=Activity.Status.PUBLISHED,
        activity__starts_at__lte=now + CHECK_IN_OPENS_BEFORE,
        activity__ends_at__gte=now - timedelta(hours=12),
    ).exclude(status__in=[R.CANCELLED, R.NOT_DRAWN])
    registrations = scope_queryset(registrations, officer, "activity__unit")
    return list(registrations.select_related("activity").order_by("activity__starts_at", "id"))


def feed_registrations(*, member: Member, now: datetime | None = None) -> QuerySet:
    """What goes into the member's calendar feed: places, waiting-list places
    and draws, and activities that were cancelled (so calendars drop them)."""
    since = (now or timezone.now()) - FEED_HISTORY
    return (
        Registration.objects.filter(member=member, activity__ends_at__gte=since)
        .exclude(status=R.NOT_DRAWN)
        .exclude(status=R.CANCELLED, activity__status=Activity.Status.PUBLISHED)
        .select_related("activity__unit")
        .order_by("activity__starts_at", "id")
    )
