"""Periodic jobs of the care area (schedules in ``care/schedules.py``). Thin and idempotent."""

from celery import shared_task

from lib.dates import day_or_today

from . import reminders


@shared_task(name="care.visit_reminders", acks_late=True, ignore_result=True)
def visit_reminders_task(day: str | None = None) -> int:
    return reminders.visit_reminders_queue(day=day_or_today(day))


@shared_task(name="care.officer_digests", acks_late=True, ignore_result=True)
def officer_digests_task(day: str | None = None) -> int:
    return reminders.officer_digests_queue(day=day_or_today(day))
