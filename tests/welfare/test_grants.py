"""Benefit schemes: the yearly cap per member and type, and the chair's threshold."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.welfare.factories import move, refused, scheme, submit
from welfare import selectors, services
from welfare.models import WelfareRequest

S = WelfareRequest.State


def _in_review(member, officer, code="hardship"):
    request = submit(member, code)
    return move(request, S.IN_REVIEW, officer)


def _granted(member, officer, amount, code="hardship"):
    request = _in_review(member, officer, code)
    return services.request_approve(request=request, by=officer, granted_amount=Decimal(amount), reason="同意")


def test_a_grant_within_the_cap_and_threshold_is_approved_at_once(worker, officer, hardship_scheme):
    request = services.request_approve(
        request=_in_review(worker, officer), by=officer, granted_amount=Decimal("2000"), reason="按标准发放"
    )
    assert request.state == S.APPROVED
    assert request.granted_amount == Decimal("2000.00")
    assert (request.decided_by, request.decision_reason) == (officer, "按标准发放")
    assert request.decided_at is not None


def test_the_cap_counts_what_the_member_already_got_this_year(worker, officer, hardship_scheme):
    _granted(worker, officer, "3000")
    second = _in_review(worker, officer)
    with refused("cap_exceeded") as info:
        services.request_approve(request=second, by=officer, granted_amount=Decimal("2500"))
    text = " ".join(info.value.messages)
    assert "5000" in text and "3000" in text and "2000" in text  # cap, already granted, still possible
    second.refresh_from_db()
    assert second.state == S.IN_REVIEW
    assert second.granted_amount is None

    services.request_approve(request=second, by=officer, granted_amount=Decimal("2000"))
    second.refresh_from_db()
    assert second.state == S.APPROVED


def test_paid_and_closed_grants_count_towards_the_cap_too(worker, officer, hardship_scheme):
    first = _granted(worker, officer, "2000")
    move(first, S.PAID, officer)
    move(first, S.CLOSED, officer)
    with refused("cap_exceeded"):
        services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("3500"))


def test_last_years_grants_do_not_count(worker, officer, hardship_scheme):
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        _granted(worker, officer, "5000")
    request = services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("2000"))
    assert request.state == S.APPROVED


def test_other_types_and_other_members_have_their_own_caps(worker, other_worker, officer, hardship_scheme):
    scheme("illness", standard="500", cap="1000", threshold="1000")
    _granted(worker, officer, "5000")
    assert (
        services.request_approve(
            request=_in_review(worker, officer, "illness"), by=officer, granted_amount=Decimal("800")
        ).state
        == S.APPROVED
    )
    assert (
        services.request_approve(
            request=_in_review(other_worker, officer), by=officer, granted_amount=Decimal("2000")
        ).state
        == S.APPROVED
    )


def test_rejected_and_withdrawn_requests_grant_nothing(worker, officer, hardship_scheme):
    move(_in_review(worker, officer), S.REJECTED, officer, "不符合条件")
    move(_in_review(worker, officer), S.WITHDRAWN, worker.user, "")
    assert selectors.granted_this_year(member_id=worker.pk, request_type_id=hardship_scheme.request_type_id) == 0


def test_the_officer_sees_the_cap_and_what_was_granted_on_the_decision_page(
    worker, officer, staff_client, hardship_scheme
):
    _granted(worker, officer, "1500")
    request = _in_review(worker, officer)
    page = staff_client(officer).get(f"/admin/welfare/welfarerequest/{request.pk}/move/approved/").content.decode()
    for figure in ("¥2000.00", "¥5000.00", "¥1500.00", "¥3500.00", "¥3000.00"):  # standard, cap, got, left, chair
        assert figure in page


def test_a_refused_cap_is_shown_on_the_decision_page(worker, officer, staff_client, hardship_scheme):
    _granted(worker, officer, "3000")
    request = _in_review(worker, officer)
    response = staff_client(officer).post(
        f"/admin/welfare/welfarerequest/{request.pk}/move/approved/", {"granted_amount": "2500", "note": ""}
    )
    assert response.status_code == 200
    assert "¥2000.00" in response.content.decode()  # at most this much is still possible
    request.refresh_from_db()
    assert request.state == S.IN_REVIEW


# --- The chair's threshold -----------------------------------------------------------


def test_a_grant_above_the_threshold_waits_for_the_chair(worker, officer, hardship_scheme):
    request = services.request_approve(
        request=_in_review(worker, officer), by=officer, granted_amount=Decimal("4000"), reason="家庭困难严重"
    )
    assert request.state == S.AWAITING_CHAIR
    assert request.granted_amount == Decimal("4000.00")
    assert request.decided_at is None
    last = request.transitions.order_by("-id").first()
    assert (last.from_state, last.to_state, last.by) == (S.IN_REVIEW, S.AWAITING_CHAIR, officer)


def test_a_grant_at_the_threshold_does_not_need_the_chair(worker, officer, hardship_scheme):
    request = services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("3000"))
    assert request.state == S.APPROVED


def test_the_chair_approves_the_waiting_grant(worker, officer, chair, hardship_scheme):
    waiting = services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("4000"))
    approved = services.request_approve(request=waiting, by=chair, granted_amount=None, reason="同意")
    assert approved.state == S.APPROVED
    assert approved.granted_amount == Decimal("4000.00")
    assert approved.decided_by == chair


def test_the_chair_may_lower_the_amount(worker, officer, chair, hardship_scheme):
    waiting = services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("4000"))
    lowered = services.request_approve(request=waiting, by=chair, granted_amount=Decimal("3500"))
    assert (lowered.state, lowered.granted_amount) == (S.APPROVED, Decimal("3500.00"))

    rest = services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("1500"))
    assert rest.state == S.APPROVED  # 3500 + 1500 is exactly the cap


def test_the_chair_sends_a_proposal_back_to_review(worker, officer, chair, hardship_scheme):
    waiting = services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("4000"))
    back = services.request_transition(request=waiting, to=S.IN_REVIEW, by=chair, note="请先核实家庭收入")
    assert back.state == S.IN_REVIEW
    assert back.granted_amount is None


def test_an_officer_cannot_approve_the_waiting_grant_themselves(worker, officer, welfare_officer, hardship_scheme):
    waiting = services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("4000"))
    for not_chair in (officer, welfare_officer):
        with pytest.raises(PermissionDenied):
            services.request_approve(request=waiting, by=not_chair, granted_amount=Decimal("3000"))
    waiting.refresh_from_db()
    assert waiting.state == S.AWAITING_CHAIR


def test_the_chair_approves_above_the_threshold_directly(worker, chair, hardship_scheme):
    request = _in_review(worker, chair)
    assert services.request_approve(request=request, by=chair, granted_amount=Decimal("4500")).state == S.APPROVED


def test_the_cap_still_binds_the_chair(worker, officer, chair, hardship_scheme):
    _granted(worker, officer, "3000")
    with refused("cap_exceeded"):
        services.request_approve(request=_in_review(worker, chair), by=chair, granted_amount=Decimal("4000"))


def test_the_cap_is_checked_again_when_the_chair_decides(worker, officer, chair, hardship_scheme):
    waiting = services.request_approve(request=_in_review(worker, officer), by=officer, granted_amount=Decimal("4000"))
    _granted(worker, officer, "2000")  # meanwhile another grant used part of the year's cap
    with refused("cap_exceeded"):
        services.request_approve(request=waiting, by=chair, granted_amount=None)
    waiting.refresh_from_db()
    assert waiting.state == S.AWAITING_CHAIR


def test_without_a_scheme_every_grant_of_money_needs_the_chair(worker, officer):
    request = _in_review(worker, officer, "disaster")
    assert services.request_approve(request=request, by=officer, granted_amount=Decimal("100")).state == (
        S.AWAITING_CHAIR
    )
    visit = _in_review(worker, officer, "illness")
    assert services.request_approve(request=visit, by=officer, granted_amount=None).state == S.APPROVED


def test_an_officer_may_refer_a_smaller_grant_to_the_chair(worker, officer, hardship_scheme):
    request = services.request_transition(
        request=_in_review(worker, officer), to=S.AWAITING_CHAIR, by=officer, granted_amount=Decimal("500")
    )
    assert request.state == S.AWAITING_CHAIR


def test_only_the_chair_changes_the_chairs_threshold(officer, chair, staff_client, hardship_scheme):
    url = f"/admin/welfare/benefitscheme/{hardship_scheme.pk}/change/"
    data = {"request_type": hardship_scheme.request_type_id, "standard_amount": "2500", "yearly_cap": "6000"}
    staff_client(officer).post(url, {**data, "chair_threshold": "99999"})
    hardship_scheme.refresh_from_db()
    assert (hardship_scheme.standard_amount, hardship_scheme.chair_threshold) == (Decimal("2500"), Decimal("3000"))

    staff_client(chair).post(url, {**data, "chair_threshold": "4000"})
    hardship_scheme.refresh_from_db()
    assert hardship_scheme.chair_threshold == Decimal("4000")
