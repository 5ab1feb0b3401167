"""Real Celery workers and beats, a real Redis and PostgreSQL, a local SMTP
server counting what arrives: each reminder arrives exactly once whatever
fails (a worker killed, two beats, Redis away, a request that fails).

The processes run the production settings against pytest's test database;
the Redis server is a private one on a free port (stopping it harms no one).
"""

import re
import time
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from members import notify
from members.models import Member
from notifications.models import Notification
from tests.factories import MemberFactory
from tests.markers import requires_postgres, requires_redis
from tests.notifications.harness import Portal, RedisServer, SmtpSink, wait_for
from tests.notifications.helpers import celery_publishing_to

pytestmark = [requires_postgres, requires_redis, pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Once every row is sent, listen this long for a late duplicate (a send that
# was under way); nothing can be claimed again after that.
QUIET_SECONDS = 1.5


@pytest.fixture
def sink():
    server = SmtpSink()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def portal(tmp_path, redis_server, sink, django_db_setup):
    # Speed only: commits need not wait for the disk in a throwaway database
    # (it changes nothing unless the PostgreSQL server itself crashes).
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" SET synchronous_commit = off')
    processes = Portal(workdir=tmp_path, redis_url=redis_server.url, smtp_port=sink.port)
    yield processes
    processes.stop_all()


def run_only(name: str, *, every_seconds: int) -> None:
    """Like an officer in the admin: run this job every few seconds, pause the others."""
    schedule, _ = IntervalSchedule.objects.get_or_create(every=every_seconds, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.exclude(name=name).update(enabled=False)
    task = PeriodicTask.objects.get(name=name)
    task.interval, task.crontab, task.enabled = schedule, None, True
    task.save()


def add_members(unit, count: int, *, born: date) -> list[str]:
    members = Member.objects.bulk_create(
        Member(
            name=f"会员{n}",
            gender=Member.Gender.FEMALE,
            date_of_birth=born,
            unit=unit,
            union=unit.grassroots_union,
            email=f"member{n}@example.cn",
            language="en" if n % 3 == 0 else "zh-hans",
            status=Member.Status.ACTIVE,
            wants_optional_mail=True,
        )
        for n in range(count)
    )
    return [member.email for member in members]


def assert_each_once(sink: SmtpSink, addresses) -> None:
    received = sink.per_recipient()
    assert set(received) == set(addresses)
    assert {count for count in received.values()} == {1}, received.most_common(3)


def settle(sink: SmtpSink, expected: int, *, timeout: float) -> None:
    unfinished = Notification.objects.filter(status__in=[Notification.Status.PENDING, Notification.Status.SENDING])
    wait_for(
        lambda: sink.count >= expected and not unfinished.exists(),
        timeout=timeout,
        message=f"{expected} mails (have {sink.count})",
    )
    time.sleep(QUIET_SECONDS)


def test_a_worker_killed_mid_run_sends_none_twice_and_loses_only_what_the_server_had_in_hand(tree, sink, portal):
    day = date(2026, 5, 2)
    addresses = add_members(tree["branch_a"], 2000, born=date(1990, 5, 2))
    run_only("Outbox sweep", every_seconds=1)
    portal.start_worker("worker-1")
    portal.start_beat("beat")
    portal.wait_until_ready("worker-1", "beat")

    started = time.monotonic()
    with celery_publishing_to(portal.env["REDIS_URL"]) as app:
        app.send_task("notifications.birthday_greetings", kwargs={"day": day.isoformat()})
    wait_for(lambda: Notification.objects.count() == 2000, timeout=90, message="2,000 reminders saved")
    # Part-way through sending, the SMTP server stops answering the end of a
    # message; once both pool processes wait for its "250", the whole worker
    # is SIGKILLed: two messages are in the server's hands, unanswered.
    wait_for(lambda: sink.count >= 300, timeout=90, message="300 mails")
    sink.hold()
    wait_for(lambda: sink.waiting >= 2, timeout=30, message="both pool processes in the middle of a send")
    portal.kill("worker-1")
    # Release only once the sink has seen the dead worker's connections close
    # (which abandons their held messages: this server then did not accept them).
    wait_for(lambda: sink.waiting == 0, timeout=30, message="the sink to see the killed worker's connections close")
    before_kill = sink.count
    sink.release()
    in_flight = Notification.objects.filter(status=Notification.Status.SENDING).count()

    portal.start_worker("worker-2")
    portal.wait_until_ready("worker-2")
    settle(sink, 2000 - 2, timeout=180)
    took = time.monotonic() - started

    assert 300 <= before_kill < 2000
    # The two mails handed over when the worker died: the server may have had them (a real one
    # may well have delivered them), so they are not sent again but shown to officers as unconfirmed.
    unconfirmed = Notification.objects.filter(status=Notification.Status.UNCONFIRMED)
    assert unconfirmed.count() == 2
    assert all(row.handed_over_at and not row.sent_at for row in unconfirmed)
    in_doubt = set(unconfirmed.values_list("to_email", flat=True))
    assert_each_once(sink, set(addresses) - in_doubt)
    assert set(Notification.objects.exclude(pk__in=unconfirmed).values_list("status", flat=True)) == {
        Notification.Status.SENT
    }
    # the rest of the dead worker's batches were given back at once by the restarted worker and sent once
    assert Notification.objects.filter(attempts=2).count() == in_flight - 2
    print(f"\n2,000 reminders, killed after {before_kill} with {in_flight} claimed: the rest once in {took:.1f} s")


def test_two_beats_at_once_send_each_greeting_once(tree, sink, portal):
    today = timezone.localdate()
    born = date(1992 if (today.month, today.day) == (2, 29) else 1990, today.month, today.day)
    addresses = add_members(tree["branch_a"], 300, born=born)
    run_only("Birthday greetings", every_seconds=1)
    portal.start_worker("worker")
    portal.start_beat("beat-1")
    portal.start_beat("beat-2")
    portal.wait_until_ready("worker", "beat-1", "beat-2")

    def ticks(beat: str) -> int:
        return portal.log(beat).count("Sending due task Birthday greetings")

    wait_for(lambda: ticks("beat-1") >= 4 and ticks("beat-2") >= 4, timeout=90, message="4 ticks of each beat")
    settle(sink, 300, timeout=90)
    runs = len(re.findall(r"Task notifications\.birthday_greetings\[\S+\] succeeded", portal.log("worker")))

    assert_each_once(sink, addresses)
    assert Notification.objects.filter(template="birthday-greeting").count() == 300
    assert runs >= 8
    print(f"\ntwo beats, {ticks('beat-1')} + {ticks('beat-2')} ticks, {runs} job runs: 300 greetings, each once")


def test_submissions_made_while_redis_is_down_are_mailed_once_it_is_back(tree, sink, redis_server, portal):
    run_only("Outbox sweep", every_seconds=1)
    portal.start_worker("worker")
    portal.start_beat("beat")
    portal.wait_until_ready("worker", "beat")
    applicants = [MemberFactory(unit=tree["branch_a"], user__email=f"applicant{n}@example.cn") for n in range(50)]
    client = Client()

    redis_server.stop()
    timings, statuses = [], []
    with celery_publishing_to(redis_server.url):
        for member in applicants:
            client.force_login(member.user)
            started = time.monotonic()
            statuses.append(client.post(reverse("members:apply")).status_code)
            timings.append(time.monotonic() - started)
    assert statuses == [302] * 50
    assert Member.objects.filter(status=Member.Status.APPLICANT).count() == 50
    assert Notification.objects.filter(status=Notification.Status.PENDING).count() == 50
    assert sink.count == 0

    redis_server.start()
    back = time.monotonic()
    settle(sink, 50, timeout=120)

    assert_each_once(sink, [member.user.email for member in applicants])
    # No request waited for the broker (the foundation's settings took 2 s each:
    # kombu slept before a second connection attempt).
    assert max(timings) < 1.0
    print(
        f"\nRedis down: 50 applications, slowest {max(timings) * 1000:.0f} ms, median "
        f"{sorted(timings)[25] * 1000:.0f} ms; all 50 mailed "
        f"{time.monotonic() - back - QUIET_SECONDS:.1f} s after Redis returned"
    )


def test_a_request_that_fails_after_writing_its_mail_sends_nothing(tree, sink, portal, monkeypatch):
    run_only("Outbox sweep", every_seconds=1)
    portal.start_worker("worker")
    portal.start_beat("beat")
    portal.wait_until_ready("worker", "beat")
    failing = MemberFactory(unit=tree["branch_a"], user__email="failing@example.cn")
    fine = MemberFactory(unit=tree["branch_a"], user__email="fine@example.cn")
    real_enqueue = notify.notification_enqueue  # the one door's hand-over to the outbox

    def enqueue_then_fail(**kwargs):
        notification = real_enqueue(**kwargs)
        assert Notification.objects.filter(pk=notification.pk).exists()  # written, inside the transaction
        assert transaction.get_connection().in_atomic_block
        raise RuntimeError("the disk filled up after the mail was written")

    client = Client(raise_request_exception=False)
    with celery_publishing_to(portal.env["REDIS_URL"]):
        client.force_login(failing.user)
        monkeypatch.setattr(notify, "notification_enqueue", enqueue_then_fail)
        assert client.post(reverse("members:apply")).status_code == 500
        monkeypatch.undo()
        client.force_login(fine.user)
        assert client.post(reverse("members:apply")).status_code == 302
    settle(sink, 1, timeout=90)

    assert sink.per_recipient() == {"fine@example.cn": 1}
    failing.refresh_from_db()
    assert failing.status == Member.Status.REGISTERED
    assert not failing.events.exists()
    assert not Notification.objects.filter(to_email="failing@example.cn").exists()
