"""The members' own scheduled mail: birthday greetings and dues reminders.

Both are optional mail (the member may turn them off; each carries an
unsubscribe link). Each job selects its recipients with one query and writes
them in batches through ``members.notify``; the number of queries grows with
the number of batches, never per recipient. Each mail's key is (rule,
recipient, reference date), so a job that runs twice, two beats, or a retried
task write it only once.
"""

import calendar
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from lib.batches import batches
from lib.dates import month_start

from .models import DuesRecord, Member
from .notify import members_notify_many, with_address

# Recipients rendered and saved together: bounds memory, not correctness.
BATCH_SIZE = 1000
# A dues reminder lists the unpaid months among this many recent ones.
DUES_LOOKBACK_MONTHS = 3


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
    return with_address(members).order_by("pk")


# What a greeting needs of a member (a member row has many more columns).
GREETING_FIELDS = (
    "name",
    "email",
    "phone",
    "channel",
    "language",
    "user_id",
    "user__email",
    "user__phone",
    "user__phone_verified",
)


def birthday_greetings_queue(*, day: date) -> int:
    """Queue a birthday greeting for each member whose birthday is ``day``. Returns how many were new."""
    queued = 0
    members = birthday_members(day=day).only(*GREETING_FIELDS)
    for batch in batches(members.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        queued += members_notify_many(
            items=batch,
            template="birthday-greeting",
            key=lambda member: f"birthday:{member.pk}:{day.isoformat()}",
            context=lambda member: {"name": member.name},
            optional=True,
        )
    return queued


# --- Dues reminders ------------------------------------------------------------


def dues_reference_month(*, day: date) -> date:
    """The month a reminder sent on ``day`` is about: the previous one."""
    return month_start(day, 1)


def dues_members(*, day: date) -> QuerySet:
    """Active members (members before the reference month ended) with no dues record for it."""
    month = dues_reference_month(day=day)
    paid = DuesRecord.objects.filter(member=OuterRef("pk"), period=month)
    members = Member.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lt=month_start(day)),
        status=Member.Status.ACTIVE,
        wants_optional_mail=True,
    ).filter(~Exists(paid))
    return with_address(members).order_by("pk")


def _unpaid_months(member: Member, paid: set[date], *, month: date) -> list[date]:
    first = month_start(month, DUES_LOOKBACK_MONTHS - 1)
    if member.joined_on:
        first = max(first, month_start(member.joined_on))
    months = [month_start(month, back) for back in range(DUES_LOOKBACK_MONTHS)]
    return sorted(m for m in months if m >= first and m not in paid)


def dues_reminders_queue(*, day: date) -> int:
    """Queue a reminder for each active member without a dues record for last month.

    The mail lists every unpaid month among the last three (since joining).
    Returns how many were new.
    """
    month = dues_reference_month(day=day)
    window_start = month_start(month, DUES_LOOKBACK_MONTHS - 1)
    profile_url = settings.SITE_URL + reverse("members:profile")
    queued = 0
    for batch in batches(dues_members(day=day).iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        paid: dict[int, set[date]] = defaultdict(set)
        records = DuesRecord.objects.filter(
            member_id__in=[member.pk for member in batch], period__gte=window_start, period__lte=month
        ).values_list("member_id", "period")
        for member_id, period in records:
            paid[member_id].add(period)
        queued += members_notify_many(
            items=batch,
            template="dues-reminder",
            key=lambda member: f"dues:{member.pk}:{month:%Y-%m}",
            context=lambda member, paid=paid: {
                "name": member.name,
                "months": _unpaid_months(member, paid[member.pk], month=month),
                "profile_url": profile_url,
            },
            optional=True,
        )
    return queued
