"""The outbox: e-mails are saved as rows first and sent by Celery workers.

``notification_enqueue`` is called inside the transaction of the change that
causes the e-mail, so the mail exists exactly when the change does. Sending
claims a row with a conditional UPDATE, so two workers never send the same
row; a periodic sweep sends whatever was left pending (broker down, worker
killed, task lost).

Scheduled jobs (each area's ``reminders.py``) write many rows at once with
``notification_enqueue_many``; the same unique key makes each one exactly once.

A row is an e-mail or a text message (``channel``); everything above holds for
both. A recipient reached on two channels gets one row on each (the text's key
is the mail's with ``:sms``), each sent once. Texts go through ``SMS_BACKEND``
(``notifications.sms``) and take one from the day's allowance (``SmsDay``)
before they go.

The outbox knows no area and no member: the areas write through the members
app's one door (``members.notify``), and whether an optional mail may still go
is asked of the callable named by ``settings.OUTBOX_OPT_OUT``.
"""

import hashlib
import logging
import os
import re
import secrets
import smtplib
import socket
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape as html_escape
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from lib.jsonvalues import from_json, to_json

from .models import Notification, SmsDay
from .outbound import Composer
from .shortlinks import collecting, short_links_save
from .sms import SmsMessage, SmsPermanentError, get_sms_connection

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = [60, 300, 1800, 7200, 21600]
# Ids handed to one "send many" task: one SMTP connection for all of them.
SEND_BATCH = 200
# What sending a row reads of it (``Outgoing``).
SEND_FIELDS = (
    "pk",
    "key",
    "user_id",
    "to_email",
    "optional",
    "subject",
    "body_text",
    "body_html",
    "headers",
    "channel",
    "to_phone",
    "template",
)
# A text whose day's allowance is spent waits this long before it is tried again.
SMS_CEILING_WAIT_SECONDS = 900


def _render_parts(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    ctx = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{template}-subject.txt", ctx)
        text = render_to_string(f"notifications/email/{template}-body.txt", ctx)
        html = render_to_string(f"notifications/email/{template}-body.html", ctx)
    return subject, text, html


def _finish(subject: str, text: str, html: str) -> tuple[str, str, str]:
    return " ".join(subject.split()), text.strip() + "\n", html


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render ``notifications/email/<template>-subject.txt``, ``-body.txt`` and ``-body.html``."""
    return _finish(*_render_parts(template=template, context=context, language=language))


def render_sms(*, template: str, context: dict, language: str, optional: bool = False) -> str | None:
    """A text message: ``notifications/sms/<template>.txt`` on one line, the union's signature
    before it and, on an optional one, the opt-out word after it. ``None`` if the template has
    no text form. Links in it should go through ``|short_link`` (``{% load sms %}``)."""
    ctx = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        try:
            body = render_to_string(f"notifications/sms/{template}.txt", ctx)
        except TemplateDoesNotExist:
            return None
        text = f"【{settings.SMS_SIGNATURE}】" + " ".join(body.split())
        if optional:
            text += translation.gettext(" Reply TD to stop.")
    return text


# Templates that only print these context values as they are (no filter, no
# condition on them), besides ``unsubscribe_url``: a scheduled job renders
# them once per language and fills each recipient in (``Stencil``).
STENCIL_FIELDS = {"birthday-greeting": frozenset({"name", "unsubscribe_url"})}


class Stencil:
    """An e-mail rendered once with markers where the recipient's values go.

    Rendering three templates per recipient was most of a large reminder
    job's time; a birthday greeting differs from one member to the next only
    by the name and the unsubscribe link. The markers show where each value
    goes and whether the template escaped it there (the HTML part does, the
    text parts do not), so ``render`` gives what ``render_email`` would.
    ``for_mail`` checks that on the first recipient and returns ``None`` (render
    each mail in full) should a template ever stop printing a value as it is.
    """

    def __init__(self, *, template: str, language: str, fields: Iterable[str]):
        marker = "stencil" + secrets.token_hex(6)
        # A "<" after each marker tells an escaped insertion ("&lt;") from a verbatim one.
        probe = {name: f"{marker}-{name}-<" for name in fields}
        pattern = re.compile(re.escape(marker) + r"-([A-Za-z_]+)-(<|&lt;)")
        # Each part becomes a format string: "{name_text}" where the value goes as it is,
        # "{name_html}" where it goes escaped; the rest, braces doubled, as rendered.
        self.formats = []
        for rendered in _render_parts(template=template, context=probe, language=language):
            pieces, position = [], 0
            for match in pattern.finditer(rendered):
                literal = rendered[position : match.start()].replace("{", "{{").replace("}", "}}")
                kind = "text" if match.group(2) == "<" else "html"
                pieces += [literal, f"{{{match.group(1)}_{kind}}}"]
                position = match.end()
            pieces.append(rendered[position:].replace("{", "{{").replace("}", "}}"))
            self.formats.append("".join(pieces))

    def render(self, context: dict) -> tuple[str, str, str]:
        values = {}
        for name, value in context.items():
            values[f"{name}_text"] = value
            values[f"{name}_html"] = html_escape(value)  # what the template's autoescaping does
        subject, text, html = (part.format_map(values) for part in self.formats)
        return _finish(subject, text, html)

    @classmethod
    def for_mail(cls, *, template: str, language: str, context: dict) -> "Stencil | None":
        stencil = cls(template=template, language=language, fields=context)
        if stencil.render(context) == render_email(template=template, context=context, language=language):
            return stencil
        logger.warning("The %s e-mail (%s) cannot be filled in; each one is rendered in full", template, language)
        return None


def _stencil_key(mail: "Mail", context: dict) -> tuple | None:
    fields = STENCIL_FIELDS.get(mail.template)
    if fields is None or not context.keys() <= fields or not all(type(v) is str for v in context.values()):
        return None
    return (mail.template, mail.language, frozenset(context))


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
    to_phone: str = "",
    render_later: bool = False,
) -> Notification | None:
    """Save one e-mail (to ``to_email``) and/or one text (to ``to_phone``) in the outbox and
    send them once the transaction commits.

    ``render_later`` keeps the template and ``context`` (as JSON, ``lib.jsonvalues``) in the
    row instead of the rendered mail: the worker renders it when it sends it, so a request
    that must answer fast (a sign-up in the 9:00 rush) does not render three templates.

    Returns the new e-mail row (else the new text's), or ``None`` when the rows exist
    already (queued before) or there is nowhere to send to.
    """
    language = language or (user.language if user is not None else settings.LANGUAGE_CODE)
    text_row = None
    if to_phone:
        text_row = sms_enqueue(
            key=key,
            to_phone=to_phone,
            template=template,
            context=context,
            language=language,
            user=user,
            optional=optional,
        )
    if not to_email:
        return text_row
    if render_later:
        with translation.override(language):
            subject, text, html, later = "", "", "", to_json(context)
    else:
        subject, text, html = render_email(template=template, context=context, language=language)
        later = None
    return (
        notification_save(
            key=key,
            to_email=to_email,
            template=template,
            language=language,
            subject=subject,
            body_text=text,
            body_html=html,
            context=later,
            user=user,
            optional=optional,
            headers=headers or {},
        )
        or text_row
    )


def sms_key(key: str) -> str:
    return f"{key}:sms"


def sms_enqueue(
    *,
    key: str,
    to_phone: str,
    template: str,
    context: dict,
    language: str,
    user=None,
    optional: bool = False,
) -> Notification | None:
    """Save one text message in the outbox (key ``<key>:sms``); sent once the transaction commits.

    ``None`` when it was queued before, or the template has no text form.
    """
    if Notification.objects.filter(key=sms_key(key)).exists():
        return None
    with collecting() as links:
        text = render_sms(template=template, context=context, language=language, optional=optional)
    if text is None:
        logger.warning("The %s notification has no text-message form: none sent to %s", template, to_phone[:6])
        return None
    short_links_save(links)
    return notification_save(
        key=sms_key(key),
        channel=Notification.Channel.SMS,
        to_phone=to_phone,
        to_email="",
        template=template,
        language=language,
        subject="",
        body_text=text,
        user=user,
        optional=optional,
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
    # Also (or only, without ``to_email``) a text message to this number (E.164).
    to_phone: str = ""
    # An optional text (no unsubscribe link: it carries the opt-out word).
    optional: bool = False


@transaction.atomic
def notification_enqueue_many(*, mails: Sequence[Mail]) -> int:
    """Save many e-mails with a constant number of queries; queue them on commit.

    A mail whose key exists already is skipped without being rendered, and a
    key inserted meanwhile by a concurrent run (two beats, a retried task) is
    ignored by the database, so each key is sent once. Returns how many of
    these mails are new and waiting to be sent.
    """
    wanted = {mail.key: mail for mail in mails if mail.to_email}
    texts = {sms_key(mail.key): mail for mail in mails if mail.to_phone}
    if not wanted and not texts:
        return 0
    existing = set(Notification.objects.filter(key__in=[*wanted, *texts]).values_list("key", flat=True))
    stencils: dict[tuple, Stencil | None] = {}
    rows = _text_rows(texts, existing)
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
        stencil_key = _stencil_key(mail, context)
        if stencil_key is not None and stencil_key not in stencils:
            stencils[stencil_key] = Stencil.for_mail(template=mail.template, language=mail.language, context=context)
        if stencil_key is not None and stencils[stencil_key] is not None:
            subject, text, html = stencils[stencil_key].render(context)
        else:
            subject, text, html = render_email(template=mail.template, context=context, language=mail.language)
        rows.append(
            {
                "key": key,
                "to_email": mail.to_email,
                "user_id": mail.user_id,
                "template": mail.template,
                "language": mail.language,
                "optional": bool(mail.unsubscribe_url),
                "subject": subject,
                "body_text": text,
                "body_html": html,
                "headers": headers,
            }
        )
    if not rows:
        return 0
    _insert_new(rows)
    # Whichever run inserted a row, queueing it twice is harmless: only one
    # worker can claim it.
    ids = list(
        Notification.objects.filter(
            key__in=[row["key"] for row in rows], status=Notification.Status.PENDING
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: notification_queue_many(notification_ids=ids))
    return len(ids)


def _text_rows(texts: dict, existing: set) -> list[dict]:
    """The outbox rows (as ``_insert_new`` takes them) of the texts not queued yet; their links saved."""
    rows = []
    with collecting() as links:
        for key, mail in texts.items():
            if key in existing:
                continue
            optional = mail.optional or bool(mail.unsubscribe_url)
            text = render_sms(template=mail.template, context=mail.context, language=mail.language, optional=optional)
            if text is None:
                continue
            rows.append(
                {
                    "key": key,
                    "channel": Notification.Channel.SMS,
                    "to_phone": mail.to_phone,
                    "to_email": "",
                    "user_id": mail.user_id,
                    "template": mail.template,
                    "language": mail.language,
                    "optional": optional,
                    "subject": "",
                    "body_text": text,
                }
            )
    short_links_save(links)
    return rows


def _insert_new(rows: list[dict]) -> None:
    """Insert rows (field values by attribute name) whose keys did not exist a moment ago;
    a key another run inserted meanwhile is skipped by the unique constraint."""
    Notification.objects.bulk_create([Notification(**row) for row in rows], ignore_conflicts=True)


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


def _publisher_pools_reset(app) -> None:
    """Forget the app's broker pools, and kombu's for the same broker, so the next publish opens new ones.

    kombu keeps one connection pool and one producer pool per broker URL for the
    whole process; once something has closed them (``force_close_all``, a
    library tidying up at shutdown), every publish fails with "Acquire on
    closed pool" until they are dropped from that registry.
    """
    from kombu import pools
    from kombu.utils.collections import eqhash

    connection = app.connection_for_write()
    try:
        key = eqhash(connection)
        for group in (pools.producers, pools.connections):
            dict.pop(group, key, None)
    finally:
        connection.release()
    app._pool = None
    app.amqp._producer_pool = None


def _publish(task, args: tuple) -> None:
    """``apply_async`` without Celery's retries; once more, on new pools, should this process's pool be closed."""
    try:
        task.apply_async(args, retry=False)
    except RuntimeError as exc:
        if "closed pool" not in str(exc):
            raise
        logger.warning("The broker connection pool was closed; opening a new one")
        _publisher_pools_reset(task.app)
        task.apply_async(args, retry=False)


def notification_queue(*, notification_id: int) -> None:
    """Hand a row to a Celery worker; if the broker is down the sweep sends it later.

    Never raises and never waits long: it runs after the commit of a web
    request, whose change is saved whatever happens here.
    """
    from .tasks import notification_send_task

    if _broker_presumed_down():
        return
    try:
        _publish(notification_send_task, (notification_id,))
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
            _publish(notification_send_many_task, (batch,))
        except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep will send them
            _broker_failed(exc, f"{len(notification_ids) - start} notifications")
            return


# --- Sending -----------------------------------------------------------------------


def _claimable(now):
    stale = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    return Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=stale, handed_over_at=None
    )


def _unconfirmed_set(rows) -> int:
    """Rows of claims whose worker died after handing the message over: not sent again by themselves.

    The server may have accepted the mail before the worker died; a second
    copy (same Message-ID, but most mail systems deliver it all the same) is
    what exactly-once means to avoid. An officer sees them in the outbox and
    may resend.
    """
    count = rows.filter(status=Notification.Status.SENDING, handed_over_at__isnull=False).update(
        status=Notification.Status.UNCONFIRMED,
        last_error="The worker stopped after handing this mail to the mail server, before its answer.",
    )
    if count:
        logger.warning("%s notifications were handed to the mail server by a worker that died: not resent", count)
    return count


def notification_claim(*, notification_id: int) -> bool:
    """Claim a due row for sending. False if it is not due or another worker has it."""
    return bool(notification_claim_many(notification_ids=[notification_id])[0])


def notification_claim_many(*, notification_ids: Sequence[int]) -> tuple[list[int], datetime]:
    """Claim the due rows among ``notification_ids`` with one UPDATE; returns their ids and the claim time.

    A row another worker holds (its claim younger than ``OUTBOX_CLAIM_TIMEOUT``),
    already sent, or not yet due is left out. The claim time identifies this
    claim: the lease is renewed and released with it (``_renew``, ``_release``).
    """
    ids = list(notification_ids)
    if not ids:
        return [], timezone.now()
    now = timezone.now()
    claim = {
        "status": Notification.Status.SENDING,
        "claimed_at": now,
        "claimed_by": _claimer(),
        "attempts": F("attempts") + 1,
    }
    if db_connection.features.has_select_for_update_skip_locked:
        # Rows another worker is claiming right now are skipped, not waited for.
        with transaction.atomic():
            claimed = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(_claimable(now), pk__in=ids)
                .values_list("pk", flat=True)
            )
            if claimed:
                Notification.objects.filter(pk__in=claimed).update(**claim)
        ours = set(claimed)
        return [pk for pk in ids if pk in ours], now
    # SQLite: one writer at a time; the conditional UPDATE decides, the claim time tells which rows are ours.
    if Notification.objects.filter(_claimable(now), pk__in=ids).update(**claim) == 0:
        return [], now
    claimed = set(
        Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING, claimed_at=now).values_list(
            "pk", flat=True
        )
    )
    return [pk for pk in ids if pk in claimed], now


def _renew(ids: list[int], claimed_at: datetime) -> tuple[list[int], datetime]:
    """Extend this call's lease on the rows it has not sent yet; returns those still ours."""
    now = timezone.now()
    ours = Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING, claimed_at=claimed_at)
    if ours.update(claimed_at=now) == len(ids):
        return ids, now
    kept = set(
        Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING, claimed_at=now).values_list(
            "pk", flat=True
        )
    )
    return [pk for pk in ids if pk in kept], now


def _release(ids: list[int], claimed_at: datetime, wait: Sequence[int] = ()) -> None:
    """Give back rows this call claimed and did not try (deadline, mail server down): pending, attempt not counted.

    Those in ``wait`` (texts over the day's ceiling) are due again only after ``SMS_CEILING_WAIT_SECONDS``.
    """
    if ids:
        Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING, claimed_at=claimed_at).update(
            status=Notification.Status.PENDING, claimed_at=None, claimed_by="", attempts=F("attempts") - 1
        )
    if wait:
        later = timezone.now() + timedelta(seconds=SMS_CEILING_WAIT_SECONDS)
        Notification.objects.filter(pk__in=list(wait), status=Notification.Status.PENDING).update(next_attempt_at=later)


def _claimer() -> str:
    """This process, as claims name it: "hostname:pid" (a pool process of a worker claims for itself)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def notification_claims_of_dead_processes_release() -> list[int]:
    """Make pending again, at once, the rows claimed by processes of this host that no longer run.

    A worker killed in the middle of a batch leaves its claims behind; without
    this they wait for ``OUTBOX_CLAIM_TIMEOUT``. Called when a worker starts
    (``worker_ready``); returns the ids given back, for the caller to queue.
    Only claims of this host are judged (by ``hostname:pid``): a process of
    another machine is never taken for dead. A mail the dead process had
    already handed to the mail server is not sent again (``_unconfirmed_set``).
    """
    prefix = f"{socket.gethostname()}:"
    held = Notification.objects.filter(status=Notification.Status.SENDING, claimed_by__startswith=prefix)
    dead = {}
    for pk, claimed_by, claimed_at in held.values_list("pk", "claimed_by", "claimed_at"):
        pid = claimed_by[len(prefix) :]
        if pid.isdigit() and not _process_alive(int(pid)):
            dead.setdefault((claimed_by, claimed_at), []).append(pk)
    released, count = [], 0
    for (claimed_by, claimed_at), ids in dead.items():
        # Only while the dead process's claim is the row's claim: a row taken over meanwhile stays with its
        # taker (queueing it too is harmless: only one worker can claim it).
        held_by_dead = Notification.objects.filter(
            pk__in=ids, status=Notification.Status.SENDING, claimed_by=claimed_by, claimed_at=claimed_at
        )
        _unconfirmed_set(held_by_dead)
        given_back = list(held_by_dead.values_list("pk", flat=True))
        count += held_by_dead.update(
            status=Notification.Status.PENDING, claimed_at=None, claimed_by="", next_attempt_at=timezone.now()
        )
        released += given_back
    if count:
        logger.warning("Took back %s notifications claimed by worker processes that died", count)
    return sorted(released)


def _message_id(notification: Notification) -> str:
    # The same for every attempt: should a worker die between the SMTP server's
    # "accepted" and our "sent", the one possible second copy carries the same
    # Message-ID, which mail systems use to drop duplicates.
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:20]
    domain = urlsplit(settings.SITE_URL).hostname or "unionportal.local"
    return f"<outbox.{notification.pk}.{digest}@{domain}>"


def _opt_out_hook():
    path = getattr(settings, "OUTBOX_OPT_OUT", "")
    return import_string(path) if path else None


def _unsubscribed(notifications: Iterable[Notification]) -> set[int]:
    """Ids of the optional mails whose recipient has turned optional mail off.

    Asked of ``settings.OUTBOX_OPT_OUT`` (a dotted path, like ``EMAIL_BACKEND``),
    which receives the rows and returns the ids not to send.
    """
    optional = [n for n in notifications if n.optional]
    hook = _opt_out_hook()
    if not optional or hook is None:
        return set()
    return set(hook(optional))


class Outgoing(NamedTuple):
    """What sending reads of an outbox row (a model instance per row cost more than composing the mail)."""

    pk: int
    key: str
    user_id: int | None
    to_email: str
    optional: bool
    subject: str
    body_text: str
    body_html: str
    headers: dict
    channel: str
    to_phone: str
    template: str


class _SentMarks:
    """Marks one row at each step of its sending: one small UPDATE each, committed at once.

    Per row, so that a worker killed mid-batch leaves only the mail in flight
    in doubt. "Handed over" is recorded just before the line that ends the
    message goes to the mail server; "sent" when the server accepted it,
    with its answer (the queue id). Claims are committed before the batch, so
    a row is never sent by two workers at once.
    """

    def __enter__(self):
        return self

    def handed_over(self, notification_id: int) -> None:
        Notification.objects.filter(pk=notification_id).update(handed_over_at=timezone.now())

    def mark(self, notification_id: int, reply: str = "") -> None:
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.SENT, sent_at=timezone.now(), last_error="", server_reply=reply
        )

    def unconfirmed(self, notification_id: int, exc: Exception) -> None:
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.UNCONFIRMED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("Notification %s was handed over; the mail server never answered: %s", notification_id, exc)

    def __exit__(self, *exc):
        return None


def _record_failure(notification_id: int, exc: Exception) -> None:
    notification = Notification.objects.get(pk=notification_id)  # attempts as counted by the claim
    attempts = notification.attempts
    # A text the provider will never deliver (bad number, refused template) is not tried again.
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS or isinstance(exc, SmsPermanentError):
        status, next_at = Notification.Status.FAILED, notification.next_attempt_at
    else:
        delay = BACKOFF_SECONDS[min(attempts - 1, len(BACKOFF_SECONDS) - 1)]
        status, next_at = Notification.Status.PENDING, timezone.now() + timedelta(seconds=delay)
    Notification.objects.filter(pk=notification.pk).update(
        status=status, next_attempt_at=next_at, last_error=f"{type(exc).__name__}: {exc}"[:2000], handed_over_at=None
    )
    logger.warning("Sending notification %s failed (attempt %s): %s", notification.pk, attempts, exc)


def _render_waiting(claimed: list[int]) -> list[int]:
    """Render the claimed e-mails that wait for it (``render_later``) and keep the result in the row.

    Returns the ids still to send: a mail whose template cannot be rendered is recorded as failed."""
    waiting = list(
        Notification.objects.filter(pk__in=claimed, context__isnull=False).only("pk", "template", "language", "context")
    )
    failed = set()
    for notification in waiting:
        try:
            notification.subject, notification.body_text, notification.body_html = render_email(
                template=notification.template, context=from_json(notification.context), language=notification.language
            )
        except Exception as exc:  # noqa: BLE001 - a template error must not stop the batch
            logger.exception("Notification %s could not be rendered", notification.pk)
            _record_failure(notification.pk, exc)
            failed.add(notification.pk)
            continue
        notification.context = None
    rendered = [n for n in waiting if n.pk not in failed]
    if rendered:
        Notification.objects.bulk_update(rendered, ["subject", "body_text", "body_html", "context"])
    return [pk for pk in claimed if pk not in failed]


def notification_send(*, notification_id: int, connection=None) -> bool:
    """Send one row if it can be claimed. Returns True when this call sent it."""
    return notification_send_many(notification_ids=[notification_id], connection=connection) == 1


def notification_send_many(*, notification_ids: Iterable[int], deadline: float | None = None, connection=None) -> int:
    """Send rows over one SMTP connection. Returns how many this call sent.

    Claims every due row of the batch with one UPDATE (rows another worker
    holds are left to it), reads them and the recipients' opt-outs once, skips
    the optional mails of members who turned them off, then sends each row and
    marks it sent as soon as the mail server accepted it. The lease on the rows
    not yet sent is renewed as the batch goes on, so the sweep does not take
    them over from a slow but living worker. Stops taking new rows at
    ``deadline`` (a ``time.monotonic()`` value), or when the mail server cannot
    be reached (after recording that on one row); the rows not tried are given
    back, pending, for the next run.
    """
    claimed, claimed_at = notification_claim_many(notification_ids=notification_ids)
    if not claimed:
        return 0
    claimed = _render_waiting(claimed)
    rows = {row[0]: Outgoing(*row) for row in Notification.objects.filter(pk__in=claimed).values_list(*SEND_FIELDS)}
    skipped = _unsubscribed(rows.values())
    if skipped:
        Notification.objects.filter(pk__in=skipped).update(status=Notification.Status.SKIPPED)
    queue = deque(pk for pk in claimed if pk in rows and pk not in skipped)
    renew_every = settings.OUTBOX_CLAIM_TIMEOUT / 3
    renew_at = time.monotonic() + renew_every
    mail_connection = connection or get_connection()
    composer = Composer()
    texts = _Texts()
    sent = 0
    try:
        with _SentMarks() as marks:
            while queue:
                now = time.monotonic()
                if deadline is not None and now > deadline:
                    break
                if now > renew_at:
                    kept, claimed_at = _renew(list(queue), claimed_at)
                    queue = deque(kept)
                    renew_at = now + renew_every
                    if not queue:
                        break
                notification = rows[queue.popleft()]
                if notification.channel == Notification.Channel.SMS:
                    if texts.send(notification):
                        marks.mark(notification.pk)
                        sent += 1
                    continue
                unreachable = _connection_error(mail_connection)
                if unreachable is not None:
                    _record_failure(notification.pk, unreachable)
                    break
                handed = []

                def handed_over(pk=notification.pk, handed=handed):
                    marks.handed_over(pk)
                    handed.append(pk)

                try:
                    reply = composer.send(
                        notification,
                        message_id=_message_id(notification),
                        connection=mail_connection,
                        handed_over=handed_over,
                    )
                except Exception as exc:  # noqa: BLE001 - SMTP and socket errors alike
                    if handed and not isinstance(exc, smtplib.SMTPResponseException):
                        # The whole message went out and no answer came back: it may have been accepted.
                        marks.unconfirmed(notification.pk, exc)
                    else:
                        _record_failure(notification.pk, exc)
                    mail_connection.close()  # it may be broken; the next row opens a new one
                    continue
                marks.mark(notification.pk, reply)
                sent += 1
    finally:
        _release(list(queue), claimed_at)
        if texts.deferred:
            _release(texts.deferred, claimed_at, wait=texts.deferred)
        if connection is None:
            mail_connection.close()
        texts.close()
    return sent


class _Texts:
    """The text messages of one batch: one SMS connection, opened at the first, and the day's allowance."""

    def __init__(self):
        self.connection = None
        self.deferred: list[int] = []  # over the day's ceiling: given back to wait

    def send(self, notification: Outgoing) -> bool:
        if self.deferred or not sms_allowance_take():
            self.deferred.append(notification.pk)
            return False
        if self.connection is None:
            self.connection = get_sms_connection()
        message = SmsMessage(
            to=notification.to_phone,
            body=notification.body_text,
            template=notification.template,
            reference=str(notification.pk),
        )
        try:
            self.connection.send_messages([message])
        except Exception as exc:  # noqa: BLE001 - provider, socket and HTTP errors alike
            sms_allowance_give_back()
            _record_failure(notification.pk, exc)
            return False
        return True

    def close(self):
        if self.deferred:
            logger.warning("The day's ceiling of text messages is reached: %s texts wait", len(self.deferred))
        if self.connection is not None:
            self.connection.close()


def sms_day_today() -> SmsDay:
    day, _ = SmsDay.objects.get_or_create(day=timezone.localdate(), defaults={"ceiling": settings.SMS_DAILY_LIMIT})
    return day


def sms_allowance_take() -> bool:
    """Take one text from today's allowance (a conditional UPDATE); False once the ceiling is reached."""
    today = timezone.localdate()
    taken = SmsDay.objects.filter(day=today, sent__lt=F("ceiling")).update(sent=F("sent") + 1)
    if taken:
        return True
    day = sms_day_today()  # the day's first text, or the ceiling reached
    return day.sent < day.ceiling and bool(
        SmsDay.objects.filter(day=today, sent__lt=F("ceiling")).update(sent=F("sent") + 1)
    )


def sms_allowance_give_back() -> None:
    SmsDay.objects.filter(day=timezone.localdate(), sent__gt=0).update(sent=F("sent") - 1)


@transaction.atomic
def sms_ceiling_raise(*, day: SmsDay, ceiling: int) -> SmsDay:
    """Set the day's ceiling (an officer, in the admin); texts waiting for it go at the next sweep."""
    SmsDay.objects.filter(pk=day.pk).update(ceiling=ceiling)
    day.refresh_from_db()
    if day.sent < day.ceiling:
        Notification.objects.filter(
            channel=Notification.Channel.SMS, status=Notification.Status.PENDING, next_attempt_at__gt=timezone.now()
        ).filter(last_error="").update(next_attempt_at=timezone.now())
    return day


def _connection_error(connection) -> Exception | None:
    """Open an SMTP connection if it is not (other back-ends need none); the error if it cannot be."""
    if getattr(connection, "connection", False) is not None:
        return None
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - socket and SMTP errors alike
        logger.warning("Could not reach the mail server: %s", exc)
        return exc
    return None


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Rows the sweep should send: pending for longer than ``OUTBOX_SWEEP_GRACE``
    (younger ones are on their way through the broker), or claimed by a worker
    that has not finished within ``OUTBOX_CLAIM_TIMEOUT`` (it died)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    waited = now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE)
    due = Q(status=Notification.Status.PENDING, next_attempt_at__lte=waited) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=stale, handed_over_at=None
    )
    return list(Notification.objects.filter(due).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def outbox_sweep(*, limit: int = 500) -> int:
    """Send rows that are due and not being sent, for at most ``OUTBOX_SWEEP_SECONDS``.

    Returns how many this call sent.
    """
    deadline = time.monotonic() + settings.OUTBOX_SWEEP_SECONDS
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    _unconfirmed_set(Notification.objects.filter(claimed_at__lt=stale))
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
    """Put failed and unconfirmed rows back in the queue (admin action: the officer decides to resend)."""
    again = (Notification.Status.FAILED, Notification.Status.UNCONFIRMED)
    ids = list(notifications.filter(status__in=again).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        status=Notification.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        last_error="",
        handed_over_at=None,
    )
    transaction.on_commit(lambda: notification_queue_many(notification_ids=ids))
    return len(ids)
