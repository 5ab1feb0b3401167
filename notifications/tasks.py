"""The outbox's Celery tasks (send, send many, sweep): thin, idempotent (outbox keys and row claims), acknowledged late.

A worker killed mid-task loses nothing: rows it had not sent are pending and
the next sweep sends them; a row it had claimed is sent again once the claim
is older than ``OUTBOX_CLAIM_TIMEOUT``.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready

from . import services

logger = logging.getLogger(__name__)


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


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs):
    # First take back what this host's dead processes had claimed (a worker
    # killed mid-batch), so it goes now and not after the claim timeout.
    try:
        services.notification_queue_many(notification_ids=services.notification_claims_of_dead_processes_release())
    except Exception as exc:  # noqa: BLE001 - the claims time out and the sweep sends them anyway
        logger.warning("Could not take back the claims of dead worker processes: %s", exc)
    # A restarted worker sends at once what a killed one left pending (its
    # reserved messages come back only after the visibility timeout).
    try:
        outbox_sweep_task.apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001 - the periodic sweep will run anyway
        logger.warning("Could not queue the start-up sweep: %s", exc)
