"""Activity reminders: once per participant and start time, at the activity's lead time."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Activity, Registration
from activities.reminders import activity_reminders_due, activity_reminders_queue
from activities.tasks import activity_reminders_task
from members.models import Member
from notifications.models import Notification
from tests.activities.factories import ActivityFactory
from tests.factories import ActiveMemberFactory
from tests.markers import requires_postgres
from tests.notifications.helpers import sweep_after_grace

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTS = datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI)
S = Registration.Status


@pytest.fixture
def activity(tree):
    return ActivityFactory(
        unit=tree["union_a"], title="安全生产知识讲座", starts_at=STARTS, ends_at=STARTS + timedelta(hours=2)
    )


@pytest.fixture
def place(tree):
    """``place(activity, status=confirmed, **member fields)``: a member's registration."""

    def make(activity, status=S.CONFIRMED, **member_fields) -> Registration:
        member_fields.setdefault("unit", tree["branch_a"])
        member = ActiveMemberFactory(**member_fields)
        position = 1 if status == S.WAITING else None
        return Registration.objects.create(activity=activity, member=member, status=status, position=position)

    return make


def run_job(at: datetime, capture) -> int:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return activity_reminders_task.delay().get()


def reminded(activity, at: datetime) -> set[str]:
    return set(activity_reminders_due(now=at).values_list("member__name", flat=True))


def test_a_participant_is_reminded_at_the_lead_time_and_not_before(
    activity, place, mailoutbox, django_capture_on_commit_callbacks
):
    place(activity, user__email="li@example.cn")
    assert run_job(STARTS - timedelta(hours=24, minutes=1), django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []
    assert run_job(STARTS - timedelta(hours=24), django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mailoutbox] == [["li@example.cn"]]


def test_the_lead_time_is_the_activitys_own(activity, place):
    activity.reminder_lead = timedelta(hours=2)
    activity.save()
    place(activity, name="王芳")
    assert reminded(activity, STARTS - timedelta(hours=24)) == set()
    assert reminded(activity, STARTS - timedelta(hours=2, seconds=1)) == set()
    assert reminded(activity, STARTS - timedelta(hours=2)) == {"王芳"}


def test_a_job_that_first_runs_late_still_reminds_until_the_start_but_not_after(activity, place):
    place(activity, name="王芳")
    assert reminded(activity, STARTS - timedelta(minutes=30)) == {"王芳"}
    assert reminded(activity, STARTS) == set()
    assert reminded(activity, STARTS + timedelta(hours=1)) == set()


def test_only_confirmed_places_in_published_activities_are_reminded(tree, activity, place):
    place(activity, name="已确认")
    place(activity, S.WAITING, name="候补中")
    place(activity, S.CANCELLED, name="已取消")
    place(activity, S.PENDING, name="待抽签")
    place(activity, name="没有邮箱", user=None, email="")
    place(activity, name="无账号", user=None, email="paper@example.cn")
    for status, name in [(Activity.Status.DRAFT, "草稿活动"), (Activity.Status.CANCELLED, "已取消活动")]:
        other = ActivityFactory(unit=tree["union_a"], starts_at=STARTS, status=status)
        place(other, name=name)
    assert reminded(activity, STARTS - timedelta(hours=12)) == {"已确认", "无账号"}


def test_running_the_job_twice_sends_one_reminder(activity, place, mailoutbox, django_capture_on_commit_callbacks):
    registration = place(activity)
    assert run_job(STARTS - timedelta(hours=24), django_capture_on_commit_callbacks) == 1
    assert run_job(STARTS - timedelta(hours=23, minutes=55), django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 1
    notification = Notification.objects.get()
    assert notification.key == f"activity-reminder:{registration.pk}:2026-06-10T01:00:00Z"
    assert notification.status == Notification.Status.SENT
    assert not notification.optional  # transactional: no unsubscribe link


def test_an_activity_moved_later_is_reminded_again_at_its_new_time(
    activity, place, mailoutbox, django_capture_on_commit_callbacks
):
    place(activity, language="en")
    run_job(STARTS - timedelta(hours=24), django_capture_on_commit_callbacks)
    moved = STARTS + timedelta(days=2)
    Activity.objects.filter(pk=activity.pk).update(starts_at=moved, ends_at=moved + timedelta(hours=2))
    assert run_job(STARTS - timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert run_job(moved - timedelta(hours=24, minutes=5), django_capture_on_commit_callbacks) == 0
    assert run_job(moved - timedelta(hours=24), django_capture_on_commit_callbacks) == 1
    assert run_job(moved - timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert [m.subject for m in mailoutbox] == [
        "Reminder: “安全生产知识讲座” on June 10, 2026, 9 a.m.",
        "Reminder: “安全生产知识讲座” on June 12, 2026, 9 a.m.",
    ]


def test_an_activity_moved_before_its_reminder_is_reminded_only_for_the_new_time(
    activity, place, mailoutbox, django_capture_on_commit_callbacks
):
    place(activity, language="en")
    moved = STARTS + timedelta(hours=5)
    Activity.objects.filter(pk=activity.pk).update(starts_at=moved, ends_at=moved + timedelta(hours=2))
    assert run_job(STARTS - timedelta(hours=24), django_capture_on_commit_callbacks) == 0
    assert run_job(moved - timedelta(hours=24), django_capture_on_commit_callbacks) == 1
    (mail,) = mailoutbox
    assert "2 p.m." in mail.subject


@pytest.mark.parametrize("change", ["moved", "activity cancelled", "place cancelled"])
def test_a_reminder_still_waiting_in_the_outbox_is_not_sent_once_it_no_longer_holds(
    change, activity, place, mailoutbox, django_capture_on_commit_callbacks
):
    registration = place(activity, language="en")
    # The broker is down: the reminder stays pending in the outbox.
    with time_machine.travel(STARTS - timedelta(hours=24), tick=False), django_capture_on_commit_callbacks():
        assert activity_reminders_queue(now=timezone.now()) == 1
    moved = STARTS + timedelta(hours=3)
    if change == "moved":
        Activity.objects.filter(pk=activity.pk).update(starts_at=moved, ends_at=moved + timedelta(hours=2))
    elif change == "activity cancelled":
        Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.CANCELLED)
    else:
        Registration.objects.filter(pk=registration.pk).update(status=S.CANCELLED)
    later = STARTS - timedelta(hours=20)
    run_job(later, django_capture_on_commit_callbacks)
    old = Notification.objects.get(key=f"activity-reminder:{registration.pk}:2026-06-10T01:00:00Z")
    assert old.status == Notification.Status.SKIPPED
    with time_machine.travel(later, tick=False):
        sweep_after_grace()
    if change == "moved":
        assert [m.subject for m in mailoutbox] == ["Reminder: “安全生产知识讲座” on June 10, 2026, noon"]
    else:
        assert mailoutbox == []


def test_the_reminder_is_in_the_members_language(activity, place, mailoutbox, django_capture_on_commit_callbacks):
    zh = place(activity, name="李娟", language="zh-hans", user__email="zh@example.cn")
    place(activity, name="Anna", language="en", user__email="en@example.cn")
    run_job(STARTS - timedelta(hours=24), django_capture_on_commit_callbacks)
    mails = {m.to[0]: m for m in mailoutbox}
    assert mails["zh@example.cn"].subject == "提醒：“安全生产知识讲座”将于2026年6月10日 09:00开始"
    assert "李娟，你好：" in mails["zh@example.cn"].body
    assert "期待你的参加" in mails["zh@example.cn"].body
    assert f"/activities/registrations/{zh.pk}/" in mails["zh@example.cn"].body
    assert mails["en@example.cn"].subject == "Reminder: “安全生产知识讲座” on June 10, 2026, 9 a.m."
    assert "We look forward to seeing you." in mails["en@example.cn"].body
    html, mimetype = mails["en@example.cn"].alternatives[0]
    assert mimetype == "text/html"
    assert "Your registration</a>" in html


def add_participants(activity, count: int) -> None:
    start = Member.objects.count()
    members = Member.objects.bulk_create(
        Member(
            name=f"批量{start + n}",
            gender=Member.Gender.FEMALE,
            date_of_birth=date(1990, 1, 1),
            unit=activity.unit,
            union=activity.unit.grassroots_union,
            email=f"bulk{start + n}@example.cn",
            language="en" if n % 2 else "zh-hans",
            status=Member.Status.ACTIVE,
        )
        for n in range(count)
    )
    Registration.objects.bulk_create(Registration(activity=activity, member=m, status=S.CONFIRMED) for m in members)


def queries_of_the_job() -> int:
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        activity_reminders_queue(now=STARTS - timedelta(hours=12))
    assert Notification.objects.count() == Registration.objects.count()
    return len(captured)


def counts_for(n: int, tree) -> tuple[int, int]:
    # Half the places in each of two activities: the activities are batched as well.
    first, second = (
        ActivityFactory(unit=tree["union_a"], starts_at=STARTS + timedelta(minutes=m), place="职工之家")
        for m in (0, 30)
    )
    add_participants(first, n)
    with_n = queries_of_the_job()
    add_participants(second, n)
    return with_n, queries_of_the_job()


def test_twice_the_participants_cost_no_more_queries(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        with_n, with_2n = counts_for(20, tree)  # 40 rows: one SQLite INSERT (999 parameters, 20 columns)
    assert with_2n == with_n
    assert with_n <= 8


@requires_postgres
def test_on_postgresql_hundreds_of_participants_cost_the_same_few_queries(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        with_n, with_2n = counts_for(200, tree)
    assert with_2n == with_n
    assert with_n <= 8
