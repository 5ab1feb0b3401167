"""Places: sign-up, the waiting list, cancellation, and the changes of an activity that move them."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, User
from members.notify import member_notify

from ..models import Activity, Registration, RegistrationEvent
from .base import R, _check_officer, _is_drawn, _lock_activity, _next_position, _taken, _when
from .eligibility import eligibility_check, signup_blockers


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


def _notify(*, registration: Registration, template: str, key: str, note: str = "") -> None:
    """Queue one e-mail to the registered member, in their language (outbox)."""
    member = registration.member
    if not any(member.reach()):
        return  # before the queue position is counted
    activity = registration.activity
    member_notify(
        member=member,
        key=key,
        template=template,
        context={
            "name": member.name,
            "title": activity.title,
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "place": activity.place,
            "unit": activity.unit.name,
            "position": _queue_position(registration),
            "note": note,
            "activity_url": settings.SITE_URL + reverse("activities:detail", args=[activity.pk]),
            "registration_url": settings.SITE_URL + reverse("activities:registration", args=[registration.pk]),
            "calendar_url": settings.SITE_URL + reverse("activities:calendar", args=[activity.pk]),
        },
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


@transaction.atomic
def registration_signup(*, activity: Activity, member: Member, by: User | None = None) -> Registration:
    """Sign ``member`` up for ``activity``.

    They get a place if one is free, else a place on the waiting list (if
    the activity has one), or, for a lottery, an entry in the draw. ``by`` is
    whoever acts: the worker themselves, or an officer signing someone up.

    Locks the activity first, so the count of places taken cannot change
    between reading it and taking a place (see the module docstring).
    """
    activity = _lock_activity(activity)
    if by is not None and by.pk != member.user_id:
        _check_officer(by=by, activity=activity, perm="activities.add_registration")
    now = timezone.now()
    blockers = signup_blockers(activity=activity, now=now)
    if blockers:
        raise ValidationError(blockers)
    eligibility = eligibility_check(activity=activity, member=member)
    if not eligibility.eligible:
        raise ValidationError(list(eligibility.reasons))
    registration = Registration.objects.filter(activity=activity, member=member).first()
    if registration is not None and registration.status in Registration.ACTIVE_STATUSES:
        raise ValidationError(_("You are already signed up for this activity."))

    if activity.is_lottery and not _is_drawn(activity):
        to, template = R.PENDING, "activity-entered"
    else:
        taken = _taken(activity)
        if taken < activity.capacity and activity.registrations.filter(status=R.WAITING).exists():
            # A place freed earlier but not handed on yet belongs to the queue, not to a newcomer.
            taken += len(_promote(activity, now=now))
        if taken < activity.capacity:
            to, template = R.CONFIRMED, "activity-confirmed"
        elif activity.waiting_list:
            to, template = R.WAITING, "activity-waiting"
        else:
            raise ValidationError(_("This activity is full."))

    if registration is None:
        registration = Registration(activity=activity, member=member)
    registration.activity = activity
    position = _next_position(activity) if to == R.WAITING else None
    event = _transition(
        registration, to, by=by, position=position, created_at=now, checked_in_at=None, checked_in_by=None
    )
    _notify_event(registration=registration, event=event, template=template)
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
