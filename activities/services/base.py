"""What every activity rule shares: the activity's row lock and the officer check."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.models import User
from members.scoping import user_may_see_unit

from ..models import Activity, LotteryDraw, Registration

R = Registration.Status


def activity_mail_context(activity: Activity, member) -> dict:
    """What every mail about an activity tells the member: the activity and its links."""
    return {
        "name": member.name,
        "title": activity.title,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "place": activity.place,
        "unit": activity.unit.name,
        "activity_url": settings.SITE_URL + reverse("activities:detail", args=[activity.pk]),
        "calendar_url": settings.SITE_URL + reverse("activities:calendar", args=[activity.pk]),
    }


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _lock_activity(activity: Activity) -> Activity:
    """Re-read the activity and hold its row lock until the transaction ends."""
    return Activity.objects.select_for_update(of=("self",)).select_related("unit").get(pk=activity.pk)


def _check_officer(*, by: User | None, activity: Activity, perm: str) -> None:
    if not (
        by is not None and by.is_active and by.is_staff and by.has_perm(perm) and user_may_see_unit(by, activity.unit)
    ):
        raise PermissionDenied(_("You may not manage this activity."))


def _taken(activity: Activity) -> int:
    return activity.registrations.filter(status__in=Registration.PLACE_STATUSES).count()


def _next_position(activity: Activity) -> int:
    last = activity.registrations.filter(status=R.WAITING).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _is_drawn(activity: Activity) -> bool:
    return LotteryDraw.objects.filter(activity=activity).exists()
