"""Demo data, the member's data download, and the periodic tasks."""

from datetime import timedelta

import pytest
import time_machine

from activities import demo, services
from activities.models import Activity, Registration
from activities.tasks import lottery_draw_due_task, no_shows_record_due_task
from members import demo as members_demo
from members.models import Member
from members.services import member_export_data


@pytest.mark.slow
def test_the_demo_has_the_unions_own_activities_and_runs_once(db):
    members_demo.seed()
    demo.seed()
    titles = set(Activity.objects.values_list("title", flat=True))
    assert {"三八节女职工登山活动", "重阳节“夕阳红”合唱展演", "《劳动合同法》与职工权益学习讲座"} <= titles
    count = Registration.objects.count()
    demo.seed()
    assert Registration.objects.count() == count

    worker = Member.objects.get(user__email="worker@demo.unionportal.cn")
    hike = Activity.objects.get(title="三八节女职工登山活动")
    choir = Activity.objects.get(title="重阳节“夕阳红”合唱展演")
    assert services.eligibility_check(activity=hike, member=worker).eligible
    assert not services.eligibility_check(activity=choir, member=worker).eligible
    for registration in Registration.objects.filter(activity=hike).select_related("member"):
        assert registration.member.gender == Member.Gender.FEMALE


def test_the_members_data_download_includes_their_activities(activity, worker):
    services.registration_signup(activity=activity, member=worker, by=worker.user)
    services.calendar_feed_renew(member=worker)
    data = member_export_data(member=worker)["activities"]
    assert [r["activity"] for r in data["registrations"]] == [activity.title]
    assert data["registrations"][0]["history"][0]["to"] == "confirmed"
    assert data["calendar_feed"] is True


def test_the_periodic_tasks_draw_due_lotteries_and_record_no_shows(activity, lottery, worker, other_worker):
    services.registration_signup(activity=activity, member=worker, by=worker.user)
    services.registration_signup(activity=lottery, member=other_worker, by=other_worker.user)
    assert lottery_draw_due_task.delay().get() == 0
    assert no_shows_record_due_task.delay().get() == 0
    with time_machine.travel(lottery.signup_closes_at + timedelta(minutes=1), tick=False):
        assert lottery_draw_due_task.delay().get() == 1
        assert no_shows_record_due_task.delay().get() == 0
    assert lottery.registrations.get().status == Registration.Status.CONFIRMED
    with time_machine.travel(activity.ends_at + timedelta(minutes=1), tick=False):
        assert no_shows_record_due_task.delay().get() == 2  # the activity's and the lottery's (same hours)
    assert activity.registrations.get().status == Registration.Status.NO_SHOW
