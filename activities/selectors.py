"""Reads for the worker pages and the check-in page.

Each function runs a fixed number of queries, however many activities and
registrations there are (the query-count tests hold them to it).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
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


# The list's query, written out: built with Subquery/Exists and the ORM's
# filters, it cost more time to assemble and compile on every request than the
# database takes to run it (measured on the bench). The text depends only on
# the number of units above the member and on whether a category is chosen, so
# it is written once per such shape and kept; every value is a parameter.
_TABLES = {
    "activity": Activity._meta.db_table,
    "unit": OrgUnit._meta.db_table,
    "registration": Registration._meta.db_table,
    "override": EligibilityOverride._meta.db_table,
    "units": Activity.eligible_units.through._meta.db_table,
}

# What the list and the eligibility rules read of an activity and of its unit:
# the rest stays in the database.
LIST_FIELDS = [
    *["title", "category", "place", "unit", "starts_at", "capacity", "waiting_list", "allocation", "status"],
    *["members_only", "gender", "min_age", "max_age", "retired"],
]
# In the order of the model's fields, as Model.from_db takes them.
LIST_UNIT_FIELDS = [
    f.attname for f in OrgUnit._meta.concrete_fields if f.attname in ("id", "name", "path", "depth", "kind")
]

# Per activity, on its row: the member's registration (at most one), an
# officer's exception for them, whether it is restricted to some units, and
# the places taken (counted per activity shown, not by joining every
# registration of every activity).
_FACTS = (
    "(SELECT r.status FROM {registration} r WHERE r.activity_id = a.id AND r.member_id = %(member)s)"
    " AS registration_status,"
    " EXISTS (SELECT 1 FROM {override} o WHERE o.activity_id = a.id AND o.member_id = %(member)s) AS overridden,"
    " EXISTS (SELECT 1 FROM {units} eu WHERE eu.activity_id = a.id) AS restricted,"
    " (SELECT COUNT(*) FROM {registration} r WHERE r.activity_id = a.id AND r.status IN ({place_statuses}))"
    " AS places_taken"
)
# Seen by the member: run by their unit or a unit above it, or one they signed
# up for or were let into elsewhere (not correlated: the database reads the
# member's few registrations and exceptions once).
_SEEN = (
    "(u.path IN ({paths})"
    " OR a.id IN (SELECT r.activity_id FROM {registration} r WHERE r.member_id = %(member)s)"
    " OR a.id IN (SELECT o.activity_id FROM {override} o WHERE o.member_id = %(member)s))"
)


def _named(prefix: str, count: int) -> str:
    return ", ".join(f"%({prefix}{i})s" for i in range(count))


@lru_cache(maxsize=64)
def _upcoming_sql(paths: int, category: bool) -> str:
    columns = ", ".join(f"a.{Activity._meta.get_field(name).column}" for name in ["id", *LIST_FIELDS])
    unit_columns = ", ".join(f"u.{OrgUnit._meta.get_field(name).column} AS unit_{name}" for name in LIST_UNIT_FIELDS)
    sql = (
        f"SELECT {columns}, {unit_columns}, {_FACTS}"
        " FROM {activity} a INNER JOIN {unit} u ON a.unit_id = u.id"
        f" WHERE a.status = %(published)s AND a.ends_at > %(now)s AND {_SEEN}"
        + (" AND a.category = %(category)s" if category else "")
        + " ORDER BY a.starts_at, a.id"
    )
    return sql.format(
        **_TABLES, paths=_named("path", paths), place_statuses=_named("place", len(Registration.PLACE_STATUSES))
    )


def _upcoming(member: Member, *, category: str, now: datetime) -> list[Activity]:
    """The published activities ``member`` sees that have not ended, soonest
    first, each with its unit and the facts above: one query."""
    paths = ancestor_paths(member.unit)
    ops = connections[Activity.objects.db].ops  # a raw query's values are not prepared by fields
    params = {"member": member.pk, "published": Activity.Status.PUBLISHED, "category": category}
    params["now"] = ops.adapt_datetimefield_value(now)
    params |= {f"path{i}": path for i, path in enumerate(paths)}
    params |= {f"place{i}": status for i, status in enumerate(Registration.PLACE_STATUSES)}
    activities = list(Activity.objects.raw(_upcoming_sql(len(paths), bool(category)), params))
    for activity in activities:
        # The unit as select_related().only() loads it.
        values = [getattr(activity, f"unit_{name}") for name in LIST_UNIT_FIELDS]
        activity.unit = OrgUnit.from_db(Activity.objects.db, LIST_UNIT_FIELDS, values)
    return activities


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
    activities = _upcoming(member, category=category, now=now or timezone.now())
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
