"""Automatic lapse: a member of a union that asks for it lapses after N months in a row without dues.

A grassroots union turns it on with ``OrgUnit.lapse_after_unpaid_months`` (empty, the
default: never). The monthly job looks at last month, as the dues reminders do:

- a member whose unpaid months reach N - 1 is warned (once per member and month: the
  month is claimed on the member row, ``lapse_warned_for``, before the mail is queued,
  and the mail's key is the member and the month);
- a member whose unpaid months reach N, and who was warned during these unpaid months,
  lapses (recorded on their timeline, told by mail). One never warned (the setting was
  just turned on, or they have been unpaid for longer) is warned first and lapses a
  month later at the earliest.

Only members the portal can write to are handled: nobody lapses without the warning.
Months before a member joined do not count. The number of queries grows with the
number of batches and of members who lapse, never with the members only looked at.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lib.batches import batches
from lib.dates import month_start

from . import services
from .models import DuesRecord, Member, OrgUnit
from .notify import members_notify_many, with_address
from .reminders import GREETING_FIELDS, dues_reference_month

BATCH_SIZE = 1000
WARNING_TEMPLATE = "membership-lapse-warning"


@dataclass
class LapseRun:
    warned: int = 0
    lapsed: int = 0


def unions_with_lapse() -> QuerySet:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.UNION, lapse_after_unpaid_months__isnull=False)


def unpaid_months(member: Member, paid: set[date], *, month: date, limit: int) -> list[date]:
    """The unpaid months in a row ending with ``month`` (at most ``limit``), since the member joined."""
    joined = month_start(member.joined_on) if member.joined_on else None
    months = []
    for back in range(limit):
        period = month_start(month, back)
        if (joined and period < joined) or period in paid:
            break
        months.append(period)
    return months


def lapse_candidates(*, union: OrgUnit, day: date) -> QuerySet:
    """Active members of ``union`` with an address, members before last month ended, who did not pay it."""
    month = dues_reference_month(day=day)
    paid = DuesRecord.objects.filter(member=OuterRef("pk"), period=month)
    members = Member.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lt=month_start(day)), union=union, status=Member.Status.ACTIVE
    ).filter(~Exists(paid))
    return with_address(members).order_by("pk")


def lapse_run(*, day: date) -> LapseRun:
    """Warn and lapse the members of every union that turned automatic lapse on. Safe to run twice."""
    run = LapseRun()
    for union in unions_with_lapse():
        _run_union(union=union, day=day, run=run)
    return run


def _run_union(*, union: OrgUnit, day: date, run: LapseRun) -> None:
    limit = union.lapse_after_unpaid_months
    month = dues_reference_month(day=day)
    members = lapse_candidates(union=union, day=day).only(*GREETING_FIELDS, "joined_on", "lapse_warned_for")
    for batch in batches(members.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        paid: dict[int, set[date]] = defaultdict(set)
        records = DuesRecord.objects.filter(
            member_id__in=[member.pk for member in batch], period__gte=month_start(month, limit - 1), period__lte=month
        ).values_list("member_id", "period")
        for member_id, period in records:
            paid[member_id].add(period)
        to_warn, to_lapse = {}, []
        for member in batch:
            unpaid = unpaid_months(member, paid[member.pk], month=month, limit=limit)
            warned = member.lapse_warned_for
            if len(unpaid) >= limit and warned is not None and unpaid[-1] <= warned < month:
                to_lapse.append((member, len(unpaid)))
            elif len(unpaid) >= limit - 1 and warned != month:
                to_warn[member.pk] = (member, sorted(unpaid))
        run.warned += _warn(to_warn, month=month, limit=limit)
        for member, months in to_lapse:
            run.lapsed += _lapse(member, months=months)


def _warn(to_warn: dict, *, month: date, limit: int) -> int:
    if not to_warn:
        return 0
    profile_url = settings.SITE_URL + reverse("members:profile")
    with transaction.atomic():
        # Claim the month first: another run (a retried task, a second beat) finds it taken.
        claimed = list(
            Member.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(to_warn), status=Member.Status.ACTIVE)
            .exclude(lapse_warned_for=month)
            .values_list("pk", flat=True)
        )
        Member.objects.filter(pk__in=claimed).update(lapse_warned_for=month)
        members_notify_many(
            items=[to_warn[pk][0] for pk in claimed],
            template=WARNING_TEMPLATE,
            key=lambda member: f"membership-lapse-warning:{member.pk}:{month:%Y-%m}",
            context=lambda member: {
                "name": member.name,
                "months": to_warn[member.pk][1],
                "next_month": month_start(month, -1),
                "limit": limit,
                "profile_url": profile_url,
            },
        )
    return len(claimed)


def _lapse(member: Member, *, months: int) -> int:
    with translation.override(member.language):
        note = _("Lapsed automatically: no dues for %(months)d months in a row.") % {"months": months}
    try:
        services.membership_change(member=member, to=Member.Status.LAPSED, by=None, note=note, automatic=True)
    except ValidationError:
        return 0  # changed meanwhile (an officer suspended or restored them)
    return 1
