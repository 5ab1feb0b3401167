"""Scheduled reminders: who gets which mail on which day.

Each job selects its recipients with one query, builds one ``Mail`` per
recipient and saves them in batches with ``notification_enqueue_many``; the
number of queries grows with the number of batches, never per recipient.
Each mail's key is (rule, recipient, reference date), so a job that runs
twice, two beats, or a retried task write it only once.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from itertools import islice

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value
from django.urls import reverse

from activities.models import Activity, Registration
from members.models import DuesRecord, Member, User
from welfare.models import WelfareRequest
from welfare.selectors import requests_visible_to

from .models import Notification
from .services import Mail, notification_enqueue_many, unsubscribe_urls_for

# Recipients rendered and saved together: bounds memory, not correctness.
BATCH_SIZE = 1000
# A dues reminder lists the unpaid months among this many recent ones.
DUES_LOOKBACK_MONTHS = 3


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _with_address(members: QuerySet) -> QuerySet:
    # Mirrors Member.contact_email: the account's address, else the profile's.
    return members.filter(Q(user__email__gt="") | Q(email__gt="")).select_related("user")


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


# --- Birthday greetings --------------------------------------------------------


def birthday_for(member: Member, year: int) -> date:
    """This year's birthday; 29 February is greeted on the 28th in common years."""
    born = member.date_of_birth
    if (born.month, born.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return born.replace(year=year)


def birthday_members(*, day: date) -> QuerySet:
    """Active members who want optional mail, have an address and a birthday on ``day``."""
    born_today = Q(date_of_birth__month=day.month, date_of_birth__day=day.day)
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        born_today |= Q(date_of_birth__month=2, date_of_birth__day=29)
    members = Member.objects.filter(born_today, status=Member.Status.ACTIVE, wants_optional_mail=True)
    return _with_address(members).order_by("pk")


# What a greeting needs of a member (a member row has many more columns).
GREETING_FIELDS = ("name", "email", "language", "user_id", "user__email")


def birthday_greetings_queue(*, day: date) -> int:
    """Queue a birthday greeting for each member whose birthday is ``day``. Returns how many were new."""
    queued = 0
    members = birthday_members(day=day).only(*GREETING_FIELDS)
    for batch in _batches(members.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        unsubscribe_urls = unsubscribe_urls_for(members=batch)
        mails = [
            Mail(
                key=f"birthday:{member.pk}:{day.isoformat()}",
                to_email=member.contact_email,
                user_id=member.user_id,
                language=member.language,
                template="birthday-greeting",
                context={"name": member.name},
                unsubscribe_url=unsubscribe_urls[member.pk],
            )
            for member in batch
        ]
        queued += notification_enqueue_many(mails=mails)
    return queued


# --- Dues reminders ------------------------------------------------------------


def dues_reference_month(*, day: date) -> date:
    """The month a reminder sent on ``day`` is about: the previous one."""
    return _month_start(day, 1)


def dues_members(*, day: date) -> QuerySet:
    """Active members (members before the reference month ended) with no dues record for it."""
    month = dues_reference_month(day=day)
    paid = DuesRecord.objects.filter(member=OuterRef("pk"), period=month)
    members = Member.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lt=_month_start(day)),
        status=Member.Status.ACTIVE,
        wants_optional_mail=True,
    ).filter(~Exists(paid))
    return _with_address(members).order_by("pk")


def _unpaid_months(member: Member, paid: set[date], *, month: date) -> list[date]:
    first = _month_start(month, DUES_LOOKBACK_MONTHS - 1)
    if member.joined_on:
        first = max(first, _month_start(member.joined_on))
    months = [_month_start(month, back) for back in range(DUES_LOOKBACK_MONTHS)]
    return sorted(m for m in months if m >= first and m not in paid)


def dues_reminders_queue(*, day: date) -> int:
    """Queue a reminder for each active member without a dues record for last month.

    The mail lists every unpaid month among the last three (since joining).
    Returns how many were new.
    """
    month = dues_reference_month(day=day)
    window_start = _month_start(month, DUES_LOOKBACK_MONTHS - 1)
    profile_url = settings.SITE_URL + reverse("members:profile")
    queued = 0
    for batch in _batches(dues_members(day=day).iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        unsubscribe_urls = unsubscribe_urls_for(members=batch)
        paid: dict[int, set[date]] = defaultdict(set)
        records = DuesRecord.objects.filter(
            member_id__in=[member.pk for member in batch], period__gte=window_start, period__lte=month
        ).values_list("member_id", "period")
        for member_id, period in records:
            paid[member_id].add(period)
        mails = [
            Mail(
                key=f"dues:{member.pk}:{month:%Y-%m}",
                to_email=member.contact_email,
                user_id=member.user_id,
                language=member.language,
                template="dues-reminder",
                context={
                    "name": member.name,
                    "months": _unpaid_months(member, paid[member.pk], month=month),
                    "profile_url": profile_url,
                },
                unsubscribe_url=unsubscribe_urls[member.pk],
            )
            for member in batch
        ]
        queued += notification_enqueue_many(mails=mails)
    return queued


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
    for batch in _batches(officers, DIGEST_OFFICERS_PER_QUERY):
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


# --- Activity reminders ----------------------------------------------------------

ACTIVITY_REMINDER = "activity-reminder"


def activity_reminders_due(*, now: datetime) -> QuerySet:
    """Confirmed places in published activities whose reminder time (start − the
    activity's lead time) has come and whose start has not, with an address."""
    starts, lead = F("activity__starts_at"), F("activity__reminder_lead")
    remind_from = ExpressionWrapper(starts - lead, output_field=DateTimeField())
    registrations = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            activity__status=Activity.Status.PUBLISHED,
            activity__starts_at__gt=now,
        )
        .alias(remind_from=remind_from)
        .filter(remind_from__lte=now)
        .filter(Q(member__user__email__gt="") | Q(member__email__gt=""))
    )
    return registrations.select_related("activity__unit", "member__user").order_by("pk")


def activity_reminder_key(registration: Registration) -> str:
    """(rule, registration, start time): an activity that moves gets a reminder
    for its new time, and the reminder for its old time is never made."""
    starts = registration.activity.starts_at.astimezone(UTC)
    return f"{ACTIVITY_REMINDER}:{registration.pk}:{starts:%Y-%m-%dT%H:%M:%SZ}"


def _activity_reminder(registration: Registration) -> Mail:
    activity, member = registration.activity, registration.member
    return Mail(
        key=activity_reminder_key(registration),
        to_email=member.contact_email,
        user_id=member.user_id,
        language=member.language,
        template="activity-reminder",
        context={
            "name": member.name,
            "title": activity.title,
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "place": activity.place,
            "unit": activity.unit.name,
            "activity_url": settings.SITE_URL + reverse("activities:detail", args=[activity.pk]),
            "registration_url": settings.SITE_URL + reverse("activities:registration", args=[registration.pk]),
            "calendar_url": settings.SITE_URL + reverse("activities:calendar", args=[activity.pk]),
        },
    )


def activity_reminders_drop_stale() -> int:
    """Skip reminders still waiting in the outbox (broker or mail server down)
    that no longer hold: the activity moved, was cancelled, or the place was
    given up. Three queries whatever their number. Returns how many."""
    pending = dict(
        Notification.objects.filter(
            status=Notification.Status.PENDING, key__startswith=f"{ACTIVITY_REMINDER}:"
        ).values_list("key", "pk")
    )
    if not pending:
        return 0
    registration_ids = {int(key.split(":")[1]) for key in pending}
    current = Registration.objects.filter(
        pk__in=registration_ids, status=Registration.Status.CONFIRMED, activity__status=Activity.Status.PUBLISHED
    ).select_related("activity")
    still_valid = {activity_reminder_key(registration) for registration in current}
    stale = [pk for key, pk in pending.items() if key not in still_valid]
    # Only rows still pending: one a worker has just claimed is on its way.
    return Notification.objects.filter(pk__in=stale, status=Notification.Status.PENDING).update(
        status=Notification.Status.SKIPPED
    )


def activity_reminders_queue(*, now: datetime) -> int:
    """Queue a reminder for each confirmed participant whose activity starts
    within its reminder lead time. Returns how many were new."""
    activity_reminders_drop_stale()
    queued = 0
    for batch in _batches(activity_reminders_due(now=now).iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        queued += notification_enqueue_many(mails=[_activity_reminder(registration) for registration in batch])
    return queued
