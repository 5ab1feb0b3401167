"""Reads for the worker pages and the check-in page.

Each function runs a fixed number of queries, however many activities and
registrations there are (the query-count tests hold them to it).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.core.paginator import Page, Paginator
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
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, User
from members.scoping import scope_queryset
from members.selectors import ancestor_paths
from members.services import member_from_card_token

from .models import Activity, EligibilityOverride, LotteryDraw, Registration
from .services import CHECK_IN_OPENS_BEFORE, Eligibility, eligibility_check, lottery_verify

R = Registration.Status
# The personal calendar feed keeps activities this long after they end.
FEED_HISTORY = timedelta(days=90)


def activities_visible_to(member: Member) -> QuerySet:
    """Activities a worker may look at: published or cancelled ones run by their
    unit or a unit above it, and any they are signed up for or were let into.
    The list, an activity's pages, "my activities" and the calendars all read
    through it."""
    own = Registration.objects.filter(activity=OuterRef("pk"), member=member)
    excepted = EligibilityOverride.objects.filter(activity=OuterRef("pk"), member=member)
    return Activity.objects.filter(
        Q(status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED])
        & (Q(unit__path__in=[*ancestor_paths(member.unit), member.unit.path]) | Exists(own) | Exists(excepted))
    )


class Availability(NamedTuple):
    """What a card of the list says about taking part."""

    text: str
    status: str = ""  # the worker's registration status, shown as a badge
    open_to_me: bool = True


@dataclass
class ActivityRow:
    """One card of the activity list: the activity, the worker's registration
    and eligibility, and what the card says to the worker about taking part."""

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
            return Availability(" ".join([_("You:"), str(R(status).label)]), status=status)
        if not self.eligibility.eligible:
            return Availability(" ".join([_("Not open to you:"), self.eligibility.reasons[0]]), open_to_me=False)
        if getattr(activity, "drawn", False):
            return Availability(_("Sign-up closed: the places have been drawn"), open_to_me=False)
        if timezone.now() >= activity.signup_closes:
            return Availability(_("Sign-up closed"), open_to_me=False)
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


# What the list and the eligibility rules read of an activity and of its unit:
# the rest stays in the database.
LIST_FIELDS = [
    *["title", "category", "place", "unit", "starts_at", "capacity", "waiting_list", "allocation", "status"],
    "signup_closes_at",
    *["members_only", "gender", "min_age", "max_age", "retired"],
    *["unit__name", "unit__path", "unit__depth", "unit__kind"],
]


def _upcoming(member: Member, *, category: str, now: datetime) -> QuerySet:
    """The published activities ``member`` sees that have not ended, soonest
    first, each with its unit, the member's registration status, whether an
    officer let them in, whether it is restricted to some units and the places
    taken (counted per activity shown, not by joining every registration)."""
    own = Registration.objects.filter(activity=OuterRef("pk"), member=member)
    taken = (
        Registration.objects.filter(activity=OuterRef("pk"), status__in=Registration.PLACE_STATUSES)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    activities = (
        activities_visible_to(member)
        .filter(status=Activity.Status.PUBLISHED, ends_at__gt=now)
        .select_related("unit")
        .only(*LIST_FIELDS)
        .annotate(
            registration_status=Subquery(own.values("status")[:1]),
            overridden=Exists(EligibilityOverride.objects.filter(activity=OuterRef("pk"), member=member)),
            restricted=Exists(Activity.eligible_units.through.objects.filter(activity=OuterRef("pk"))),
            places_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0)),
            drawn=Exists(LotteryDraw.objects.filter(activity=OuterRef("pk"))),
        )
        .order_by("starts_at", "id")
    )
    return activities.filter(category=category) if category else activities


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

    Paged in the database (a count and the page's rows); a third query reads
    the units an activity is restricted to, if any row shown has some. "For me"
    is the eligibility rules' answer, worked out per activity in Python: that
    list is read whole and paged after.
    """
    activities = _upcoming(member, category=category, now=now or timezone.now())
    if for_me:
        rows = [row for row in _rows(list(activities), member) if row.is_for_me]
        return Paginator(rows, per_page).get_page(number)
    page = Paginator(activities, per_page).get_page(number)
    page.object_list = _rows(list(page.object_list), member)
    return page


def _rows(activities: list[Activity], member: Member) -> list[ActivityRow]:
    """Rows for ``activities`` as annotated by ``_upcoming``: one query at most."""
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


def _own_registrations(member: Member) -> QuerySet:
    """The member's registrations for the activities they may see."""
    return Registration.objects.filter(member=member, activity__in=activities_visible_to(member))


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
    registrations = with_queue_position(_own_registrations(member).select_related("activity__unit", "rating")).order_by(
        "activity__starts_at", "id"
    )
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
        with_queue_position(_own_registrations(member).filter(pk=pk)).select_related("activity__unit", "rating").first()
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
        _own_registrations(member)
        .filter(activity__ends_at__gte=since)
        .exclude(status=R.NOT_DRAWN)
        .exclude(status=R.CANCELLED, activity__status=Activity.Status.PUBLISHED)
        .select_related("activity__unit")
        .order_by("activity__starts_at", "id")
    )


# --- The check-in screen at the door -------------------------------------------------

# What a scanned member card's QR code holds: the card page's address, ending in the signed token.
CARD_ADDRESS = re.compile(r"/card/scan/(?P<token>[^/?#\s]+)/?")


@dataclass(frozen=True)
class DoorLookup:
    """Who a typed or scanned card belongs to, and their registration for this activity (if any)."""

    text: str
    member: Member | None
    registration: Registration | None


def door_lookup(*, activity: Activity, officer: User, text: str) -> DoorLookup:
    """Find the card's member: a membership number typed at the door, or the card's scanned address.

    An officer learns who a card belongs to only when the member is registered
    for this activity or belongs to the officer's part of the tree.
    """
    text = (text or "").strip()[:300]
    match = CARD_ADDRESS.search(text)
    if match:
        member = member_from_card_token(match.group("token"))
    elif text:
        number = "".join(text.split()).upper()
        member = Member.objects.select_related("unit").filter(membership_number=number).first()
    else:
        member = None
    if member is None:
        return DoorLookup(text, None, None)
    registration = (
        with_queue_position(Registration.objects.filter(activity=activity, member=member))
        .select_related("member__unit", "activity")
        .first()
    )
    if registration is None and not scope_queryset(Member.objects.filter(pk=member.pk), officer, "unit").exists():
        member = None
    return DoorLookup(text, member, registration)


def door_counts(activity: Activity) -> dict[str, int]:
    """Expected (everyone holding a place), checked in and waiting: one query."""
    return Registration.objects.filter(activity=activity).aggregate(
        expected=Count("pk", filter=Q(status__in=[R.CONFIRMED, R.ATTENDED])),
        checked_in=Count("pk", filter=Q(status=R.ATTENDED)),
        waiting=Count("pk", filter=Q(status=R.WAITING)),
    )


def door_recent(activity: Activity, *, limit: int = 8) -> list[Registration]:
    """The latest check-ins, newest first, each with its undo button."""
    return list(
        Registration.objects.filter(activity=activity, status=R.ATTENDED)
        .select_related("member__unit")
        .order_by("-checked_in_at", "-id")[:limit]
    )


@dataclass
class PublishedDraw:
    """A lottery's draw as every entrant may see it: the seed, each entry's draw number (the
    registration's number, no name), earlier places, rank and outcome, and whether re-running
    it from the seed gives the same order."""

    draw: LotteryDraw
    rows: list[dict]
    mine: dict | None
    verified: bool


def published_draw(*, activity: Activity, member: Member) -> PublishedDraw | None:
    if not activity.is_lottery:
        return None
    draw = LotteryDraw.objects.filter(activity=activity).first()
    if draw is None:
        return None
    own = set(Registration.objects.filter(activity=activity, member=member).values_list("pk", flat=True))
    rows = [
        {
            "rank": row["rank"],
            "number": row["registration"],
            "prior_places": row["prior_places"],
            "outcome": R(row["outcome"]).label,
            "won": row["rank"] <= draw.places,
            "mine": row["registration"] in own,
        }
        for row in sorted(draw.result, key=lambda row: row["rank"])
    ]
    mine = next((row for row in rows if row["mine"]), None)
    return PublishedDraw(draw=draw, rows=rows, mine=mine, verified=lottery_verify(draw=draw))


def quiet_members(user, *, since: datetime) -> QuerySet:
    """Active members of ``user``'s part of the union who attended no activity since ``since``
    (the outreach list), each with ``last_took_part``: when they last did, or None.

    "Attended nothing since" is an anti-join (NOT EXISTS); the last attendance is a
    subquery read only for the rows listed."""
    attended = Registration.objects.filter(member=OuterRef("pk"), status=Registration.Status.ATTENDED)
    return (
        scope_queryset(Member.objects.filter(status=Member.Status.ACTIVE), user)
        .filter(~Exists(attended.filter(activity__starts_at__gte=since)))
        .annotate(last_took_part=Subquery(attended.order_by("-activity__starts_at").values("activity__starts_at")[:1]))
    )


def activities_to_invite_to(user, *, now: datetime | None = None) -> QuerySet:
    """Published activities still to come that ``user`` runs: what a quiet member can be invited to."""
    now = now or timezone.now()
    return scope_queryset(Activity.objects.filter(status=Activity.Status.PUBLISHED, starts_at__gt=now), user).order_by(
        "starts_at", "pk"
    )
