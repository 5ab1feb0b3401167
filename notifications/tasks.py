"""Celery tasks: thin, idempotent (outbox keys and row claims), acknowledged late.

A worker killed mid-task loses nothing: rows it had not sent are pending and
the next sweep sends them; a row it had claimed is sent again once the claim
is older than ``OUTBOX_CLAIM_TIMEOUT``.
"""

import logging
from datetime import date

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from . import reminders, services

logger = logging.getLogger(__name__)


def _day(day: str | None) -> date:
    # Beat passes nothing (today, in the portal's time zone); an officer may
    # re-run a job for a given day with kwargs {"day": "2026-05-01"}.
    return date.fromisoformat(day) if day else timezone.localdate()


@shared_task(name="notifications.send", acks_late=True, ignore_result=True)
def notification_send_task(notification_id: int) -> bool:
    # Idempotent: a row already sent or claimed elsewhere is skipped.
    return services.notification_send(notification_id=notification_id)


@shared_task(name="notifications.send_many", acks_late=True, ignore_result=True)
def notification_send_many_task(notification_ids: list[int]) -> int:
    return services.notification_send_many(notification_ids=notification_ids)


@shared_task(name="notifications.sweep", acks_late=True, ignore_result=True)
def outbox_sweep_task() -> int:
    return services.outbox_sweep()


@shared_task(name="notifications.birthday_greetings", acks_late=True, ignore_result=True)
def birthday_greetings_task(day: str | None = None) -> int:
    return reminders.birthday_greetings_queue(day=_day(day))


@shared_task(name="notifications.dues_reminders", acks_late=True, ignore_result=True)
def dues_reminders_task(day: str | None = None) -> int:
    return reminders.dues_reminders_queue(day=_day(day))


@shared_task(name="notifications.welfare_digest", acks_late=True, ignore_result=True)
def officer_digests_task(day: str | None = None) -> int:
    return reminders.officer_digests_queue(day=_day(day))


@shared_task(name="notifications.activity_reminders", acks_late=True, ignore_result=True)
def activity_reminders_task() -> int:
    # Safe to run twice, or late: each (registration, start time) is one outbox key.
    return reminders.activity_reminders_queue(now=timezone.now())


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs):
    # A restarted worker sends at once what a killed one left pending (its
    # reserved messages come back only after the visibility timeout).
    try:
        outbox_sweep_task.apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001 - the periodic sweep will run anyway
        logger.warning("Could not queue the start-up sweep: %s", exc)
