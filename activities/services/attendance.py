"""Attendance: check-in at the door, and the no-shows once the activity is over."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User

from ..models import Activity, Registration
from .base import R, _check_officer, _lock_activity, _when
from .registration import _transition

# Officers may check members in from this long before the start.
CHECK_IN_OPENS_BEFORE = timedelta(hours=2)


@transaction.atomic
def registration_check_in(*, registration: Registration, by: User) -> Registration:
    """Record that the member came (admin bulk action or member card scan)."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__unit", "member")
        .get(pk=registration.pk)
    )
    activity = registration.activity
    _check_officer(by=by, activity=activity, perm="activities.check_in_registration")
    name = registration.member.name
    if registration.status == R.ATTENDED:
        raise ValidationError(_("%(name)s is already checked in.") % {"name": name})
    if registration.status not in (R.CONFIRMED, R.NO_SHOW):
        raise ValidationError(_("%(name)s has no confirmed place in this activity.") % {"name": name})
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("This activity has been cancelled."))
    now = timezone.now()
    if now < activity.starts_at - CHECK_IN_OPENS_BEFORE:
        raise ValidationError(
            _("Check-in opens at %(when)s.") % {"when": _when(activity.starts_at - CHECK_IN_OPENS_BEFORE)}
        )
    _transition(registration, R.ATTENDED, by=by, checked_in_at=now, checked_in_by=by)
    return registration


@transaction.atomic
def registration_check_in_undo(*, registration: Registration, by: User) -> Registration:
    """Take back a check-in made by mistake (the wrong card at the door): the member has their place again."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__unit", "member")
        .get(pk=registration.pk)
    )
    _check_officer(by=by, activity=registration.activity, perm="activities.check_in_registration")
    if registration.status != R.ATTENDED:
        raise ValidationError(_("%(name)s is not checked in: nothing to undo.") % {"name": registration.member.name})
    _transition(registration, R.CONFIRMED, by=by, note=_("check-in undone"), checked_in_at=None, checked_in_by=None)
    return registration


@transaction.atomic
def no_shows_record(*, activity: Activity, by: User | None = None) -> int:
    """After the activity, mark every confirmed participant who was not checked in as a no-show."""
    activity = _lock_activity(activity)
    if by is not None:
        _check_officer(by=by, activity=activity, perm="activities.check_in_registration")
    if not activity.has_ended():
        raise ValidationError(_("No-shows are recorded once the activity is over."))
    missing = list(activity.registrations.filter(status=R.CONFIRMED))
    for registration in missing:
        _transition(registration, R.NO_SHOW, by=by)
    return len(missing)


def no_shows_record_due() -> int:
    """Record the no-shows of every activity that is over (the scheduler's job)."""
    ended = Activity.objects.published().filter(ends_at__lte=timezone.now(), registrations__status=R.CONFIRMED)
    return sum(no_shows_record(activity=activity) for activity in ended.distinct())
