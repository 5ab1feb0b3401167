"""200 workers press "sign up" at the same moment for 50 places.

Each press is a real request through the view, in its own thread with its
own database connection (connections are per thread; CONN_MAX_AGE=0 closes
each one at the end of its request). The suite runs this on SQLite (a file
database, see ``unionportal/settings/test.py``) and, in CI, on PostgreSQL.
"""

import threading
import time

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from activities.models import Registration
from notifications.models import Notification
from tests.activities.factories import ActivityFactory
from tests.factories import ActiveMemberFactory

WORKERS = 200
PLACES = 50
# Each round is a new activity pressed by all 200 at once. Three, not five: on PostgreSQL every
# press opens a connection, and two more rounds cost ~30 s of CI's ten-minute budget.
ROUNDS = 3
# All 200 requests are released at one instant; like a web server's pool of
# workers, at most this many are being handled at once and the rest queue.
IN_FLIGHT = {"sqlite": 20, "postgresql": 20}

S = Registration.Status


def press_all(clients, url) -> tuple[list[int], list[BaseException]]:
    statuses, errors = [], []
    barrier = threading.Barrier(len(clients))
    slots = threading.BoundedSemaphore(IN_FLIGHT.get(connection.vendor, len(clients)))

    def press(client):
        try:
            barrier.wait()
            with slots:
                statuses.append(client.post(url).status_code)
        except BaseException as exc:  # noqa: BLE001 - every failure is a finding
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=press, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses, errors


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_hundred_simultaneous_sign_ups_fill_fifty_places_and_queue_the_rest(tree, monkeypatch):
    # The e-mails are written to the outbox inside each sign-up's transaction (checked
    # below); sending them is the Celery worker's job, which the test settings would
    # otherwise run eagerly inside each request thread.
    monkeypatch.setattr("notifications.services.notification_queue", lambda **kwargs: None)
    members = [ActiveMemberFactory(unit=tree["branch_a"]) for _ in range(WORKERS)]
    clients = []
    for member in members:
        client = Client()
        client.force_login(member.user)
        clients.append(client)

    for round_ in range(ROUNDS):
        activity = ActivityFactory(unit=tree["union_a"], capacity=PLACES, title=f"并发报名第{round_ + 1}轮")
        url = reverse("activities:signup", args=[activity.pk])
        started = time.monotonic()
        statuses, errors = press_all(clients, url)
        elapsed = time.monotonic() - started

        assert errors == []
        assert statuses == [302] * WORKERS, "every worker is sent back to the activity page, no error page"
        registrations = activity.registrations
        assert registrations.filter(status=S.CONFIRMED).count() == PLACES
        assert registrations.filter(status=S.WAITING).count() == WORKERS - PLACES
        positions = sorted(registrations.filter(status=S.WAITING).values_list("position", flat=True))
        assert positions == list(range(1, WORKERS - PLACES + 1))
        mails = Notification.objects.filter(key__startswith="activity-registration:")
        assert mails.filter(template="activity-confirmed").count() == PLACES * (round_ + 1)
        assert mails.filter(template="activity-waiting").count() == (WORKERS - PLACES) * (round_ + 1)
        print(f"round {round_ + 1}: {WORKERS} sign-ups on {connection.vendor} in {elapsed:.2f}s")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_hundred_simultaneous_lottery_entries_all_count_and_the_draw_gives_fifty_places(tree, monkeypatch):
    # Entries take only a shared lock on the activity: none waits for another, and none is lost.
    from django.utils import timezone

    from activities import services
    from activities.models import Activity

    monkeypatch.setattr("notifications.services.notification_queue", lambda **kwargs: None)
    clients = []
    for member in [ActiveMemberFactory(unit=tree["branch_a"]) for _ in range(WORKERS)]:
        client = Client()
        client.force_login(member.user)
        clients.append(client)
    activity = ActivityFactory(
        unit=tree["union_a"],
        capacity=PLACES,
        title="夏令营抽签",
        allocation=Activity.Allocation.LOTTERY,
        signup_closes_at=timezone.now() + timezone.timedelta(days=1),
    )
    statuses, errors = press_all(clients, reverse("activities:signup", args=[activity.pk]))
    assert errors == [] and statuses == [302] * WORKERS
    assert activity.registrations.filter(status=S.PENDING).count() == WORKERS

    Activity.objects.filter(pk=activity.pk).update(signup_closes_at=timezone.now() - timezone.timedelta(seconds=1))
    activity.refresh_from_db()
    services.lottery_draw(activity=activity, by=None)
    assert activity.registrations.filter(status=S.CONFIRMED).count() == PLACES
    positions = sorted(activity.registrations.filter(status=S.WAITING).values_list("position", flat=True))
    assert positions == list(range(1, WORKERS - PLACES + 1))
