"""The officers' daily digest of welfare requests that need them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from tests.factories import ActiveMemberFactory, officer_user
from tests.welfare import factories
from welfare import services as welfare_services
from welfare.models import WelfareRequest
from welfare.reminders import _visible_pairs, digest_officers, digest_requests, officer_digests_queue
from welfare.selectors import requests_visible_to
from welfare.tasks import officer_digests_task

S = WelfareRequest.State


@pytest.fixture(autouse=True)
def hardship_scheme(db):
    return factories.scheme("hardship", standard="2000", cap="5000", threshold="3000")


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox):
    def go(day: date):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            officer_digests_queue(day=day)
        return {mail.to[0]: mail for mail in mailoutbox}

    return go


def test_a_new_unassigned_request_goes_to_the_officers_above_the_worker(
    worker, outsider, officer, sibling_officer, welfare_officer, chair, run
):
    request = factories.submit(worker)
    factories.submit(outsider)
    today = request.submitted_at.date()
    mails = run(today)
    assert set(mails) == {"officer@example.cn", "welfare@example.cn", "chair@example.cn", "sibling@example.cn"}
    assert request.reference in mails["officer@example.cn"].body
    assert "李娟" in mails["officer@example.cn"].body
    assert "赵磊" not in mails["officer@example.cn"].body  # another union's worker
    assert "李娟" not in mails["sibling@example.cn"].body
    assert "赵磊" in mails["chair@example.cn"].body and "李娟" in mails["chair@example.cn"].body


def test_nothing_is_sent_when_nothing_needs_anyone(worker, officer, chair, run):
    request = factories.submit(worker)
    welfare_services.request_assign(request=request, officer=officer, by=officer)
    assert run(request.submitted_at.date()) == {}  # assigned, in time, not waiting for the chair
    assert not Notification.objects.filter(template="welfare-digest").exists()


def test_an_assigned_request_is_listed_once_it_is_overdue(worker, officer, chair, run):
    request = factories.submit(worker)
    welfare_services.request_assign(request=request, officer=officer, by=officer)
    mails = run(request.decision_due + timedelta(days=1))
    body = mails["officer@example.cn"].body
    assert "已逾期 (1)" in body
    assert "未分派 (" not in body
    assert request.reference in body


def test_a_request_waiting_for_the_chair_is_listed(worker, officer, chair, run):
    request = factories.request_in_state(S.AWAITING_CHAIR, member=worker, officer=officer, chair=chair)
    welfare_services.request_assign(request=request, officer=officer, by=officer)
    mails = run(request.submitted_at.date())
    assert "待主席审批 (1)" in mails["chair@example.cn"].body
    assert "待主席审批" in mails["chair@example.cn"].subject


def test_a_confidential_request_reaches_only_those_who_may_see_it_and_names_no_one(
    worker, officer, welfare_officer, chair, run
):
    request = factories.submit(worker, "discrimination", sensitivity="confidential", description="班长骚扰我。")
    mails = run(request.submitted_at.date())
    assert set(mails) == {"welfare@example.cn", "chair@example.cn"}
    for mail in mails.values():
        assert request.reference in mail.body
        assert "李娟" not in mail.body and "李娟" not in mail.alternatives[0][0]
        assert "保密" in mail.body
        assert "班长" not in mail.body


def test_each_officer_gets_one_digest_a_day(worker, officer, run):
    request = factories.submit(worker)
    today = request.submitted_at.date()
    assert set(run(today)) == {"officer@example.cn"}
    assert run(today) == {}
    assert set(run(today + timedelta(days=1))) == {"officer@example.cn"}
    assert Notification.objects.filter(template="welfare-digest").count() == 2


def test_the_digest_is_in_the_officers_language(worker, tree, run):
    officer_user(unit=tree["union_a"], email="en-officer@example.cn", language="en", display_name="Wang")
    request = factories.submit(worker)
    mail = run(request.submitted_at.date())["en-officer@example.cn"]
    assert mail.subject == "Welfare requests: 0 overdue, 1 unassigned, 0 waiting for the chair"
    assert "Not assigned to anyone (1)" in mail.body
    assert "Hardship" in mail.body or "hardship" in mail.body.lower()


def test_the_daily_task_uses_todays_date_in_the_portals_time_zone(
    worker, officer, mailoutbox, django_capture_on_commit_callbacks
):
    request = factories.submit(worker)
    welfare_services.request_assign(request=request, officer=officer, by=officer)
    # 00:30 in Shanghai on the day after the decision was due: overdue since midnight
    overdue_from = datetime.combine(request.decision_due + timedelta(days=1), datetime.min.time())
    with time_machine.travel(overdue_from.replace(minute=30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            officer_digests_task.delay()
    assert [m.to for m in mailoutbox] == [["officer@example.cn"]]


def test_batched_visibility_is_exactly_the_welfare_rule_for_every_officer(
    worker, other_worker, outsider, officer, sibling_officer, welfare_officer, chair, tree
):
    own_officer_member = ActiveMemberFactory(unit=tree["branch_a"], user=officer, name="干事本人")
    factories.submit(worker)
    factories.submit(outsider, "discrimination", sensitivity="confidential", description="保密")
    factories.submit(other_worker, "wage-arrears")
    factories.submit(own_officer_member)
    confidential_assigned = factories.submit(worker, "discrimination", sensitivity="confidential", description="x")
    welfare_services.request_assign(request=confidential_assigned, officer=officer, by=chair)
    today = confidential_assigned.submitted_at.date()
    officers = list(digest_officers())
    requests = digest_requests(day=today)
    batched = _visible_pairs(officers, requests)
    for each in officers:
        expected = set(requests_visible_to(each, requests, side="officer").values_list("pk", flat=True))
        assert {pk for officer_id, pk in batched if officer_id == each.pk} == expected, each


def test_twice_the_officers_and_requests_cost_no_more_queries(tree, django_capture_on_commit_callbacks):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            union = tree["union_a"] if i % 2 else tree["union_b"]
            branch = tree["branch_a"] if i % 2 else tree["branch_b"]
            officer_user(unit=union, email=f"o{i}@example.cn", roles=("Officer", "Welfare officer")[: 1 + i % 2])
            factories.submit(
                ActiveMemberFactory(unit=branch),
                "hardship" if i % 3 else "discrimination",
                sensitivity="confidential" if i % 3 == 0 else "normal",
                description="需要帮助",
            )

    def count(day: date) -> int:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=False):
            assert officer_digests_queue(day=day) > 0
        return len(captured)

    add(4, 0)
    today = WelfareRequest.objects.first().submitted_at.date()
    with_n = count(today)
    add(4, 4)
    with_2n = count(today)
    assert with_2n == with_n
    assert with_n <= 10
