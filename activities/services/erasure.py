"""A member's deletion request, as activities carry it out."""

from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, User

from ..models import Activity, CalendarFeed, EligibilityOverride, Rating, Registration, RegistrationEvent
from .base import R, _lock_activity
from .registration import _promote, _transition


def member_activities_erase(member: Member, by: User) -> None:
    """Erase the member's words and free the places they still hold.

    Registrations stay (participation figures count them), linked to the
    anonymised profile; rating comments, notes on their changes, the reasons of
    eligibility exceptions and the calendar feed go. Places in activities not yet
    started are given up, and the next on the waiting list moves up.
    """
    now = timezone.now()
    upcoming = (
        Registration.objects.filter(member=member, status__in=(R.PENDING, R.CONFIRMED, R.WAITING))
        .filter(activity__starts_at__gt=now)
        .values_list("pk", "activity_id")
    )
    for registration_pk, activity_id in list(upcoming):
        activity = _lock_activity(Activity(pk=activity_id))
        registration = Registration.objects.select_related("member__user").get(pk=registration_pk)
        registration.activity = activity
        held_place = registration.holds_place
        _transition(registration, R.CANCELLED, by=by)
        if held_place:
            _promote(activity, by=None, now=now)
    Rating.objects.filter(registration__member=member).exclude(comment="").update(comment="")
    RegistrationEvent.objects.filter(registration__member=member).exclude(note="").update(note="")
    EligibilityOverride.objects.filter(member=member).update(reason=_("(erased at the worker's request)"))
    CalendarFeed.objects.filter(member=member).delete()
    Registration.history.filter(member_id=member.pk).delete()
