import smtplib
import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests.markers import requires_postgres
from tests.notifications.helpers import sweep_after_grace


def _enqueue(key="test:1", to="a@example.cn", language="zh-hans", **kwargs):
    return services.notification_enqueue(
        key=key,
        to_email=to,
        template="membership-status",
        language=language,
        context={"name": "李娟", "status_label": "正式会员", "profile_url": "http://x/me/"},
        **kwargs,
    )


@pytest.mark.django_db
def test_a_mail_is_sent_once_the_change_commits(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue()
        assert mailoutbox == []  # nothing leaves before the commit
    assert len(mailoutbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_change_that_rolls_back_leaves_no_mail(mailoutbox):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            _enqueue()
            raise RuntimeError("the view failed after writing")
    assert not Notification.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_same_key_is_queued_only_once():
    assert _enqueue() is not None
    assert _enqueue() is None
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_row_is_sent_once_even_if_the_task_runs_twice(mailoutbox):
    notification = _enqueue()
    assert services.notification_send(notification_id=notification.pk) is True
    assert services.notification_send(notification_id=notification.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_sweep_sends_a_row_whose_task_was_never_queued(mailoutbox):
    # on_commit never runs inside the test transaction: as if the broker was down.
    notification = _enqueue()
    assert services.outbox_sweep() == 0  # left to the worker it was queued for, for a while
    assert sweep_after_grace() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert sweep_after_grace() == 0
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_row_claimed_by_a_worker_that_died_is_sent_by_the_sweep(mailoutbox, settings):
    notification = _enqueue()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING,
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT + 1),
    )
    assert services.outbox_sweep() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_fresh_claim_is_left_to_its_worker(mailoutbox):
    notification = _enqueue()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now()
    )
    assert services.outbox_sweep() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_smtp_errors_back_off_and_end_as_failed(settings, monkeypatch):
    settings.OUTBOX_MAX_ATTEMPTS = 3

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    notification = _enqueue()
    for attempt in (1, 2):
        assert services.notification_send(notification_id=notification.pk) is False
        notification.refresh_from_db()
        assert notification.status == Notification.Status.PENDING
        assert notification.attempts == attempt
        assert notification.next_attempt_at > timezone.now()
        assert "connection lost" in notification.last_error
        # not due yet: a second call does not hammer the server
        assert services.notification_send(notification_id=notification.pk) is False
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    services.notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED


@pytest.mark.django_db
def test_mail_is_written_in_the_recipients_language(mailoutbox):
    zh = _enqueue(key="zh", language="zh-hans")
    en = _enqueue(key="en", language="en")
    assert "会籍" in zh.subject
    assert en.subject.startswith("Your membership")
    assert "<strong>" in en.body_html


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_row_at_once_send_it_once(mailoutbox):
    notification = _enqueue()
    barrier = threading.Barrier(8)
    results = []

    def send():
        try:
            barrier.wait()
            results.append(services.notification_send(notification_id=notification.pk))
        finally:
            close_old_connections()

    for _ in range(5):
        Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.PENDING, attempts=0)
        results.clear()
        mailoutbox.clear()
        threads = [threading.Thread(target=send) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results.count(True) == 1
        assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("template", "context", "shown"),
    [
        ("birthday-greeting", {"name": "O'Brien & <Co>"}, "O'Brien & <Co>"),
        ("activity-confirmed", {"title": "“三八”徒步 & 野餐"}, "“三八”徒步 & 野餐"),
        ("feedback-answered", {"title": "食堂 <晚班> 的饭菜"}, "食堂 <晚班> 的饭菜"),
    ],
)
def test_a_subject_shows_names_and_titles_as_typed_while_the_html_part_escapes_them(template, context, shown):
    # A subject is plain text: "&amp;" in a worker's inbox would be a bug; in the HTML part it is right.
    for language in ("zh-hans", "en"):
        subject, text, html = services.render_email(template=template, context=context, language=language)
        assert shown in subject
        assert "&amp;" not in subject and "&#x27;" not in subject and "&lt;" not in subject


@pytest.mark.django_db
def test_a_mail_kept_to_render_later_is_rendered_by_the_worker_with_its_dates(
    mailoutbox, django_capture_on_commit_callbacks
):
    # What a sign-up in the rush writes: the template and its context, no rendered mail.
    when = timezone.make_aware(timezone.datetime(2027, 3, 8, 9, 0))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = services.notification_enqueue(
            key="rush:1",
            to_email="a@example.cn",
            template="activity-confirmed",
            language="zh-hans",
            context={"name": "李娟", "title": "三八登山", "starts_at": when, "ends_at": when + timedelta(hours=6)},
            render_later=True,
        )
    row.refresh_from_db()
    assert row.subject == "" and row.body_text == "" and row.context["starts_at"] == {"$datetime": when.isoformat()}
    for callback in callbacks:
        callback()
    [mail] = mailoutbox
    assert "三八登山" in mail.subject and "李娟" in mail.body
    assert "2027年3月8日" in mail.body  # the date as a date, in the member's language
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.context is None and "三八登山" in row.subject
