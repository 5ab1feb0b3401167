"""Saving never waits long for the broker; the sweep sends what could not be queued."""

import time

import pytest
from django.urls import reverse

from members import services as member_services
from notifications import services
from notifications.models import Notification
from tests.factories import MemberFactory
from tests.notifications.helpers import (
    black_hole_server,
    celery_publishing_to,
    drop_connection_pools,
    free_port,
    sweep_after_grace,
)
from unionportal.celery import app as celery_app


def apply_for_membership(tree, n: int) -> float:
    member = MemberFactory(unit=tree["branch_a"], user__email=f"applicant{n}@example.cn")
    started = time.monotonic()
    member_services.membership_apply(member=member, by=member.user)
    return time.monotonic() - started


def test_an_application_is_saved_at_once_when_the_broker_is_stopped(
    tree, mailoutbox, django_capture_on_commit_callbacks
):
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        with django_capture_on_commit_callbacks(execute=True):
            took = apply_for_membership(tree, 1)
    assert took < 0.5
    assert Notification.objects.get().status == Notification.Status.PENDING
    assert sweep_after_grace() == 1
    assert [m.to for m in mailoutbox] == [["applicant1@example.cn"]]


def test_a_hung_broker_delays_one_request_only_and_briefly(tree, mailoutbox, django_capture_on_commit_callbacks):
    timings = []
    with black_hole_server() as port, celery_publishing_to(f"redis://127.0.0.1:{port}/0"):
        for n in range(10):
            with django_capture_on_commit_callbacks(execute=True):
                timings.append(apply_for_membership(tree, n))
    # one attempt of at most socket_timeout (2 s), then the breaker leaves the broker alone
    assert timings[0] < 3
    assert max(timings[1:]) < 0.3
    assert Notification.objects.filter(status=Notification.Status.PENDING).count() == 10
    assert sweep_after_grace() == 10
    assert len(mailoutbox) == 10


def test_a_web_request_succeeds_while_the_broker_is_stopped(client, tree, django_capture_on_commit_callbacks):
    member = MemberFactory(unit=tree["branch_a"])
    client.force_login(member.user)
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("members:apply"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "applicant"
    assert Notification.objects.filter(to_email=member.user.email, status="pending").exists()


@pytest.fixture
def closed_publisher_pool():
    # Closing the pool (a library's shutdown hook, code that tidies up the app)
    # leaves it in kombu's registry, where Celery finds it again.
    celery_app.pool.force_close_all()
    yield
    drop_connection_pools()  # whatever the test found


def test_a_mail_is_queued_after_something_closed_the_publishers_pool(
    closed_publisher_pool, tree, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        apply_for_membership(tree, 1)
    assert [m.to for m in mailoutbox] == [["applicant1@example.cn"]]
    assert Notification.objects.get().status == Notification.Status.SENT


def test_a_batch_is_queued_after_something_closed_the_publishers_pool(closed_publisher_pool, db, mailoutbox):
    mails = [
        services.Mail(
            key=f"test:{n}",
            to_email=f"w{n}@example.cn",
            template="membership-status",
            language="zh-hans",
            context={"name": "李娟", "status_label": "正式会员", "profile_url": "http://x/me/"},
        )
        for n in range(3)
    ]
    assert services.notification_enqueue_many(mails=mails) == 3
    pending = list(Notification.objects.values_list("pk", flat=True))
    services.notification_queue_many(notification_ids=pending)  # what the job does once it commits
    assert sorted(m.to[0] for m in mailoutbox) == ["w0@example.cn", "w1@example.cn", "w2@example.cn"]


def test_publishing_to_another_broker_leaves_the_usual_pool_open(db):
    celery_app.pool.acquire(block=False).release()
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        pass
    celery_app.pool.acquire(block=False).release()  # "Acquire on closed pool" if it was closed
