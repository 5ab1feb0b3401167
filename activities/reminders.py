"""The activities area's scheduled mail: reminders before an activity starts.

Each confirmed participant is reminded once, at the activity's lead time
before its (current) start, through ``members.notify``; a reminder left in
the outbox that no longer holds (the activity moved or was cancelled, the
place given up) is skipped.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse

from lib.batches import batches
from members.notify import members_notify_many
from notifications.models import Notification
from notifications.services import sms_key

from .models import Activity, Registration
from .services.base import activity_mail_context

BATCH_SIZE = 1000

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
        .filter(
            Q(member__user__email__gt="")
            | Q(member__email__gt="")
            | Q(member__phone__gt="")
            | Q(member__user__phone_verified=True)
        )
    )
    return registrations.select_related("activity__unit", "member__user").order_by("pk")


def activity_reminder_key(registration: Registration) -> str:
    """(rule, registration, start time): an activity that moves gets a reminder
    for its new time, and the reminder for its old time is never made."""
    starts = registration.activity.starts_at.astimezone(UTC)
    return f"{ACTIVITY_REMINDER}:{registration.pk}:{starts:%Y-%m-%dT%H:%M:%SZ}"


def _activity_reminder_context(registration: Registration) -> dict:
    activity, member = registration.activity, registration.member
    return {
        **activity_mail_context(activity, member),
        "registration_url": settings.SITE_URL + reverse("activities:registration", args=[registration.pk]),
    }


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
    still_valid |= {sms_key(key) for key in still_valid}  # the text beside the mail
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
    for batch in batches(activity_reminders_due(now=now).iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        queued += members_notify_many(
            items=batch,
            member_of=lambda registration: registration.member,
            template=ACTIVITY_REMINDER,
            key=activity_reminder_key,
            context=_activity_reminder_context,
        )
    return queued
