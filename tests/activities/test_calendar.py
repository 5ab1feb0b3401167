"""The .ics of one activity and the member's private feed."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from activities import services
from activities.models import CalendarFeed
from tests.activities.factories import ActivityFactory


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def feed(worker):
    return services.calendar_feed_renew(member=worker)


def test_an_activity_downloads_as_an_ics_event(client, activity, worker):
    client.force_login(worker.user)
    (event,) = events(client.get(reverse("activities:calendar", args=[activity.pk])))
    assert str(event["summary"]) == activity.title
    assert event.decoded("dtstart") == activity.starts_at
    assert event.decoded("dtend") == activity.ends_at
    assert str(event["location"]) == activity.place
    alarm = event.walk("VALARM")[0]
    assert alarm.decoded("trigger") == -activity.reminder_lead


def test_the_personal_feed_holds_the_members_activities(client, tree, worker, feed):
    mine = ActivityFactory(unit=tree["union_a"], title="我报名的活动")
    ActivityFactory(unit=tree["union_a"], title="别人的活动")
    services.registration_signup(activity=mine, member=worker, by=worker.user)
    response = client.get(reverse("activities:feed", args=[feed.token]))
    assert response.status_code == 200
    assert [str(e["summary"]) for e in events(response)] == ["我报名的活动"]


def test_a_cancelled_activity_stays_in_the_feed_marked_cancelled(client, activity, worker, officer, feed):
    services.registration_signup(activity=activity, member=worker, by=worker.user)
    services.activity_cancel(activity=activity, by=officer, reason="下雨")
    (event,) = events(client.get(reverse("activities:feed", args=[feed.token])))
    assert str(event["status"]) == "CANCELLED"


def test_a_wrong_token_is_a_404(client, feed):
    assert client.get(reverse("activities:feed", args=["not-the-token"])).status_code == 404
    assert client.get(reverse("activities:feed", args=[feed.token[:-1]])).status_code == 404


def test_a_revoked_or_renewed_token_stops_working(client, worker, feed):
    old = feed.token
    new = services.calendar_feed_renew(member=worker)
    assert client.get(reverse("activities:feed", args=[old])).status_code == 404
    assert client.get(reverse("activities:feed", args=[new.token])).status_code == 200
    services.calendar_feed_revoke(member=worker)
    assert client.get(reverse("activities:feed", args=[new.token])).status_code == 404


def test_the_worker_manages_their_link_from_my_activities(client, worker):
    client.force_login(worker.user)
    client.post(reverse("activities:feed-manage"), {"action": "renew"})
    feed = CalendarFeed.objects.get(member=worker)
    page = client.get(reverse("activities:mine")).content.decode()
    assert feed.token in page
    client.post(reverse("activities:feed-manage"), {"action": "revoke"})
    assert not CalendarFeed.objects.exists()


def test_the_feed_token_is_long_and_random(worker, other_worker):
    first = services.calendar_feed_renew(member=worker)
    second = services.calendar_feed_renew(member=other_worker)
    assert len(first.token) >= 40 and first.token != second.token
