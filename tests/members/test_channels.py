"""How the union reaches a member: e-mail, text message or both, by their choice."""

import pytest
from django.urls import reverse

from members.models import Member
from members.notify import member_notify
from notifications.models import Notification
from tests.factories import ActiveMemberFactory

AUTO, EMAIL, SMS, BOTH = (Member.Channel.AUTO, Member.Channel.EMAIL, Member.Channel.SMS, Member.Channel.BOTH)


@pytest.mark.parametrize(
    "email, phone, channel, expected",
    [
        ("a@example.cn", "+8613812345678", AUTO, ["email"]),
        ("", "+8613812345678", AUTO, ["sms"]),  # no address: a text, by default
        ("a@example.cn", "+8613812345678", SMS, ["sms"]),
        ("a@example.cn", "", SMS, ["email"]),  # no number: mail rather than nothing
        ("a@example.cn", "+8613812345678", BOTH, ["email", "sms"]),
        ("", "", AUTO, []),
    ],
)
def test_each_choice_of_channel_sends_one_message_on_each_channel_chosen(tree, email, phone, channel, expected):
    member = ActiveMemberFactory(unit=tree["branch_a"], user=None, email=email, phone=phone, channel=channel)
    member_notify(
        member=member,
        template="membership-status",
        key="t:1",
        context={"name": member.name, "status_label": "正式会员", "profile_url": "http://x/me/"},
    )
    assert sorted(Notification.objects.values_list("channel", flat=True)) == expected


def test_the_accounts_verified_number_is_used_before_the_profiles(worker):
    worker.user.phone, worker.user.phone_verified = "+8613900001111", True
    worker.user.save()
    worker.phone, worker.channel = "13812345678", SMS
    assert worker.reach() == ("", "+8613900001111")


def test_the_member_sees_and_chooses_their_channels_on_their_page(client, worker):
    client.force_login(worker.user)
    assert "工会联系你的方式" in client.get(reverse("members:profile")).content.decode()
    form = client.get(reverse("members:profile-edit")).context["form"]
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data.update({"phone": "138 1234 5678", "channel": BOTH, "wants_optional_sms": "on", "unit": worker.unit.pk})
    data["date_of_birth"] = worker.date_of_birth.isoformat()
    response = client.post(reverse("members:profile-edit"), data)
    assert response.status_code == 302, response.context["form"].errors
    worker.refresh_from_db()
    assert (worker.phone, worker.channel) == ("+8613812345678", BOTH)
    assert "电子邮件 + 短信" in client.get(reverse("members:profile")).content.decode()


def test_a_bad_number_on_the_profile_is_refused_in_chinese(client, worker):
    client.force_login(worker.user)
    form = client.get(reverse("members:profile-edit")).context["form"]
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data.update({"phone": "12345", "unit": worker.unit.pk, "date_of_birth": worker.date_of_birth.isoformat()})
    response = client.post(reverse("members:profile-edit"), data)
    assert response.status_code == 200
    assert "手机号" in response.context["form"].errors["phone"][0]


def test_officers_see_which_channels_reach_a_member(staff_client, officer, worker):
    worker.phone, worker.channel = "+8613812345678", BOTH
    worker.save()
    page = staff_client(officer).get(reverse("admin:members_member_change", args=[worker.pk])).content.decode()
    assert "联系渠道" in page and "电子邮件 + 短信" in page
