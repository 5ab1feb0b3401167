from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from members.models import Member
from members.reminders import birthday_greetings_queue, birthday_members
from members.tasks import birthday_greetings_task
from notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")


def greeted(day: date) -> set[str]:
    return set(birthday_members(day=day).values_list("name", flat=True))


def test_it_greets_active_members_on_their_birthday_only(member_born):
    member_born(date(1990, 5, 2), name="今天生日")
    member_born(date(1985, 5, 3), name="明天生日")
    member_born(date(1990, 5, 2), name="申请中", status=Member.Status.APPLICANT, membership_number=None)
    member_born(date(1990, 5, 2), name="已暂停", status=Member.Status.SUSPENDED)
    member_born(date(1990, 5, 2), name="已退订", wants_optional_mail=False)
    member_born(date(1990, 5, 2), name="没有邮箱", user=None, email="")
    assert greeted(date(2026, 5, 2)) == {"今天生日"}


def test_a_member_without_an_account_is_greeted_at_the_profile_address(member_born):
    member_born(date(1990, 5, 2), name="无账号", user=None, email="paper@example.cn")
    assert greeted(date(2026, 5, 2)) == {"无账号"}


def test_the_29th_of_february_is_greeted_on_the_28th_in_common_years(member_born):
    member_born(date(1992, 2, 29), name="闰日")
    assert greeted(date(2027, 2, 28)) == {"闰日"}
    assert greeted(date(2028, 2, 28)) == set()
    assert greeted(date(2028, 2, 29)) == {"闰日"}


def test_each_member_is_greeted_once_however_often_the_job_runs(
    member_born, mailoutbox, django_capture_on_commit_callbacks
):
    member_born(date(1990, 5, 2), user__email="li@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        assert birthday_greetings_queue(day=date(2026, 5, 2)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert birthday_greetings_queue(day=date(2026, 5, 2)) == 0
    assert [m.to for m in mailoutbox] == [["li@example.cn"]]
    assert Notification.objects.get().status == Notification.Status.SENT


def test_the_greeting_is_in_the_members_language(member_born, mailoutbox, django_capture_on_commit_callbacks):
    member_born(date(1990, 5, 2), name="李娟", language="zh-hans", user__email="zh@example.cn")
    member_born(date(1990, 5, 2), name="Anna", language="en", user__email="en@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        birthday_greetings_queue(day=date(2026, 5, 2))
    mails = {m.to[0]: m for m in mailoutbox}
    assert mails["zh@example.cn"].subject == "李娟，生日快乐！"
    assert "祝你" in mails["zh@example.cn"].body
    assert mails["en@example.cn"].subject == "Happy birthday, Anna!"
    assert "good health" in mails["en@example.cn"].body
    html, mimetype = mails["en@example.cn"].alternatives[0]
    assert mimetype == "text/html"
    assert "Happy birthday!" in html


def test_the_greeting_is_optional_mail_with_a_one_click_unsubscribe(
    member_born, mailoutbox, django_capture_on_commit_callbacks
):
    member = member_born(date(1990, 5, 2))
    with django_capture_on_commit_callbacks(execute=True):
        birthday_greetings_queue(day=date(2026, 5, 2))
    (mail,) = mailoutbox
    link = mail.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/notifications/unsubscribe/")
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.body
    assert link in mail.alternatives[0][0]
    assert Notification.objects.get(key=f"birthday:{member.pk}:2026-05-02").optional


@pytest.mark.parametrize(
    "moment, birthday",
    [
        # 17:00 UTC on 1 May is already 2 May in Shanghai
        (datetime(2026, 5, 1, 17, 0, tzinfo=ZoneInfo("UTC")), date(1990, 5, 2)),
        (datetime(2026, 5, 2, 8, 0, tzinfo=SHANGHAI), date(1990, 5, 2)),
    ],
)
def test_the_daily_task_greets_todays_birthdays_in_the_portals_time_zone(
    moment, birthday, member_born, mailoutbox, django_capture_on_commit_callbacks
):
    member_born(birthday, user__email="today@example.cn")
    member_born(date(1990, 5, 1), user__email="yesterday@example.cn")
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        birthday_greetings_task.delay()
    assert [m.to for m in mailoutbox] == [["today@example.cn"]]
