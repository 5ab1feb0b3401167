from celery import shared_task

from . import services


@shared_task(name="notifications.send", acks_late=True, ignore_result=True)
def notification_send_task(notification_id: int) -> bool:
    # Idempotent: a row already sent or claimed elsewhere is skipped.
    return services.notification_send(notification_id=notification_id)


@shared_task(name="notifications.sweep", acks_late=True, ignore_result=True)
def outbox_sweep_task() -> int:
    return services.outbox_sweep()
