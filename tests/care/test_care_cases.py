from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from care import services
from care.models import CareCase, Origin, State, Wish
from care.selectors import cases_visible_to
from tests.care.factories import approved_request, open_case
from tests.factories import ActiveMemberFactory
from tests.welfare import factories as welfare


def test_a_hospital_visit_is_due_within_three_days(worker, officer):
    case = open_case(worker, officer, "hospital")
    assert case.due_on == timezone.localdate() + timedelta(days=3)
    assert case.origin == Origin.OFFICER
    assert case.changes.get().to_state == State.OPEN


def test_an_officer_of_another_union_cannot_open_a_case(worker, sibling_officer):
    with pytest.raises(PermissionDenied):
        open_case(worker, sibling_officer)


def test_approving_an_illness_request_opens_a_visit_once(worker, officer):
    request = approved_request(worker, officer, "illness")
    case = CareCase.objects.get(welfare_request=request)
    assert case.kind == "illness" and case.origin == Origin.WELFARE and case.opened_by == officer
    assert services.case_open_for_request(request=request) is None
    assert CareCase.objects.count() == 1


def test_approving_a_hardship_request_opens_no_visit(worker, officer):
    approved_request(worker, officer, "hardship")
    assert not CareCase.objects.exists()


def test_a_visit_from_a_confidential_request_is_hidden_like_the_request(worker, officer, welfare_officer):
    request = approved_request(worker, welfare_officer, "bereavement", sensitivity="confidential")
    case = CareCase.objects.get(welfare_request=request)
    assert not cases_visible_to(officer, side="officer").filter(pk=case.pk).exists()
    assert cases_visible_to(welfare_officer, side="officer").filter(pk=case.pk).exists()


def test_a_worker_reports_a_colleague_of_their_unit(worker, other_worker):
    case = services.case_report(
        reporter=worker, colleague=other_worker, kind="illness", reason="王芳骨折在家休养。", by=worker.user
    )
    assert case.member == other_worker and case.reported_by == worker
    # The reporter does not see the colleague's case; the colleague does.
    assert not cases_visible_to(worker.user).exists()
    assert cases_visible_to(other_worker.user).get() == case


def test_a_worker_cannot_report_someone_outside_their_unit(worker, outsider):
    with pytest.raises(ValidationError):
        services.case_report(reporter=worker, colleague=outsider, kind="illness", reason="生病", by=worker.user)


def test_a_worker_may_decline_the_visit_and_change_their_mind(worker, officer):
    case = open_case(worker, officer)
    case = services.case_set_wish(case=case, by=worker.user, wish=Wish.NONE, note="谢谢，不用来了")
    assert case.state == State.DECLINED
    case = services.case_set_wish(case=case, by=worker.user, wish=Wish.PHONE, remind_worker=True)
    assert case.state == State.OPEN and case.remind_worker
    assert [c.to_state for c in case.changes.all()] == [State.OPEN, State.DECLINED, State.OPEN]


def test_only_the_worker_concerned_states_a_wish(worker, other_worker, officer):
    case = open_case(worker, officer)
    with pytest.raises(PermissionDenied):
        services.case_set_wish(case=case, by=other_worker.user, wish=Wish.HOME)


def test_recording_the_visit_tells_whether_it_was_on_time(worker, officer):
    case = open_case(worker, officer)
    today = timezone.localdate()
    case = services.case_record_visit(
        case=case, by=officer, visited_on=today, what_was_done="到医院看望", brought="水果、慰问金", follow_up_on=today
    )
    assert case.state == State.DONE and case.on_time is True


def test_a_visit_cannot_be_recorded_in_the_future_or_without_a_note(worker, officer):
    case = open_case(worker, officer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with welfare.refused("future"):
        services.case_record_visit(case=case, by=officer, visited_on=tomorrow, what_was_done="看望")
    with welfare.refused("no_note"):
        services.case_record_visit(case=case, by=officer, visited_on=timezone.localdate(), what_was_done=" ")


def test_a_case_is_assigned_only_to_an_officer_over_the_unit(worker, officer, sibling_officer):
    case = open_case(worker, officer)
    with welfare.refused("not_in_unit"):
        services.case_update(case=case, by=officer, assigned_to=sibling_officer)
    case = services.case_update(case=case, by=officer, assigned_to=officer, companions="车间主任 刘洋")
    assert case.assigned_to == officer


def test_an_overdue_case_is_found_by_the_same_rule_as_its_flag(worker, officer):
    case = open_case(worker, officer)
    later = case.due_on + timedelta(days=1)
    assert case.is_overdue(later)
    assert CareCase.objects.filter(CareCase.overdue_q(later)).get() == case


def test_the_worker_sees_their_visits_and_states_a_wish_on_their_phone(client, worker, officer):
    case = open_case(worker, officer)
    client.force_login(worker.user)
    page = client.get(reverse("care:list"))
    assert "住院" in page.content.decode() or case.get_kind_display() in page.content.decode()
    response = client.post(reverse("care:detail", args=[case.pk]), {"wish": "hospital", "note": "3 号床"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.wish == Wish.HOSPITAL and case.wish_note == "3 号床"


def test_someone_else_gets_404_for_a_case(client, worker, other_worker, officer):
    case = open_case(worker, officer)
    client.force_login(other_worker.user)
    assert client.get(reverse("care:detail", args=[case.pk])).status_code == 404


def test_the_report_form_refuses_a_huge_reason(client, worker, other_worker):
    client.force_login(worker.user)
    response = client.post(
        reverse("care:report"), {"colleague": other_worker.pk, "kind": "illness", "reason": "很" * 5000}
    )
    assert response.status_code == 200 and not CareCase.objects.exists()


def test_my_visits_costs_the_same_with_twice_the_cases(client, worker, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(worker.user)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("care:list")).status_code == 200
        return len(context.captured_queries)

    for _ in range(3):
        open_case(worker, officer)
    before = count()
    for _ in range(3):
        open_case(worker, officer, "illness", assigned_to=officer)
    assert count() == before


def test_the_officer_changelist_costs_the_same_with_twice_the_cases(staff_client, worker, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = staff_client(officer)
    members = [ActiveMemberFactory(unit=worker.unit) for _ in range(6)]

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/admin/care/carecase/").status_code == 200
        return len(context.captured_queries)

    for member in members[:3]:
        open_case(member, officer, assigned_to=officer)
    before = count()
    for member in members[3:]:
        open_case(member, officer, assigned_to=officer)
    assert count() == before


def test_erasing_a_member_blanks_what_was_written_about_them_and_cancels_open_visits(worker, officer):
    from members import erasure

    open_case(worker, officer, about="婆婆", companions="刘洋")
    erasure.erase(worker, by=officer)
    case = CareCase.objects.get()
    assert case.state == State.CANCELLED and case.about == "" and case.reason == "" and case.companions == ""
