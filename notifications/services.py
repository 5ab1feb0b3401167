"""The outbox: e-mails are saved as rows first and sent by Celery workers.

``notification_enqueue`` is called inside the transaction of the change that
causes the e-mail, so the mail exists exactly when the change does. Sending
claims a row with a conditional UPDATE, so two workers never send the same
row; a periodic sweep sends whatever was left pending (broker down, worker
killed, task lost).

Scheduled reminders (``notifications.reminders``) write many rows at once with
``notification_enqueue_many``; the same unique key makes each one exactly once.
"""

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from members.models import Member

from .models import Notification

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = [60, 300, 1800, 7200, 21600]
# Ids handed to one "send many" task: one SMTP connection for all of them.
SEND_BATCH = 100
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


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


@dataclass(frozen=True)
class Mail:
    """One e-mail a scheduled job wants to send (see ``notification_enqueue_many``)."""

    key: str
    to_email: str
    template: str
    language: str
    context: dict = field(default_factory=dict)
    user_id: int | None = None
    # Optional mails carry an unsubscribe link and List-Unsubscribe headers.
    unsubscribe_url: str = ""


@transaction.atomic
def notification_enqueue_many(*, mails: Sequence[Mail]) -> int:
    """Save many e-mails with a constant number of queries; queue them on commit.

    A mail whose key exists already is skipped without being rendered, and a
    key inserted meanwhile by a concurrent run (two beats, a retried task) is
    ignored by the database, so each key is sent once. Returns how many of
    these mails are new and waiting to be sent.
    """
    wanted = {mail.key: mail for mail in mails if mail.to_email}
    if not wanted:
        return 0
    existing = set(Notification.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    rows = []
    for key, mail in wanted.items():
        if key in existing:
            continue
        context, headers = dict(mail.context), {}
        if mail.unsubscribe_url:
            context["unsubscribe_url"] = mail.unsubscribe_url
            headers = {
                "List-Unsubscribe": f"<{mail.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        subject, text, html = render_email(template=mail.template, context=context, language=mail.language)
        rows.append(
            Notification(
                key=key,
                to_email=mail.to_email,
                user_id=mail.user_id,
                template=mail.template,
                language=mail.language,
                optional=bool(mail.unsubscribe_url),
                subject=subject,
                body_text=text,
                body_html=html,
                headers=headers,
            )
        )
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # Whichever run inserted a row, queueing it twice is harmless: only one
    # worker can claim it.
    ids = list(
        Notification.objects.filter(key__in=[row.key for row in rows], status=Notification.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: notification_queue_many(notification_ids=ids))
    return len(ids)


# --- Handing rows to the broker ------------------------------------------------

# monotonic time before which this process does not try the broker again
_broker_down_until = 0.0


def broker_breaker_reset() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


def _broker_presumed_down() -> bool:
    return time.monotonic() < _broker_down_until


def _broker_failed(exc: Exception, what: str) -> None:
    global _broker_down_until
    if isinstance(exc, OperationalError | OSError):
        # Unreachable: spare the next requests the wait; the sweep sends the rows.
        _broker_down_until = time.monotonic() + settings.OUTBOX_BROKER_RETRY_AFTER
    logger.warning("Could not queue %s (%s: %s); the outbox sweep will send it", what, type(exc).__name__, exc)


def notification_queue(*, notification_id: int) -> None:
    """Hand a row to a Celery worker; if the broker is down the sweep sends it later.

    Never raises and never waits long: it runs after the commit of a web
    request, whose change is saved whatever happens here.
    """
    from .tasks import notification_send_task

    if _broker_presumed_down():
        return
    try:
        notification_send_task.apply_async((notification_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep will send it
        _broker_failed(exc, f"notification {notification_id}")


def notification_queue_many(*, notification_ids: Sequence[int]) -> None:
    """Hand rows to workers in batches; stop at the first broker failure (the sweep sends the rest)."""
    from .tasks import notification_send_many_task

    for start in range(0, len(notification_ids), SEND_BATCH):
        if _broker_presumed_down():
            return
        batch = list(notification_ids[start : start + SEND_BATCH])
        try:
            notification_send_many_task.apply_async((batch,), retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep will send them
            _broker_failed(exc, f"{len(notification_ids) - start} notifications")
            return


# --- Sending -----------------------------------------------------------------------


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


def _message_id(notification: Notification) -> str:
    # The same for every attempt: should a worker die between the SMTP server's
    # "accepted" and our "sent", the one possible second copy carries the same
    # Message-ID, which mail systems use to drop duplicates.
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:20]
    domain = urlsplit(settings.SITE_URL).hostname or "unionportal.local"
    return f"<outbox.{notification.pk}.{digest}@{domain}>"


def _unsubscribed(notifications: Iterable[Notification]) -> set[int]:
    """Ids of the optional mails whose recipient has turned optional mail off (one query)."""
    optional = [n for n in notifications if n.optional]
    if not optional:
        return set()
    user_ids = {n.user_id for n in optional if n.user_id}
    emails = {n.to_email.lower() for n in optional if not n.user_id}
    opted_out = (
        Member.objects.filter(wants_optional_mail=False)
        .annotate(email_lower=Lower("email"))
        .filter(Q(user_id__in=user_ids) | Q(user=None, email_lower__in=emails))
        .values_list("user_id", "email_lower")
    )
    off_users, off_emails = set(), set()
    for user_id, email in opted_out:
        if user_id:
            off_users.add(user_id)
        else:
            off_emails.add(email)
    return {n.pk for n in optional if (n.user_id in off_users if n.user_id else n.to_email.lower() in off_emails)}


def _deliver(notification: Notification, *, connection, unsubscribed: bool) -> bool:
    """Claim the row, send it, record the outcome. True when this call sent it."""
    if not notification_claim(notification_id=notification.pk):
        return False  # already sent, not yet due, or another worker claimed it first
    if unsubscribed:
        Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.SKIPPED)
        return False
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to_email],
        headers={"Message-ID": _message_id(notification), **(notification.headers or {})},
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - SMTP and socket errors alike
        _record_failure(notification.pk, exc)
        if connection is not None:
            connection.close()  # it may be broken; the next row opens a new one
        return False
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def notification_send(*, notification_id: int, connection=None) -> bool:
    """Send one row if it can be claimed. Returns True when this call sent it."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status in (Notification.Status.SENT, Notification.Status.SKIPPED):
        return False
    unsubscribed = notification.pk in _unsubscribed([notification])
    return _deliver(notification, connection=connection, unsubscribed=unsubscribed)


def _record_failure(notification_id: int, exc: Exception) -> None:
    notification = Notification.objects.get(pk=notification_id)  # attempts as counted by the claim
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


def notification_send_many(*, notification_ids: Iterable[int], deadline: float | None = None) -> int:
    """Send rows over one SMTP connection. Returns how many this call sent.

    Reads the rows and the recipients' opt-outs once for the batch; each row
    then costs a claim and a "sent" update. Stops taking new rows at
    ``deadline`` (a ``time.monotonic()`` value), or when the mail server
    cannot be reached (after recording that on one row); the rows not tried
    stay pending for the next run.
    """
    ids = list(notification_ids)
    rows = Notification.objects.exclude(status__in=[Notification.Status.SENT, Notification.Status.SKIPPED]).in_bulk(ids)
    if not rows:
        return 0
    unsubscribed = _unsubscribed(rows.values())
    connection = get_connection()
    sent = 0
    try:
        for notification_id in ids:
            notification = rows.get(notification_id)
            if notification is None:
                continue
            if deadline is not None and time.monotonic() > deadline:
                break
            reachable = _connection_open(connection)
            if _deliver(notification, connection=connection, unsubscribed=notification_id in unsubscribed):
                sent += 1
            if not reachable:
                break
    finally:
        connection.close()
    return sent


def _connection_open(connection) -> bool:
    """Open an SMTP connection if it is not (other back-ends need none)."""
    if getattr(connection, "connection", False) is not None:
        return True
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - socket and SMTP errors alike
        logger.warning("Could not reach the mail server: %s", exc)
        return False
    return True


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Rows the sweep should send: pending for longer than ``OUTBOX_SWEEP_GRACE``
    (younger ones are on their way through the broker), or claimed by a worker
    that has not finished within ``OUTBOX_CLAIM_TIMEOUT`` (it died)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    waited = now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE)
    due = Q(status=Notification.Status.PENDING, next_attempt_at__lte=waited) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=stale
    )
    return list(Notification.objects.filter(due).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def outbox_sweep(*, limit: int = 500) -> int:
    """Send rows that are due and not being sent, for at most ``OUTBOX_SWEEP_SECONDS``.

    Returns how many this call sent.
    """
    deadline = time.monotonic() + settings.OUTBOX_SWEEP_SECONDS
    sent = 0
    while time.monotonic() < deadline:
        ids = outbox_due_ids(limit=limit)
        if not ids:
            break
        sent_now = notification_send_many(notification_ids=ids, deadline=deadline)
        sent += sent_now
        if sent_now == 0 or len(ids) < limit:
            break  # the rest failed, were claimed elsewhere, or there is no more
    return sent


def notification_retry(*, notifications) -> int:
    """Put failed rows back in the queue (admin action)."""
    ids = list(notifications.filter(status=Notification.Status.FAILED).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    transaction.on_commit(lambda: notification_queue_many(notification_ids=ids))
    return len(ids)


# --- Optional mail: unsubscribe and preferences -----------------------------------


def unsubscribe_token_for(*, member: Member) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(member.pk))


def unsubscribe_url_for(*, member: Member) -> str:
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token_for(member=member)])


def member_from_unsubscribe_token(token: str) -> Member | None:
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Member.objects.filter(pk=int(pk)).first() if pk.isdigit() else None


@transaction.atomic
def optional_mail_set(*, member: Member, wanted: bool) -> Member:
    """Turn birthday greetings and dues reminders on or off for a member.

    Transactional mail (requests, activities, membership) is not affected.
    Optional mails already queued are not sent once they are turned off.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.wants_optional_mail != wanted:
        member.wants_optional_mail = wanted
        member.save(update_fields=["wants_optional_mail"])
    return member
