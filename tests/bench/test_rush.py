"""The rush benchmark's own parts work (the rush itself runs with ``BENCH_ONLY=rush make bench``)."""

from django.test import Client
from django.urls import reverse

from activities.models import Registration
from tests.activities.factories import ActivityFactory
from tests.bench import rush
from tests.factories import ActiveMemberFactory


def test_sessions_made_in_the_database_sign_members_up_with_their_csrf_token(db, tree, tmp_path):
    members = [ActiveMemberFactory(unit=tree["branch_a"]) for _ in range(3)]
    people = rush.members_with_sessions(3)
    assert sorted(person["member"] for person in people) == sorted(member.pk for member in members)
    activity = ActivityFactory(unit=tree["union_a"], capacity=2)
    for person in people:
        client = Client(enforce_csrf_checks=True, HTTP_COOKIE=person["cookie"])
        response = client.post(
            reverse("activities:signup", args=[activity.pk]), {"csrfmiddlewaretoken": person["token"]}
        )
        assert response.status_code == 302 and response["Location"] == reverse("activities:detail", args=[activity.pk])
    check = rush.outcome(activity, people=3, places=2)
    assert check == {"registrations": 3, "confirmed": 2, "waiting": 1, "pending": 0, "correct": True}
    assert Registration.objects.get(activity=activity, status=Registration.Status.WAITING).position == 1


def test_the_lock_figures_are_read_per_activity(tmp_path):
    log = tmp_path / "locks.log"
    log.write_text(
        "activity=7 waited_ms=1.000 decided_ms=0.500 held_ms=0.700\n"
        "activity=8 waited_ms=9.000 decided_ms=9.000 held_ms=9.000\n"
        "activity=7 waited_ms=3.000 decided_ms=0.900 held_ms=1.100\n"
    )
    figures = rush.lock_times(log, 7)
    assert figures["count"] == 2
    assert figures["held"]["max_ms"] == 1.1 and figures["held_before_commit"]["p50_ms"] == 0.9
