"""Text messages in the outbox: the same rules as e-mail (one commit, one claim, retries, sweep,
exactly once), one message per channel, the day's ceiling, and the SMS back-ends."""

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification, ShortLink, SmsDay
from notifications.sms import SmsMessage, SmsPermanentError, SmsTemporaryError, sms_segments
from notifications.sms import locmem as sms_locmem
from tests.notifications.helpers import sweep_after_grace

CONTEXT = {"name": "李娟", "status_label": "正式会员", "profile_url": "http://127.0.0.1:8000/me/"}


def _enqueue(key="test:1", to_email="a@example.cn", to_phone="+8613812345678", language="zh-hans", **kwargs):
    return services.notification_enqueue(
        key=key,
        to_email=to_email,
        to_phone=to_phone,
        template="membership-status",
        language=language,
        context=CONTEXT,
        **kwargs,
    )


@pytest.mark.django_db
def test_a_recipient_on_two_channels_gets_one_message_on_each_and_never_two_on_one(
    mailoutbox, smsoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue()
        _enqueue()  # the same change notified twice (a retried request)
    assert len(mailoutbox) == 1 and len(smsoutbox) == 1
    assert sorted(Notification.objects.values_list("channel", "key")) == [
        ("email", "test:1"),
        ("sms", "test:1:sms"),
    ]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_a_text_carries_the_signature_and_a_short_link_to_the_page(smsoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue(to_email="")
    body = smsoutbox[0].body
    link = ShortLink.objects.get()
    assert body == f"【职工之家】你的会籍状态现为：正式会员。http://127.0.0.1:8000/s/{link.code}"
    assert link.path == "/me/"
    assert sms_segments(body) == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_that_rolls_back_leaves_no_text(smsoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue(to_email="")
        raise RuntimeError("the view failed after writing")
    assert not Notification.objects.exists() and smsoutbox == []


@pytest.mark.django_db
def test_a_provider_error_to_try_again_backs_off_and_a_permanent_one_fails_at_once(
    monkeypatch, smsoutbox, django_capture_on_commit_callbacks
):
    errors = [SmsTemporaryError("isv.BUSINESS_LIMIT_CONTROL: throttled")]
    real = sms_locmem.SmsBackend.send_messages

    def flaky(self, messages):
        if errors:
            raise errors.pop()
        return real(self, messages)

    monkeypatch.setattr(sms_locmem.SmsBackend, "send_messages", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        text = _enqueue(to_email="")
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("pending", 1)
    assert "BUSINESS_LIMIT_CONTROL" in text.last_error and text.next_attempt_at > timezone.now()
    assert SmsDay.objects.get().sent == 0  # the failed one is given back to the day's allowance
    assert sweep_after_grace(seconds_later=120) == 1
    assert len(smsoutbox) == 1

    errors.append(SmsPermanentError("isv.MOBILE_NUMBER_ILLEGAL: bad number"))
    with django_capture_on_commit_callbacks(execute=True):
        text = _enqueue(key="test:2", to_email="")
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("failed", 1)
    # An officer sends it again once the number is corrected.
    assert services.notification_retry(notifications=Notification.objects.filter(pk=text.pk)) == 1
    assert Notification.objects.get(pk=text.pk).status in ("pending", "sent")


@pytest.mark.django_db
def test_texts_stop_at_the_days_ceiling_wait_and_go_once_an_officer_raises_it(
    settings, smsoutbox, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SMS_DAILY_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=False):
        for n in range(4):
            _enqueue(key=f"test:{n}", to_phone=f"+86138123456{n:02d}")
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert services.notification_send_many(notification_ids=ids) == 6  # 4 mails, 2 texts
    assert len(smsoutbox) == 2 and len(mailoutbox) == 4
    waiting = Notification.objects.filter(channel="sms", status="pending")
    assert waiting.count() == 2 and all(n.next_attempt_at > timezone.now() for n in waiting)
    assert sweep_after_grace() == 0  # still over the ceiling

    day = SmsDay.objects.get()
    assert (day.sent, day.ceiling) == (2, 2)
    services.sms_ceiling_raise(day=day, ceiling=10)
    assert sweep_after_grace() == 2
    assert len(smsoutbox) == 4 and SmsDay.objects.get().sent == 4


@pytest.mark.django_db
def test_a_worker_killed_mid_batch_of_texts_leaves_the_rest_to_the_sweep_which_sends_each_once(
    monkeypatch, settings, smsoutbox, django_capture_on_commit_callbacks
):
    class Killed(BaseException):
        pass

    with django_capture_on_commit_callbacks(execute=False):
        for n in range(5):
            _enqueue(key=f"test:{n}", to_email="", to_phone=f"+86138123456{n:02d}")
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    real = sms_locmem.SmsBackend.send_messages

    def die_at_the_third(self, messages):
        if len(smsoutbox) == 2:
            raise Killed
        return real(self, messages)

    monkeypatch.setattr(sms_locmem.SmsBackend, "send_messages", die_at_the_third)
    monkeypatch.setattr(services, "_release", lambda *args, **kwargs: None)  # a killed process gives nothing back
    with pytest.raises(Killed):
        services.notification_send_many(notification_ids=ids)
    monkeypatch.undo()
    assert list(Notification.objects.order_by("pk").values_list("status", flat=True)) == ["sent"] * 2 + ["sending"] * 3
    assert sweep_after_grace(seconds_later=settings.OUTBOX_CLAIM_TIMEOUT) == 3
    assert sorted(m.to for m in smsoutbox) == sorted(f"+86138123456{n:02d}" for n in range(5))


@pytest.mark.django_db
def test_a_batch_writes_the_texts_beside_the_mails_with_the_same_queries_for_twice_the_rows(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def batch(n, start):
        return [
            services.Mail(
                key=f"bench:{start + i}",
                to_email=f"m{start + i}@example.cn" if i % 2 else "",
                to_phone="" if i % 2 else f"+8613812{start + i:06d}",
                template="membership-status",
                language="zh-hans",
                context=CONTEXT,
            )
            for i in range(n)
        ]

    counts = []
    with django_capture_on_commit_callbacks(execute=False):
        for n, start in ((10, 0), (20, 100)):
            with CaptureQueriesContext(connection) as captured:
                assert services.notification_enqueue_many(mails=batch(n, start)) == n
            counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_file_backend_writes_one_file_per_text_under_var_sms(tmp_path):
    from notifications.sms.filebased import SmsBackend

    SmsBackend(file_path=tmp_path).send_messages(
        [SmsMessage(to="+8613812345678", body="【职工之家】你的验证码是123456")]
    )
    (written,) = tmp_path.iterdir()
    assert written.name.endswith("-8613812345678.txt")
    assert "你的验证码是123456" in written.read_text(encoding="utf-8")


def test_segments_are_counted_as_carriers_count_them():
    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2
    assert sms_segments("中" * 70) == 1 and sms_segments("中" * 71) == 2 and sms_segments("中" * 135) == 3
    assert sms_segments("【】" + "a" * 68) == 1  # one Chinese character makes the whole text UCS-2
