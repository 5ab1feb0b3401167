"""Periodic jobs of the activities area (schedules in ``activities/schedules.py``). Thin: each calls one service."""

from celery import shared_task
from django.utils import timezone

from . import reminders, services


# The name the job had when the outbox app ran it: installed periodic tasks keep pointing at it.
@shared_task(name="notifications.activity_reminders", acks_late=True, ignore_result=True)
def activity_reminders_task() -> int:
    # Safe to run twice, or late: each (registration, start time) is one outbox key.
    return reminders.activity_reminders_queue(now=timezone.now())


@shared_task(name="activities.lottery_draw_due", acks_late=True, ignore_result=True)
def lottery_draw_due_task() -> int:
    # Safe to run twice: an activity is drawn once (the draw is a unique row, taken under the activity lock).
    return services.lottery_draw_due()


@shared_task(name="activities.no_shows_record_due", acks_late=True, ignore_result=True)
def no_shows_record_due_task() -> int:
    # Safe to run twice: only registrations still "confirmed" after the end are marked.
    return services.no_shows_record_due()
