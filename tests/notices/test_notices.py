from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lib.dates import add_working_days
from lib.text import mask_name
from notices import services
from notices.models import GrantNotice, Objection
from notices.selectors import notices_visible_to
from tests.factories import ActiveMemberFactory
from tests.notices.factories import approved_grant, ended, open_now, rule
from tests.welfare import factories as welfare
from welfare.models import WelfareRequest

S = WelfareRequest.State


@pytest.fixture
def notice(worker, officer, mailoutbox, django_capture_on_commit_callbacks):
    rule("hardship", days=5)
    with django_capture_on_commit_callbacks(execute=True):
        request = approved_grant(worker, officer)
    return open_now(request.notice)


def test_working_days_skip_the_weekend():
    friday = date(2026, 12, 4)
    assert add_working_days(friday, 1) == date(2026, 12, 7)
    assert add_working_days(friday, 5) == date(2026, 12, 11)


def test_a_name_is_masked_whatever_its_length():
    assert mask_name("王小明") == "王**"
    assert mask_name("李娟") == "李**"
    assert mask_name("欧阳娜娜") == "欧**"


def test_an_approved_grant_of_a_publishing_scheme_goes_on_the_board_and_the_worker_is_told(
    worker, officer, mailoutbox, django_capture_on_commit_callbacks
):
    rule("hardship", days=5)
    with django_capture_on_commit_callbacks(execute=True):
        request = approved_grant(worker, officer)
    notice = request.notice
    assert notice.masked_name == "李**" and notice.amount == request.granted_amount
    assert notice.starts_on > request.decided_at.date()  # told beforehand
    assert notice.ends_on == add_working_days(notice.starts_on, 4)
    assert any("公示" in m.body or "notice board" in m.body for m in mailoutbox)


def test_a_scheme_without_a_rule_publishes_nothing(worker, officer):
    welfare.scheme("hardship")
    approved_grant(worker, officer)
    assert not GrantNotice.objects.exists()


def test_a_confidential_case_is_never_published(worker, welfare_officer):
    rule("hardship")
    approved_grant(worker, welfare_officer, sensitivity="confidential")
    assert not GrantNotice.objects.exists()


def test_the_board_shows_no_case_text(client, notice, other_worker):
    client.force_login(other_worker.user)
    page = client.get(reverse("notices:board")).content.decode()
    assert "李**" in page and "李娟" not in page and notice.request.description not in page


def test_members_of_the_unit_and_above_see_a_notice_others_do_not(notice, other_worker, outsider, tree):
    union_member = ActiveMemberFactory(unit=tree["union_a"])
    assert notices_visible_to(other_worker.user).filter(pk=notice.pk).exists()
    assert notices_visible_to(union_member.user).filter(pk=notice.pk).exists()
    assert not notices_visible_to(outsider.user).filter(pk=notice.pk).exists()


def test_a_notice_is_not_shown_before_its_period(worker, officer, other_worker):
    rule("hardship")
    request = approved_grant(worker, officer)
    assert not notices_visible_to(other_worker.user).filter(pk=request.notice.pk).exists()


def test_a_grant_cannot_be_paid_during_the_notice_period(notice, officer):
    with welfare.refused("under_notice"):
        welfare.move(notice.request, S.PAID, officer, "已发放")


def test_a_grant_is_paid_after_the_period_without_objections(notice, officer):
    ended(notice)
    assert welfare.move(notice.request, S.PAID, officer, "已发放").state == S.PAID


def test_a_member_objects_by_name_once(notice, other_worker):
    objection = services.objection_raise(notice=notice, member=other_worker, by=other_worker.user, reason="他家不困难")
    assert objection.state == Objection.State.PENDING
    with welfare.refused("duplicate"):
        services.objection_raise(notice=notice, member=other_worker, by=other_worker.user, reason="再说一次")


def test_the_worker_cannot_object_to_their_own_grant(notice, worker):
    with welfare.refused("own_grant"):
        services.objection_raise(notice=notice, member=worker, by=worker.user, reason="x")


def test_a_member_of_another_union_cannot_object(notice, outsider):
    with pytest.raises(PermissionDenied):
        services.objection_raise(notice=notice, member=outsider, by=outsider.user, reason="x")


def test_an_undecided_objection_holds_the_payment_and_an_upheld_one_stops_it(notice, other_worker, officer, chair):
    objection = services.objection_raise(notice=notice, member=other_worker, by=other_worker.user, reason="不属实")
    ended(notice)
    with welfare.refused("objection_pending"):
        welfare.move(notice.request, S.PAID, officer, "已发放")
    services.objection_decide(objection=objection, by=chair, uphold=True, reason="经核实，情况不属实。")
    with welfare.refused("objection_upheld"):
        welfare.move(notice.request, S.PAID, officer, "已发放")


def test_a_dismissed_objection_lets_the_grant_be_paid(
    notice, other_worker, officer, chair, mailoutbox, django_capture_on_commit_callbacks
):
    objection = services.objection_raise(notice=notice, member=other_worker, by=other_worker.user, reason="不属实")
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(objection=objection, by=chair, uphold=False, reason="已入户核实，情况属实。")
    assert mailoutbox[-1].to == [other_worker.user.email]
    ended(notice)
    assert welfare.move(notice.request, S.PAID, officer, "已发放").state == S.PAID


def test_only_the_chair_decides_and_always_with_a_reason(notice, other_worker, officer, chair):
    objection = services.objection_raise(notice=notice, member=other_worker, by=other_worker.user, reason="不属实")
    with pytest.raises(PermissionDenied):
        services.objection_decide(objection=objection, by=officer, uphold=False, reason="属实")
    with welfare.refused("no_reason"):
        services.objection_decide(objection=objection, by=chair, uphold=False, reason=" ")


def test_the_worker_objects_on_the_page_and_the_chair_decides_on_hers(
    client, staff_client, notice, other_worker, chair
):
    client.force_login(other_worker.user)
    response = client.post(reverse("notices:object", args=[notice.pk]), {"reason": "他家刚买了新车。"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    client = staff_client(chair)
    url = reverse("notices:decide", args=[objection.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "dismiss", "reason": "车是借的，已核实。"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == Objection.State.DISMISSED and objection.decided_by == chair


def test_a_huge_objection_is_refused_without_a_server_error(client, notice, other_worker):
    client.force_login(other_worker.user)
    response = client.post(reverse("notices:object", args=[notice.pk]), {"reason": "很" * 20000})
    assert response.status_code == 200 and not Objection.objects.exists()


def test_the_board_costs_the_same_with_twice_the_notices(client, worker, officer, other_worker):
    rule("hardship")
    client.force_login(other_worker.user)

    def add(n):
        for _ in range(n):
            member = ActiveMemberFactory(unit=worker.unit)
            open_now(approved_grant(member, officer).notice)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("notices:board")).status_code == 200
        return len(context.captured_queries)

    add(3)
    before = count()
    add(3)
    assert count() == before


def test_a_grant_whose_objection_was_upheld_is_closed_unpaid(notice, other_worker, officer, chair):
    from welfare.services import moves_for

    objection = services.objection_raise(notice=notice, member=other_worker, by=other_worker.user, reason="不属实")
    request = notice.request
    assert S.CLOSED not in moves_for(request=request, user=officer)
    services.objection_decide(objection=objection, by=chair, uphold=True, reason="经核实，情况不属实。")
    assert S.CLOSED in moves_for(request=request, user=officer)
    assert welfare.move(request, S.CLOSED, officer, "异议成立，不予发放。").state == S.CLOSED
