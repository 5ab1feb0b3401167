"""Places: sign-up, the waiting list, cancellation, and the changes of an activity that move them."""

import logging
import time
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, User
from members.notify import member_notify

from ..models import Activity, Registration, RegistrationEvent
from .base import R, _check_officer, _is_drawn, _lock_activity, _taken, _when, activity_mail_context
from .eligibility import eligibility_check, signup_blockers

# How long each sign-up waited for and held the activity's row lock (DEBUG; the benchmark's settings
# write it to a file, production leaves it off: tests/bench/rush.py).
lock_log = logging.getLogger("activities.locks")


def _transition(registration: Registration, to: str, *, by: User | None, note: str = "", **fields) -> RegistrationEvent:
    """Move a registration to ``to`` and record the change."""
    from_state = registration.status if registration.pk else ""
    registration.status = to
    if to != R.WAITING:
        registration.position = None
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.save()
    return RegistrationEvent.record(registration, from_state=from_state, to=to, by=by, note=note)


def _queue_position(registration: Registration) -> int | None:
    if registration.status != R.WAITING:
        return None
    ahead = Registration.objects.filter(
        activity_id=registration.activity_id, status=R.WAITING, position__lt=registration.position
    ).count()
    return ahead + 1


def _notify(
    *, registration: Registration, template: str, key: str, note: str = "", queue_position: int | None = None
) -> None:
    """Queue one e-mail to the registered member, in their language (outbox).

    The outbox keeps the template and this context; the worker renders the mail when it sends it.
    ``queue_position`` saves counting the waiting list when the caller knows it."""
    member = registration.member
    if not any(member.reach()):
        return  # before the queue position is counted
    activity = registration.activity
    member_notify(
        member=member,
        key=key,
        template=template,
        context={
            **activity_mail_context(activity, member),
            "position": queue_position or _queue_position(registration),
            "note": note,
            "registration_url": settings.SITE_URL + reverse("activities:registration", args=[registration.pk]),
        },
        render_later=True,
    )


def _notify_event(*, registration: Registration, event: RegistrationEvent, template: str, note: str = "") -> None:
    # One e-mail per recorded change: a retried call can never send it twice.
    _notify(registration=registration, template=template, key=f"activity-registration:{event.pk}", note=note)


def _promote(activity: Activity, *, by: User | None = None, now: datetime | None = None) -> list[Registration]:
    """Give free places to the waiting list, first in line first. The caller holds the activity lock."""
    now = now or timezone.now()
    if activity.status != Activity.Status.PUBLISHED or activity.has_started(now):
        return []
    if activity.is_lottery and not _is_drawn(activity):
        return []  # places are drawn, not queued, until the draw
    free = activity.capacity - _taken(activity)
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.select_related("member__user")
        .filter(activity=activity, status=R.WAITING)
        .order_by("position", "id")[:free]
    )
    for registration in promoted:
        registration.activity = activity
        event = _transition(registration, R.CONFIRMED, by=by)
        _notify_event(registration=registration, event=event, template="activity-promoted")
    return promoted


@transaction.atomic
def registration_promote(*, activity: Activity, by: User | None = None) -> list[Registration]:
    """Fill free places from the waiting list, in order, e-mailing each promoted worker."""
    return _promote(_lock_activity(activity), by=by)


def _signup_blockers_or_raise(activity: Activity, now: datetime) -> None:
    blockers = signup_blockers(activity=activity, now=now)
    if blockers:
        raise ValidationError(blockers)


def _lock_for_signup(activity: Activity, *, shared: bool) -> Activity:
    """What the decision reads of the activity's row, re-read under its lock.

    ``shared`` (a lottery before its draw) takes ``FOR SHARE``: entries do not wait for each
    other, only the draw (``FOR UPDATE``) waits for them, and they for it. Django's
    ``select_for_update`` has no shared lock, so that one statement is written out; the
    exclusive lock is the ORM's. On SQLite the transaction itself is the lock
    (``BEGIN IMMEDIATE``, see the package docstring)."""
    fields = ["status", "capacity", "waiting_list", "signup_opens_at", "signup_closes_at", "starts_at"]
    if not (shared and connection.features.has_select_for_update):
        return Activity.objects.select_for_update().only(*fields).get(pk=activity.pk)
    columns = ", ".join(["id", *fields])
    sql = f"SELECT {columns} FROM {Activity._meta.db_table} WHERE id = %s FOR SHARE"  # noqa: S608 # nosec B608
    found = list(Activity.objects.raw(sql, [activity.pk]))
    if not found:
        raise Activity.DoesNotExist
    return found[0]


def _places(activity: Activity) -> tuple[int, int, int]:
    """(places taken, members waiting, last waiting position) of ``activity``, in one query."""
    waiting = Q(status=R.WAITING)
    found = Registration.objects.filter(activity=activity).aggregate(
        taken=Count("pk", filter=Q(status__in=Registration.PLACE_STATUSES)),
        waiting=Count("pk", filter=waiting),
        last=Max("position", filter=waiting),
    )
    return found["taken"], found["waiting"], found["last"] or 0


def _write_history(registration: Registration, *, from_state: str, by: User | None, at: datetime) -> None:
    """The registration's change log and its simple-history row, written after the decision."""
    RegistrationEvent.record(registration, from_state=from_state, to=registration.status, by=by, at=at)
    history = Registration.history.model
    history.objects.create(
        history_date=at,
        history_type="+" if not from_state else "~",
        history_user=by,
        **{field.attname: getattr(registration, field.attname) for field in history.tracked_fields},
    )


def registration_signup(*, activity: Activity, member: Member, by: User | None = None) -> Registration:
    """Sign ``member`` up for ``activity``.

    They get a place if one is free, else a place on the waiting list (if
    the activity has one), or, for a lottery, an entry in the draw. ``by`` is
    whoever acts: the worker themselves, or an officer signing someone up.

    In three steps, so that the activity's row stays locked only while the
    decision is made (the 9:00 rush: thousands press at once, one after the other
    through that lock):

    1. Before the lock: the officer check, the sign-up window, the eligibility
       rules and the member's earlier registration, read once.
    2. Under the lock (``SELECT ... FOR UPDATE`` of the activity's row, see the
       package docstring): the window again from the locked row, the places
       counted once, the registration row written; plain statements, little
       Python. On PostgreSQL this transaction commits without waiting for the
       disk (``synchronous_commit = off``), so the lock is released at once.
    3. After it: the e-mail (the outbox keeps the template and its context: the
       worker renders it), the change log and the history, in a transaction that
       does wait for the disk, and with it for the decision's commit record (the
       log is written in order), before the member is answered: nobody is told
       "confirmed" before it is durable. Should the database server stop between
       the two commits, the place may be kept without its e-mail and log line
       (the member, not answered yet, finds it on the activity's page).

    A lottery before its draw takes entries under a shared lock: they do not wait
    for each other, only the draw waits for them.
    """
    if by is not None and by.pk != member.user_id:
        _check_officer(by=by, activity=activity, perm="activities.add_registration")
    now = timezone.now()
    _signup_blockers_or_raise(activity, now)
    eligibility = eligibility_check(activity=activity, member=member)
    if not eligibility.eligible:
        raise ValidationError(list(eligibility.reasons))
    registration = Registration.objects.filter(activity=activity, member=member).first()
    if registration is not None and registration.status in Registration.ACTIVE_STATUSES:
        raise ValidationError(_("You are already signed up for this activity."))
    from_state = registration.status if registration is not None else ""
    outer = transaction.get_connection().in_atomic_block
    lottery = activity.is_lottery and not _is_drawn(activity)  # a query for a lottery only

    asked = time.perf_counter()
    try:
        with transaction.atomic():
            if not outer and connection.vendor == "postgresql":
                # A setting of this transaction, not a query: it commits without waiting for the disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            locked = _lock_for_signup(activity, shared=lottery)
            acquired = time.perf_counter()
            released = []  # the first callback after COMMIT: when the lock was released
            transaction.on_commit(lambda: released.append(time.perf_counter()))
            _signup_blockers_or_raise(locked, now)
            position = None
            if lottery:
                to, template = R.PENDING, "activity-entered"
            else:
                taken, waiting, last = _places(locked)
                if taken < locked.capacity and waiting:
                    # A place freed earlier but not handed on yet belongs to the queue, not to a newcomer.
                    taken += len(_promote(_lock_activity(activity), now=now))
                    taken, waiting, last = _places(locked)
                if taken < locked.capacity:
                    to, template = R.CONFIRMED, "activity-confirmed"
                elif locked.waiting_list:
                    to, template, position = R.WAITING, "activity-waiting", last + 1
                else:
                    raise ValidationError(_("This activity is full."))
            if registration is None:
                registration = Registration(activity=activity, member=member)
            registration.activity = activity
            registration.status, registration.position, registration.created_at = to, position, now
            registration.checked_in_at, registration.checked_in_by = None, None
            registration.skip_history_when_saving = True  # written in step 3
            registration.save()
            del registration.skip_history_when_saving
            decided = time.perf_counter()
    except IntegrityError:
        # The same member pressed twice at once: the other press took the row.
        raise ValidationError(_("You are already signed up for this activity.")) from None
    committed = released[0] if released else time.perf_counter()
    if lock_log.isEnabledFor(logging.DEBUG):
        lock_log.debug(
            "activity=%s waited_ms=%.3f decided_ms=%.3f held_ms=%.3f",
            activity.pk,
            (acquired - asked) * 1000,
            (decided - acquired) * 1000,
            (committed - acquired) * 1000,
        )
    with transaction.atomic():
        _notify(
            registration=registration,
            template=template,
            key=f"activity-registration:signup:{registration.pk}:{now.timestamp():.6f}",
            queue_position=waiting + 1 if to == R.WAITING else None,
        )
        _write_history(registration, from_state=from_state, by=by, at=now)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User, note: str = "") -> Registration:
    """Give up a place, leave the waiting list or withdraw from a draw.

    A freed place goes to the first worker on the waiting list at once.
    Workers may cancel a confirmed place online until the activity's
    cut-off; officers may cancel for them until the start.
    """
    activity = _lock_activity(registration.activity)
    registration = Registration.objects.select_related("member__user").get(pk=registration.pk)
    registration.activity = activity
    is_self = by.pk == registration.member.user_id
    if not is_self:
        _check_officer(by=by, activity=activity, perm="activities.change_registration")
    if registration.status not in (R.PENDING, R.CONFIRMED, R.WAITING):
        raise ValidationError(_("This registration can no longer be cancelled."))
    now = timezone.now()
    if activity.has_started(now):
        raise ValidationError(_("The activity has already started."))
    if is_self and registration.status == R.CONFIRMED and now > activity.starts_at - activity.cancellation_cutoff:
        raise ValidationError(
            _("It is too late to cancel online (the cut-off was %(when)s). Please tell the organisers.")
            % {"when": _when(activity.starts_at - activity.cancellation_cutoff)}
        )
    held_place = registration.holds_place
    event = _transition(registration, R.CANCELLED, by=by, note=note)
    if not is_self:
        _notify_event(registration=registration, event=event, template="activity-withdrawn", note=note)
    if held_place:
        _promote(activity, by=None, now=now)
    return registration


# --- The activity as a whole ---------------------------------------------------


@transaction.atomic
def activity_publish(*, activity: Activity, by: User) -> Activity:
    activity = _lock_activity(activity)
    _check_officer(by=by, activity=activity, perm="activities.change_activity")
    if activity.status != Activity.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    if activity.has_started():
        raise ValidationError(_("This activity is in the past."))
    activity.status = Activity.Status.PUBLISHED
    activity.save(update_fields=["status", "updated_at"])
    return activity


def activity_capacity_check(*, activity: Activity, capacity: int) -> None:
    """Refuse a capacity below the places already taken (forms call it too)."""
    if capacity < 1:
        raise ValidationError(_("An activity needs at least one place."))
    taken = _taken(activity)
    if capacity < taken:
        raise ValidationError(
            ngettext(
                "%(taken)d place is taken already; the capacity cannot be lower.",
                "%(taken)d places are taken already; the capacity cannot be lower.",
                taken,
            )
            % {"taken": taken}
        )


@transaction.atomic
def activity_capacity_change(*, activity: Activity, capacity: int, by: User) -> list[Registration]:
    """Set the number of places; extra places go to the waiting list at once.

    The capacity cannot go below the places already taken: nobody loses a
    confirmed place because an officer typed a smaller number."""
    activity = _lock_activity(activity)
    _check_officer(by=by, activity=activity, perm="activities.change_activity")
    activity_capacity_check(activity=activity, capacity=capacity)
    activity.capacity = capacity
    activity.save(update_fields=["capacity", "updated_at"])
    return _promote(activity, by=by)


@transaction.atomic
def activity_cancel(*, activity: Activity, by: User, reason: str) -> int:
    """Cancel the activity and e-mail everyone signed up (with the reason).

    Returns how many workers were told."""
    activity = _lock_activity(activity)
    _check_officer(by=by, activity=activity, perm="activities.cancel_activity")
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This activity is already cancelled."))
    if activity.has_ended():
        raise ValidationError(_("This activity is already over."))
    if not reason.strip():
        raise ValidationError(_("Give a reason: it is sent to everyone signed up."))
    activity.status = Activity.Status.CANCELLED
    activity.cancelled_at = timezone.now()
    activity.cancel_reason = reason.strip()
    activity.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    affected = list(
        activity.registrations.select_related("member__user").filter(status__in=[R.PENDING, R.CONFIRMED, R.WAITING])
    )
    for registration in affected:
        registration.activity = activity
        _transition(registration, R.CANCELLED, by=by, note=activity.cancel_reason)
        _notify(
            registration=registration,
            template="activity-cancelled",
            key=f"activity-cancelled:{activity.pk}:{registration.pk}",
            note=activity.cancel_reason,
        )
    return len(affected)
