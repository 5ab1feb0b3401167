from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.services import Mail, notification_enqueue_many
from tests.notifications.helpers import free_port, sweep_after_grace


def welcome(worker, key="test:1") -> Notification:
    return services.notification_enqueue(
        key=key,
        to_email=worker.contact_email,
        user=worker.user,
        template="membership-welcome",
        context={"name": worker.name, "membership_number": "GH1", "card_url": "x"},
    )


def test_a_row_claimed_by_one_worker_is_not_sent_by_another(worker, mailoutbox):
    row = welcome(worker)
    assert services.notification_claim(notification_id=row.pk)
    assert not services.notification_send(notification_id=row.pk)
    assert mailoutbox == []


def test_the_sweep_leaves_fresh_rows_to_the_worker_they_were_queued_for(worker, mailoutbox, settings):
    welcome(worker)
    assert services.outbox_sweep() == 0
    assert sweep_after_grace() == 1
    assert len(mailoutbox) == 1


def test_a_row_left_by_a_killed_worker_is_sent_once_its_claim_is_stale(worker, mailoutbox, settings):
    row = welcome(worker)
    assert services.notification_claim(notification_id=row.pk)  # ... and the worker died
    assert sweep_after_grace() == 0
    assert sweep_after_grace(seconds_later=settings.OUTBOX_CLAIM_TIMEOUT) == 1
    assert sweep_after_grace(seconds_later=settings.OUTBOX_CLAIM_TIMEOUT) == 0
    assert len(mailoutbox) == 1


def test_every_attempt_carries_the_same_message_id(worker, mailoutbox, settings):
    row = welcome(worker)
    assert services.notification_send(notification_id=row.pk)
    Notification.objects.filter(pk=row.pk).update(status="pending")
    assert services.notification_send(notification_id=row.pk)
    first, second = (m.extra_headers["Message-ID"] for m in mailoutbox)
    assert first == second
    assert first.startswith(f"<outbox.{row.pk}.") and first.endswith("@127.0.0.1>")


def test_an_unreachable_mail_server_costs_one_attempt_per_run_and_is_retried_later(worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 1
    rows = [welcome(worker, key=f"test:{n}") for n in range(3)]
    assert sweep_after_grace() == 0
    attempts = dict(Notification.objects.values_list("pk", "attempts"))
    assert sorted(attempts.values()) == [0, 0, 1]
    failed = Notification.objects.get(attempts=1)
    assert failed.status == "pending" and "Connection refused" in failed.last_error
    assert failed.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert {r.pk for r in rows} == set(attempts)


def test_a_mail_failing_every_time_ends_as_failed(worker, settings, monkeypatch):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = welcome(worker)

    def refuse(self, *args, **kwargs):
        raise OSError("mail server said no")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert not services.notification_send(notification_id=row.pk)
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert not services.notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 2)


def test_many_mails_are_saved_once_and_existing_keys_are_not_rendered_again(worker, monkeypatch):
    mail = Mail(key="test:many", to_email="a@example.cn", template="birthday-greeting", language="en")
    assert notification_enqueue_many(mails=[mail]) == 1

    def must_not_render(**kwargs):
        raise AssertionError("rendered an existing mail")

    monkeypatch.setattr(services, "render_email", must_not_render)
    assert notification_enqueue_many(mails=[mail, Mail(key="test:none", to_email="", template="x", language="en")]) == 0
    assert Notification.objects.count() == 1


@pytest.mark.parametrize("optional", [True, False])
def test_only_optional_mails_carry_unsubscribe_headers(optional, db):
    url = "https://portal.example.cn/notifications/unsubscribe/t/" if optional else ""
    mail = Mail(key="k", to_email="a@example.cn", template="birthday-greeting", language="en", unsubscribe_url=url)
    notification_enqueue_many(mails=[mail])
    row = Notification.objects.get()
    assert row.optional is optional
    assert ("List-Unsubscribe" in row.headers) is optional
