"""The outbox: e-mails are saved as rows first and sent by Celery workers.

``notification_enqueue`` is called inside the transaction of the change that
causes the e-mail, so the mail exists exactly when the change does. Sending
claims a row with a conditional UPDATE, so two workers never send the same
row; a periodic sweep sends whatever was left pending (broker down, worker
killed, task lost).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = [60, 300, 1800, 7200, 21600]


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render ``notifications/email/<template>-subject.txt``, ``-body.txt`` and ``-body.html``."""
    ctx = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{template}-subject.txt", ctx)
        text = render_to_string(f"notifications/email/{template}-body.txt", ctx)
        html = render_to_string(f"notifications/email/{template}-body.html", ctx)
    return " ".join(subject.split()), text.strip() + "\n", html


def notification_enqueue(
    *,
    key: str,
    to_email: str,
    template: str,
    context: dict,
    language: str | None = None,
    user=None,
    optional: bool = False,
    headers: dict | None = None,
) -> Notification | None:
    """Save one e-mail in the outbox and send it once the transaction commits.

    Returns the new row, or ``None`` when a row with ``key`` exists already
    (the mail was queued before) or there is no address to send to.
    """
    if not to_email:
        return None
    language = language or (user.language if user is not None else settings.LANGUAGE_CODE)
    subject, text, html = render_email(template=template, context=context, language=language)
    return notification_save(
        key=key,
        to_email=to_email,
        template=template,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        user=user,
        optional=optional,
        headers=headers or {},
    )


def notification_save(*, key: str, **fields) -> Notification | None:
    """Insert a rendered e-mail unless its key exists; queue it on commit."""
    if Notification.objects.filter(key=key).exists():
        return None
    try:
        # A savepoint, so a duplicate key does not break the caller's transaction.
        with transaction.atomic():
            notification = Notification.objects.create(key=key, **fields)
    except IntegrityError:
        return None  # another process queued the same mail first
    transaction.on_commit(lambda: notification_queue(notification_id=notification.pk))
    return notification


def notification_queue(*, notification_id: int) -> None:
    """Hand a row to a Celery worker; if the broker is down the sweep sends it later."""
    from .tasks import notification_send_task

    try:
        notification_send_task.apply_async((notification_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep will send it
        logger.warning("Broker unreachable; notification %s left for the sweep", notification_id)


def notification_claim(*, notification_id: int) -> bool:
    """Claim a due row for sending. False if it is not due or another worker has it."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    claimable = Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=stale
    )
    claimed = Notification.objects.filter(claimable, pk=notification_id).update(
        status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def notification_send(*, notification_id: int, connection=None) -> bool:
    """Send one row if it can be claimed. Returns True when this call sent it."""
    if not notification_claim(notification_id=notification_id):
        return False  # already sent, not yet due, or another worker claimed it first
    notification = Notification.objects.get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to_email],
        headers=notification.headers or None,
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - SMTP and socket errors alike
        _record_failure(notification, exc)
        return False
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _record_failure(notification: Notification, exc: Exception) -> None:
    attempts = notification.attempts
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, next_at = Notification.Status.FAILED, notification.next_attempt_at
    else:
        delay = BACKOFF_SECONDS[min(attempts - 1, len(BACKOFF_SECONDS) - 1)]
        status, next_at = Notification.Status.PENDING, timezone.now() + timedelta(seconds=delay)
    Notification.objects.filter(pk=notification.pk).update(
        status=status, next_attempt_at=next_at, last_error=f"{type(exc).__name__}: {exc}"[:2000]
    )
    logger.warning("Sending notification %s failed (attempt %s): %s", notification.pk, attempts, exc)


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    due = Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=stale
    )
    return list(Notification.objects.filter(due).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def outbox_sweep(*, limit: int = 500) -> int:
    """Send rows that are due and not being sent. Returns how many this call sent."""
    from django.core.mail import get_connection

    ids = outbox_due_ids(limit=limit)
    if not ids:
        return 0
    sent = 0
    # One SMTP connection for the whole batch.
    with get_connection() as connection:
        for notification_id in ids:
            if notification_send(notification_id=notification_id, connection=connection):
                sent += 1
    return sent


def notification_retry(*, notifications) -> int:
    """Put failed rows back in the queue (admin action)."""
    ids = list(notifications.filter(status=Notification.Status.FAILED).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    for notification_id in ids:
        transaction.on_commit(lambda nid=notification_id: notification_queue(notification_id=nid))
    return len(ids)
