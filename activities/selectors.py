"""Reads for the worker pages and the check-in page.

Each function runs a fixed number of queries, however many activities and
registrations there are (the query-count tests hold them to it).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, OrgUnit, User
from members.scoping import scope_queryset
from unionportal.choices import choice_label

from .models import Activity, EligibilityOverride, Registration
from .services import CHECK_IN_OPENS_BEFORE, Eligibility, eligibility_check

R = Registration.Status
# The personal calendar feed keeps activities this long after they end.
FEED_HISTORY = timedelta(days=90)


def ancestor_paths(unit: OrgUnit) -> list[str]:
    """Paths of ``unit`` and every unit above it (the tree stores them as prefixes)."""
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


def _visible(member: Member, *, registered: Exists | RawSQL, excepted: Exists | RawSQL) -> Q:
    """Who sees what: published or cancelled activities run by the member's unit
    or a unit above it, and any they are signed up for (``registered``) or
    were let into (``excepted``)."""
    return Q(status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED]) & (
        Q(unit__path__in=ancestor_paths(member.unit)) | registered | excepted
    )


def activities_visible_to(member: Member) -> QuerySet:
    """Activities a worker may look at: published or cancelled ones run by their
    unit or a unit above it, and any they are signed up for or were let into."""
    own = Registration.objects.filter(activity=OuterRef("pk"), member=member)
    excepted = EligibilityOverride.objects.filter(activity=OuterRef("pk"), member=member)
    return Activity.objects.filter(_visible(member, registered=Exists(own), excepted=Exists(excepted)))


class Availability(NamedTuple):
    """What a card of the list says about taking part."""

    text: str
    status: str = ""  # the worker's registration status, shown as a badge
    open_to_me: bool = True


@dataclass
class ActivityRow:
    """One card of the activity list: the activity (its part of the card is
    the activity_card tag's), the worker's registration and eligibility.

    Whether the worker can take part is worked out here rather than in the
    template, which takes several times longer to pick the sentence.
    """

    activity: Activity
    registration_status: str | None
    eligibility: Eligibility

    @property
    def is_for_me(self) -> bool:
        return self.registration_status in Registration.ACTIVE_STATUSES or self.eligibility.eligible

    @property
    def availability(self) -> Availability:
        activity, status = self.activity, self.registration_status
        if status and status != R.CANCELLED:
            return Availability(" ".join([_("You:"), choice_label(R, status)]), status=status)
        if not self.eligibility.eligible:
            return Availability(" ".join([_("Not open to you:"), self.eligibility.reasons[0]]), open_to_me=False)
        if activity.is_lottery:
            text = ngettext(
                "%(places)s place, drawn by lot when sign-up closes",
                "%(places)s places, drawn by lot when sign-up closes",
                activity.capacity,
            ) % {"places": activity.capacity}
        elif left := activity.places_left:
            text = ngettext("%(left)s of %(capacity)s places left", "%(left)s of %(capacity)s places left", left) % {
                "left": left,
                "capacity": activity.capacity,
            }
        elif activity.waiting_list:
            text = _("Full — you can join the waiting list")
        else:
            text = _("Full")
        return Availability(text)


# The list's per-activity facts, as subqueries on the activity's row written out:
# built with Subquery/Exists, these cost the ORM more time to assemble and
# compile than the database takes to run the query (measured on the bench).
_TABLES = {
    "activity": Activity._meta.db_table,
    "registration": Registration._meta.db_table,
    "override": EligibilityOverride._meta.db_table,
    "units": Activity.eligible_units.through._meta.db_table,
}


def _on_activity(sql: str, params: list, output_field) -> RawSQL:
    return RawSQL(sql.format(**_TABLES), params, output_field=output_field)


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _registration_status(member: Member) -> RawSQL:
    # At most one row: one registration per member and activity.
    return _on_activity(
        "SELECT r.status FROM {registration} r WHERE r.activity_id = {activity}.id AND r.member_id = %s",
        [member.pk],
        CharField(),
    )


def _overridden(member: Member) -> RawSQL:
    return _on_activity(
        "EXISTS (SELECT 1 FROM {override} o WHERE o.activity_id = {activity}.id AND o.member_id = %s)",
        [member.pk],
        BooleanField(),
    )


def _signed_up(member: Member) -> RawSQL:
    # Not correlated: the database reads the member's few registrations once.
    return _on_activity(
        "{activity}.id IN (SELECT r.activity_id FROM {registration} r WHERE r.member_id = %s)",
        [member.pk],
        BooleanField(),
    )


def _excepted(member: Member) -> RawSQL:
    return _on_activity(
        "{activity}.id IN (SELECT o.activity_id FROM {override} o WHERE o.member_id = %s)", [member.pk], BooleanField()
    )


def _restricted() -> RawSQL:
    return _on_activity("EXISTS (SELECT 1 FROM {units} u WHERE u.activity_id = {activity}.id)", [], BooleanField())


def _registration_count(statuses) -> RawSQL:
    # Counted per activity shown, not by joining every registration of every activity.
    return _on_activity(
        "SELECT COUNT(*) FROM {registration} r WHERE r.activity_id = {activity}.id"
        f" AND r.status IN ({_placeholders(statuses)})",
        list(statuses),
        IntegerField(),
    )


# What the list and the eligibility rules read: the rest stays in the database.
LIST_FIELDS = [
    *["title", "category", "place", "unit", "starts_at", "capacity", "waiting_list", "allocation", "status"],
    *["members_only", "gender", "min_age", "max_age", "retired"],
    *["unit__name", "unit__path", "unit__depth", "unit__kind"],
]


def activity_page(
    *,
    member: Member,
    category: str = "",
    for_me: bool = False,
    number=None,
    per_page: int = 20,
    now: datetime | None = None,
) -> Page:
    """One page of the upcoming activities a worker sees, each row with the
    worker's registration status, their eligibility and the places taken.

    One query reads the activities with all of that but the units an activity
    is restricted to; a second reads those units, if any row shown has some.
    """
    now = now or timezone.now()
    activities = (
        Activity.objects.published()
        .filter(ends_at__gt=now)
        .annotate(
            registration_status=_registration_status(member),
            overridden=_overridden(member),
            restricted=_restricted(),
            places_taken=_registration_count(Registration.PLACE_STATUSES),
        )
        .filter(_visible(member, registered=_signed_up(member), excepted=_excepted(member)))
        .select_related("unit")
        .only(*LIST_FIELDS)
        .order_by("starts_at", "id")
    )
    if category:
        activities = activities.filter(category=category)
    activities = list(activities)
    if for_me:
        rows = [row for row in _rows(activities, member) if row.is_for_me]
        return Paginator(rows, per_page).get_page(number)
    page = Paginator(activities, per_page).get_page(number)
    page.object_list = _rows(list(page.object_list), member)
    return page


def _rows(activities: list[Activity], member: Member) -> list[ActivityRow]:
    """Rows for ``activities`` as annotated by ``activity_page``: one query at most."""
    # A plain list per activity: the prefetch cache of the manager costs a queryset per activity.
    prefetch_related_objects(
        [activity for activity in activities if activity.restricted],
        Prefetch("eligible_units", to_attr="eligible_unit_list"),
    )
    return [
        ActivityRow(
            activity=activity,
            registration_status=activity.registration_status,
            eligibility=eligibility_check(
                activity=activity,
                member=member,
                overridden=activity.overridden,
                eligible_units=getattr(activity, "eligible_unit_list", []),
            ),
        )
        for activity in activities
    ]


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
