"""A member moves to another grassroots union; the receiving union accepts (issue 21 §3)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members import services
from members.models import DuesRecord, Member, MembershipTransfer
from members.scoping import scope_queryset
from members.selectors import transfers_visible_to
from notifications.models import Notification
from tests.factories import ActiveMemberFactory, add_unit, officer_user
from tests.welfare.factories import scheme, submit
from welfare.selectors import requests_visible_to

S = Member.Status
T = MembershipTransfer.State


@pytest.fixture
def transfer(worker, officer, tree):
    return services.transfer_request(member=worker, to_union=tree["union_b"], by=officer, reason="调到乙厂工作")


def test_asking_for_a_transfer_marks_the_member_transferred_out_until_accepted(transfer, worker, tree):
    worker.refresh_from_db()
    assert worker.status == S.TRANSFERRED
    assert worker.unit == tree["branch_a"]  # still with union A
    assert transfer.state == T.PENDING
    event = worker.events.get()
    assert (event.from_state, event.to_state) == (S.ACTIVE, S.TRANSFERRED)
    assert "乙厂工会" in event.note and "调到乙厂工作" in event.note


def test_the_receiving_union_accepts_and_the_history_moves_with_the_member(
    transfer, worker, officer, sibling_officer, tree, mailoutbox, django_capture_on_commit_callbacks
):
    DuesRecord.objects.create(member=worker, period="2026-01-01", amount=Decimal("10"))
    number = worker.membership_number
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_accept(transfer=transfer, by=sibling_officer, unit=tree["branch_b"], employee_number="B-77")
    worker.refresh_from_db()
    transfer.refresh_from_db()
    assert (worker.status, worker.unit, worker.union) == (S.ACTIVE, tree["branch_b"], tree["union_b"])
    assert (worker.membership_number, worker.employee_number) == (number, "B-77")
    assert transfer.state == T.ACCEPTED and transfer.decided_by == sibling_officer
    assert worker.dues.count() == 1
    assert list(worker.events.values_list("to_state", flat=True).order_by("at", "id")) == [S.TRANSFERRED, S.ACTIVE]
    assert "乙厂工会" in mailoutbox[-1].subject
    assert Notification.objects.filter(template="membership-transfer").count() == 2


def test_after_the_transfer_the_receiving_officers_see_the_member_and_the_old_ones_only_the_transfer(
    transfer, worker, officer, sibling_officer, tree
):
    scheme("hardship")
    request = submit(worker)
    services.transfer_accept(transfer=transfer, by=sibling_officer)
    members = Member.objects.filter(pk=worker.pk)
    assert scope_queryset(members, sibling_officer).exists()
    assert not scope_queryset(members, officer).exists()
    # The worker's requests went with them.
    assert requests_visible_to(sibling_officer, side="officer").filter(pk=request.pk).exists()
    assert not requests_visible_to(officer, side="officer").filter(pk=request.pk).exists()
    # The record of the transfer stays with both sides.
    assert transfers_visible_to(officer).filter(pk=transfer.pk).exists()
    assert transfers_visible_to(sibling_officer).filter(pk=transfer.pk).exists()


def test_a_pending_transfer_is_seen_by_both_unions_and_not_by_a_third(transfer, officer, sibling_officer, tree):
    # Named to sort last: the tree keeps siblings in name order, and the others' paths stay put.
    third = officer_user(unit=add_unit(tree["root"], "癸厂工会", "union"), email="third@example.cn")
    assert transfers_visible_to(officer).filter(pk=transfer.pk).exists()
    assert transfers_visible_to(sibling_officer).filter(pk=transfer.pk).exists()
    assert not transfers_visible_to(third).exists()


def test_only_the_receiving_union_accepts_or_declines(transfer, officer):
    with pytest.raises(PermissionDenied):
        services.transfer_accept(transfer=transfer, by=officer)
    with pytest.raises(PermissionDenied):
        services.transfer_decline(transfer=transfer, by=officer, reason="不接收")


def test_the_receiving_officer_chooses_a_unit_of_their_union_only(transfer, sibling_officer, tree):
    with pytest.raises(ValidationError):
        services.transfer_accept(transfer=transfer, by=sibling_officer, unit=tree["branch_a"])
    transfer.refresh_from_db()
    assert transfer.state == T.PENDING


def test_a_declined_transfer_leaves_the_member_active_where_they_were(
    transfer, worker, sibling_officer, tree, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_decline(transfer=transfer, by=sibling_officer, reason="新单位尚未确认录用")
    worker.refresh_from_db()
    transfer.refresh_from_db()
    assert (worker.status, worker.unit) == (S.ACTIVE, tree["branch_a"])
    assert transfer.state == T.DECLINED
    assert "新单位尚未确认录用" in mailoutbox[-1].body


def test_the_sending_officer_may_cancel_and_a_decided_transfer_cannot_be_decided_again(
    transfer, worker, officer, sibling_officer
):
    services.transfer_cancel(transfer=transfer, by=officer, reason="本人改变主意")
    worker.refresh_from_db()
    assert worker.status == S.ACTIVE
    with pytest.raises(ValidationError):
        services.transfer_accept(transfer=transfer, by=sibling_officer)


def test_a_transfer_is_refused_to_the_own_union_without_a_reason_or_for_a_non_active_member(
    worker, other_worker, officer, tree
):
    with pytest.raises(ValidationError):
        services.transfer_request(member=worker, to_union=tree["union_a"], by=officer, reason="理由")
    with pytest.raises(ValidationError):
        services.transfer_request(member=worker, to_union=tree["union_b"], by=officer, reason=" ")
    with pytest.raises(ValidationError):
        services.transfer_request(member=worker, to_union=tree["branch_b"], by=officer, reason="理由")
    services.membership_door(member=other_worker, door="suspend", by=officer, reason="暂停")
    with pytest.raises(ValidationError):
        services.transfer_request(member=other_worker, to_union=tree["union_b"], by=officer, reason="理由")
    assert not MembershipTransfer.objects.exists()


def test_a_sibling_officer_cannot_ask_to_transfer_another_unions_member(worker, sibling_officer, tree):
    with pytest.raises(PermissionDenied):
        services.transfer_request(member=worker, to_union=tree["union_b"], by=sibling_officer, reason="挖人")


def test_an_employee_number_taken_in_the_receiving_union_is_refused(transfer, sibling_officer, tree):
    ActiveMemberFactory(unit=tree["branch_b"], employee_number="B-1")
    with pytest.raises(ValidationError):
        services.transfer_accept(transfer=transfer, by=sibling_officer, employee_number="B-1")


def test_a_group_of_members_is_transferred_and_accepted_in_bulk(worker, other_worker, officer, sibling_officer, tree):
    done, errors = services.transfer_bulk_request(
        members=Member.objects.filter(pk__in=[worker.pk, other_worker.pk]),
        to_union=tree["union_b"],
        by=officer,
        reason="车间整体划转",
    )
    assert (done, errors) == (2, [])
    done, errors = services.transfer_bulk_accept(transfers=MembershipTransfer.objects.all(), by=sibling_officer)
    assert (done, errors) == (2, [])
    assert set(Member.objects.filter(union=tree["union_b"]).values_list("pk", flat=True)) >= {
        worker.pk,
        other_worker.pk,
    }
