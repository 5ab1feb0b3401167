from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from members.models import DuesRecord, Member
from members.reminders import dues_members, dues_reminders_queue
from members.tasks import dues_reminders_task
from notifications.models import Notification
from tests.factories import ActiveMemberFactory


def paid(member: Member, *months: date) -> None:
    for month in months:
        DuesRecord.objects.create(member=member, period=month, amount=Decimal("12.50"))


def reminded(day: date) -> set[str]:
    return set(dues_members(day=day).values_list("name", flat=True))


def test_it_reminds_active_members_with_no_record_for_last_month(tree):
    unit = tree["branch_a"]
    paid(ActiveMemberFactory(unit=unit, name="已缴"), date(2026, 4, 1))
    paid(ActiveMemberFactory(unit=unit, name="只缴了三月"), date(2026, 3, 1))
    ActiveMemberFactory(unit=unit, name="未缴")
    ActiveMemberFactory(unit=unit, name="五月入会", joined_on=date(2026, 5, 1))
    ActiveMemberFactory(unit=unit, name="四月底入会", joined_on=date(2026, 4, 30))
    ActiveMemberFactory(unit=unit, name="已退订", wants_optional_mail=False)
    ActiveMemberFactory(unit=unit, name="已停会", status=Member.Status.LAPSED)
    assert reminded(date(2026, 5, 5)) == {"只缴了三月", "未缴", "四月底入会"}


def test_january_reminds_of_december(tree):
    member = ActiveMemberFactory(unit=tree["branch_a"], name="十二月未缴")
    paid(member, date(2026, 11, 1))
    assert reminded(date(2027, 1, 5)) == {"十二月未缴"}
    paid(member, date(2026, 12, 1))
    assert reminded(date(2027, 1, 5)) == set()


def test_the_reminder_lists_the_unpaid_months_since_joining(tree, mailoutbox, django_capture_on_commit_callbacks):
    unit = tree["branch_a"]
    long_ago = ActiveMemberFactory(unit=unit, user__email="old@example.cn", language="en", joined_on=date(2020, 1, 1))
    paid(long_ago, date(2026, 3, 1))
    ActiveMemberFactory(unit=unit, user__email="new@example.cn", language="en", joined_on=date(2026, 4, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert dues_reminders_queue(day=date(2026, 5, 5)) == 2
    mails = {m.to[0]: m for m in mailoutbox}
    assert mails["old@example.cn"].subject == "Reminder: union dues for April 2026"
    assert "- February 2026\n- April 2026\n" in mails["old@example.cn"].body
    assert "March 2026" not in mails["old@example.cn"].body
    assert "- April 2026\n" in mails["new@example.cn"].body
    assert "March 2026" not in mails["new@example.cn"].body


def test_the_reminder_is_in_the_members_language(tree, mailoutbox, django_capture_on_commit_callbacks):
    ActiveMemberFactory(unit=tree["branch_a"], name="李娟", language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        dues_reminders_queue(day=date(2026, 5, 5))
    (mail,) = mailoutbox
    assert mail.subject == "会费提醒：2026年4月"
    assert "2026年4月" in mail.body
    assert "退订" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_reminder_per_member_and_month(tree, mailoutbox, django_capture_on_commit_callbacks):
    member = ActiveMemberFactory(unit=tree["branch_a"])
    for day in (date(2026, 5, 5), date(2026, 5, 5), date(2026, 5, 20)):
        with django_capture_on_commit_callbacks(execute=True):
            dues_reminders_queue(day=day)
    with django_capture_on_commit_callbacks(execute=True):
        dues_reminders_queue(day=date(2026, 6, 5))
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert keys == [f"dues:{member.pk}:2026-04", f"dues:{member.pk}:2026-05"]
    assert len(mailoutbox) == 2


def test_the_monthly_task_works_out_last_month_from_todays_date(tree, mailoutbox, django_capture_on_commit_callbacks):
    member = ActiveMemberFactory(unit=tree["branch_a"])
    paid(member, date(2026, 5, 1))
    # 1 June 00:30 in Shanghai is still 31 May in UTC
    with time_machine.travel(datetime(2026, 6, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            dues_reminders_task.delay()
    assert mailoutbox == []
    with time_machine.travel(datetime(2026, 7, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            dues_reminders_task.delay()
    assert Notification.objects.get().key == f"dues:{member.pk}:2026-06"
