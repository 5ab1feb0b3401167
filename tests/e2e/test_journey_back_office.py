"""Back-office journeys: the oldest overdue case from my queue answered and moved in one step;
a volunteer at the door checks three members in by card number on a phone and undoes one; the
chair reads the statistics and downloads one CSV; an officer imports a roster row that renames
a member and sees the change before confirming. Each on a phone (390×844) and at 1366×900."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from activities import services as activity_services
from activities.models import Registration
from members.models import ImportJob, Member
from tests.activities.factories import ActivityFactory
from tests.e2e.conftest import JOURNEY, give_authenticator, log_in
from tests.factories import ActiveMemberFactory
from tests.feedback.factories import FeedbackFactory
from tests.welfare import factories
from welfare import services
from welfare.models import Budget, CannedReply, WelfareRequest

pytestmark = JOURNEY

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
S = WelfareRequest.State


@pytest.fixture(params=["phone", "desk-1366"])
def viewport(request):
    return request.param


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


def test_the_chair_reads_the_statistics_and_downloads_one_csv(journey, tree, worker, other_worker, outsider, chair):
    factories.scheme("hardship")
    factories.move(factories.submit(worker), S.IN_REVIEW, chair)
    granted = factories.move(factories.submit(other_worker, amount_requested=Decimal("800")), S.IN_REVIEW, chair)
    factories.move(granted, S.APPROVED, chair, "同意", granted_amount=Decimal("800"))
    Budget.objects.create(unit=tree["union_a"], year=timezone.localdate().year, amount=Decimal("5000"))
    FeedbackFactory(author=worker, submitted_on=timezone.localdate())
    ActiveMemberFactory(unit=tree["branch_b"], name="乙厂会员")

    reader = journey.person("chair")
    log_in(reader, chair.email, PASSWORD, totp_secret=give_authenticator(chair))
    reader.check("admin-index")
    reader.goto("/admin/statistics/")
    reader.check("statistics")
    cards = reader.main.locator(".statistics-card")
    assert cards.count() == 5
    assert "甲厂工会" in reader.main.locator("#card-welfare-grants").inner_text()
    # The chair narrows the page to one union with the picker (a plain GET form).
    reader.main.locator("select[name=unit]").select_option(label="甲厂工会")
    reader.submit("form.statistics-filter")
    reader.check("statistics-union-a")
    members = reader.main.locator("#card-members").inner_text()
    assert members.startswith("会员与入会申请\n2\n在册会员")  # 李娟 and 王芳: nobody of union B
    # The card's own CSV: the figures it shows, for the union picked.
    with reader.page.expect_download() as download:
        reader.main.locator("#card-members").get_by_role("link", name="本卡片数字（CSV）").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert rows[0][0] == "会员与入会申请" and ["在册会员", "2"] in rows
    # And the year's table beside it.
    with reader.page.expect_download() as download:
        reader.main.locator("#card-members").get_by_role("link", name="年全年表格（CSV）").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "月份" and len(rows) == 14  # the header, twelve months, the total
    # The card's drill-down opens the members' list filtered the same way.
    reader.click("#card-members .card-links a:not([download])")
    reader.check("drill-down")
    assert "within=" in reader.page.url
    assert "乙厂会员" not in reader.main.inner_text()


def test_an_officer_imports_a_row_that_renames_a_member_and_sees_the_change_before_confirming(journey, worker, officer):
    worker.employee_number = "A-7"
    worker.save()
    roster = (
        "姓名,性别,出生日期,组织单位,工号\n"
        f"李娟娟,女,{worker.date_of_birth:%Y-%m-%d},甲厂一车间,A-7\n"
        "陈东,男,1970-01-01,甲厂一车间,A-8\n"
    ).encode("utf-8-sig")

    clerk = journey.person("officer")
    log_in(clerk, officer.email, PASSWORD, totp_secret=give_authenticator(officer))
    clerk.check("admin-index")
    clerk.goto("/admin/members/importjob/add/")
    clerk.check("upload")
    clerk.main.locator("select[name=kind]").select_option("members")
    clerk.main.locator("input[name=file]").set_input_files(
        {"name": "名册.csv", "mimeType": "text/csv", "buffer": roster}
    )
    clerk.submit("form", button="input[type=submit]")
    clerk.check("preview-with-changes")
    changes = clerk.main.locator("#import-changes").inner_text()
    assert "李娟 → 李娟娟" in changes
    # Confirming without the tick imports nothing, and says why.
    clerk.submit("form:has(input[name=changes_checked])", button="input[type=submit]")
    clerk.check("refused-without-tick")
    assert "我已核对以上更改" in clerk.page.locator(".messagelist").inner_text()
    worker.refresh_from_db()
    assert worker.name == "李娟" and not Member.objects.filter(name="陈东").exists()
    clerk.main.locator("input[name=changes_checked]").check()
    clerk.submit("form:has(input[name=changes_checked])", button="input[type=submit]")
    clerk.check("imported")
    worker.refresh_from_db()
    assert worker.name == "李娟娟" and Member.objects.filter(name="陈东").exists()
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
