"""iCalendar (.ics) files for one activity and for a member's personal feed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from .models import Activity, Registration

PRODID = "-//UnionPortal//Activities//ZH"


def _uid(activity: Activity) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "unionportal.local"
    return f"activity-{activity.pk}@{host}"


def activity_event(activity: Activity, registration: Registration | None = None) -> Event:
    url = settings.SITE_URL + reverse("activities:detail", args=[activity.pk])
    summary = activity.title
    status = "CONFIRMED"
    if registration is not None and registration.status == Registration.Status.WAITING:
        summary = _("[Waiting list] %(title)s") % {"title": activity.title}
        status = "TENTATIVE"
    elif registration is not None and registration.status == Registration.Status.PENDING:
        summary = _("[In the draw] %(title)s") % {"title": activity.title}
        status = "TENTATIVE"
    if activity.status == Activity.Status.CANCELLED:
        summary = _("[Cancelled] %(title)s") % {"title": activity.title}
        status = "CANCELLED"

    event = Event()
    event.add("uid", _uid(activity))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", activity.starts_at)
    event.add("dtend", activity.ends_at)
    event.add("summary", summary)
    event.add("status", status)
    event.add("url", url)
    event.add("last-modified", activity.updated_at)
    if activity.place:
        event.add("location", activity.place)
    event.add("description", f"{activity.description}\n\n{url}".strip())
    if status != "CANCELLED" and activity.reminder_lead:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", activity.title)
        alarm.add("trigger", -activity.reminder_lead)
        event.add_component(alarm)
    return event


def calendar_bytes(*, name: str, events: list[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
