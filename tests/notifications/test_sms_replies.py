"""回复TD退订: a reply to one of our texts turns optional texts off, as the unsubscribe link does for mail."""

import json
from datetime import date

import pytest
from django.urls import reverse

from members.reminders import birthday_greetings_queue
from notifications.models import Notification
from notifications.services import notification_send_many
from tests.factories import ActiveMemberFactory

TOKEN = "inbound-secret-for-tests"  # noqa: S105


@pytest.fixture
def texted(tree, settings):
    settings.SMS_INBOUND_TOKEN = TOKEN
    return ActiveMemberFactory(
        unit=tree["branch_a"], user=None, email="", phone="+8613812345678", date_of_birth=date(1990, 5, 2)
    )


def reply(client, *items, token=TOKEN):
    return client.post(
        reverse("notifications:sms-inbound", args=[token]), json.dumps(list(items)), content_type="application/json"
    )


def test_replying_td_turns_optional_texts_off_and_the_greeting_is_not_sent(client, texted, smsoutbox):
    response = reply(client, {"phone_number": "13812345678", "content": " td ", "send_time": "2026-05-01 10:00:00"})
    assert response.status_code == 200 and response.json()["code"] == 0
    texted.refresh_from_db()
    assert texted.wants_optional_sms is False and texted.wants_optional_mail is True
    birthday_greetings_queue(day=date(2026, 5, 2))
    greeting = Notification.objects.get(channel="sms")
    assert greeting.optional and greeting.body_text.endswith("回复TD退订")
    notification_send_many(notification_ids=[greeting.pk])
    greeting.refresh_from_db()
    assert greeting.status == Notification.Status.SKIPPED and smsoutbox == []


def test_another_reply_changes_nothing(client, texted):
    reply(client, {"phone_number": "13812345678", "content": "谢谢"})
    texted.refresh_from_db()
    assert texted.wants_optional_sms is True


def test_a_wrong_token_or_none_configured_is_a_404_and_changes_nothing(client, texted, settings):
    assert reply(client, {"phone_number": "13812345678", "content": "TD"}, token="guess").status_code == 404
    settings.SMS_INBOUND_TOKEN = ""
    assert reply(client, {"phone_number": "13812345678", "content": "TD"}, token="x").status_code == 404
    texted.refresh_from_db()
    assert texted.wants_optional_sms is True


def test_junk_is_refused_without_a_server_error(client, texted):
    url = reverse("notifications:sms-inbound", args=[TOKEN])
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    assert client.post(url, json.dumps([{}] * 101), content_type="application/json").status_code == 400
    assert reply(client, {"phone_number": "1" * 10000, "content": "TD"}, "junk").status_code == 200
