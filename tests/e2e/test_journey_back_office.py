"""Back-office journeys: the oldest overdue case from my queue answered and moved in one step;
a volunteer at the door checks three members in by card number on a phone and undoes one."""

from datetime import timedelta

from django.utils import timezone

from activities import services as activity_services
from activities.models import Registration
from tests.activities.factories import ActivityFactory
from tests.e2e.conftest import JOURNEY, give_authenticator, log_in
from tests.factories import ActiveMemberFactory
from tests.welfare import factories
from welfare import services
from welfare.models import CannedReply, WelfareRequest

pytestmark = JOURNEY

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
S = WelfareRequest.State


def _overdue(request: WelfareRequest, days: int) -> None:
    back = timedelta(days=days)
    WelfareRequest.objects.filter(pk=request.pk).update(
        submitted_at=request.submitted_at - back,
        first_response_due=request.first_response_due - back,
        decision_due=request.decision_due - back,
    )


def test_an_officer_takes_the_oldest_overdue_case_from_the_queue_and_asks_for_information_in_one_step(
    journey, worker, other_worker, officer, mailoutbox
):
    factories.scheme("hardship", standard="2000", cap="5000", threshold="3000")
    CannedReply.objects.create(
        title="请补充材料", body="请上传最近三个月的工资条和医院的费用清单。", suggested_state=S.NEEDS_INFO
    )
    recent = factories.submit(worker, description="孩子生病住院，想申请困难帮扶。")
    oldest = factories.submit(other_worker, description="家里老人住院，费用太高。")
    for case in (recent, oldest):
        services.request_assign(request=case, officer=officer, by=officer)
        factories.move(case, S.IN_REVIEW, officer, "")
    _overdue(oldest, days=40)
    _overdue(recent, days=20)

    clerk = journey.person("officer")
    log_in(clerk, officer.email, PASSWORD, totp_secret=give_authenticator(officer))
    clerk.check("admin-index")
    # The header's search box finds the case by its reference.
    clerk.page.locator("#bo-search").fill(oldest.reference)
    with clerk.page.expect_navigation():
        clerk.page.locator("#bo-search").press("Enter")
    clerk.check("search")
    assert oldest.reference in clerk.main.locator(".bo-search-group").inner_text()
    clerk.goto("/admin/welfare/welfarerequest/queue/")
    clerk.check("queue")
    first = clerk.main.locator("[data-queue-link]").first
    assert oldest.reference in first.inner_text()
    clerk.page.keyboard.press("j")
    with clerk.page.expect_navigation():
        clerk.page.keyboard.press("Enter")
    assert f"/{oldest.pk}/change/" in clerk.page.url
    clerk.check("case")

    form = clerk.main.locator("form.wf-act-form")
    form.locator("select[name=canned]").select_option(label="请补充材料")
    assert "工资条" in form.locator("textarea[name=body]").input_value()
    assert form.locator(f"input[name=to][value={S.NEEDS_INFO}]").is_checked()
    clerk.submit("form.wf-act-form", button="input[type=submit]")
    clerk.check("moved")
    oldest.refresh_from_db()
    assert oldest.state == S.NEEDS_INFO
    assert oldest.transitions.order_by("at", "id").last().note.startswith("请上传最近三个月的工资条")
    assert "工资条" in clerk.main.locator("#timeline").inner_text()


def test_a_door_volunteer_checks_three_members_in_by_card_number_and_undoes_one(journey, tree, officer):
    activity = ActivityFactory(
        unit=tree["union_a"], title="职工健步走", capacity=3, starts_at=timezone.now() + timedelta(minutes=30)
    )
    members = [ActiveMemberFactory(unit=tree["branch_a"]) for _ in range(4)]
    for member in members:
        activity_services.registration_signup(activity=activity, member=member, by=member.user)

    volunteer = journey.person("volunteer")
    log_in(volunteer, officer.email, PASSWORD, totp_secret=give_authenticator(officer))
    volunteer.check("admin-index")
    volunteer.goto(f"/admin/activities/activity/{activity.pk}/check-in/")
    volunteer.check("door")
    for member in members[:3]:
        volunteer.main.locator("input[name=card]").fill(member.membership_number)
        volunteer.submit("form.door-form")
        volunteer.check(f"checked-in-{member.pk}")
        assert member.name in volunteer.main.locator(".door-result").inner_text()
    assert volunteer.main.locator('[data-count="checked_in"]').inner_text() == "3"
    # The fourth is on the waiting list: the screen says so and checks nobody in.
    volunteer.main.locator("input[name=card]").fill(members[3].membership_number)
    volunteer.submit("form.door-form")
    volunteer.check("waiting")
    assert "候补" in volunteer.main.locator(".door-result").inner_text()
    # The second card was the wrong one: undo it.
    second = Registration.objects.get(activity=activity, member=members[1])
    volunteer.submit(f"form:has(input[name=undo][value='{second.pk}'])")
    volunteer.check("undone")
    assert volunteer.main.locator('[data-count="checked_in"]').inner_text() == "2"
    statuses = [Registration.objects.get(activity=activity, member=m).status for m in members]
    assert statuses == ["attended", "confirmed", "attended", "waiting"]
