"""Periodic jobs of the welfare area (schedules in ``welfare/schedules.py``). Thin and idempotent."""

from celery import shared_task

from lib.dates import day_or_today

from . import reminders


# The name the job had when the outbox app ran it: installed periodic tasks keep pointing at it.
@shared_task(name="notifications.welfare_digest", acks_late=True, ignore_result=True)
def officer_digests_task(day: str | None = None) -> int:
    return reminders.officer_digests_queue(day=day_or_today(day))
