"""The state machine of SPEC §4: every legal move works, every other one is refused from every door."""

from decimal import Decimal
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied

from tests.welfare.factories import move, refused, request_in_state, submit
from welfare import services
from welfare.models import RequestTransition, StateChangeRefused, WelfareRequest

S = WelfareRequest.State
ALL_PAIRS = list(product(S.values, S.values))
LEGAL = {(frm, to) for frm, targets in services.TRANSITIONS.items() for to in targets}


def test_the_transition_table_is_the_one_of_the_spec():
    assert LEGAL == {
        (S.SUBMITTED, S.IN_REVIEW),
        (S.SUBMITTED, S.REJECTED),
        (S.SUBMITTED, S.WITHDRAWN),
        (S.IN_REVIEW, S.NEEDS_INFO),
        (S.IN_REVIEW, S.AWAITING_CHAIR),
        (S.IN_REVIEW, S.APPROVED),
        (S.IN_REVIEW, S.REJECTED),
        (S.IN_REVIEW, S.WITHDRAWN),
        (S.NEEDS_INFO, S.IN_REVIEW),
        (S.NEEDS_INFO, S.REJECTED),
        (S.NEEDS_INFO, S.WITHDRAWN),
        (S.AWAITING_CHAIR, S.APPROVED),
        (S.AWAITING_CHAIR, S.REJECTED),
        (S.AWAITING_CHAIR, S.IN_REVIEW),
        (S.AWAITING_CHAIR, S.WITHDRAWN),
        (S.APPROVED, S.PAID),
        (S.APPROVED, S.CLOSED),
        (S.PAID, S.CLOSED),
    }


def _actor(frm, to, *, worker, officer, chair):
    if (frm, to) in services.WORKER_MOVES:
        return worker.user
    if (frm, to) in services.CHAIR_MOVES:
        return chair
    return officer


@pytest.mark.parametrize(("frm", "to"), sorted(LEGAL))
def test_every_legal_move_is_made_and_recorded(frm, to, worker, officer, chair, hardship_scheme):
    request = request_in_state(frm, member=worker, officer=officer, chair=chair)
    if (frm, to) == (S.APPROVED, S.CLOSED):
        # Help that is not money (a visit) is closed straight after approval.
        request = submit(worker)
        move(request, S.IN_REVIEW, officer)
        request = move(request, S.APPROVED, officer, "上门慰问")
    by = _actor(frm, to, worker=worker, officer=officer, chair=chair)
    amount = {S.APPROVED: Decimal("1000"), S.AWAITING_CHAIR: Decimal("4000")}.get(to) if frm == S.IN_REVIEW else None
    before = request.transitions.count()

    moved = services.request_transition(request=request, to=to, by=by, note="处理说明", granted_amount=amount)

    moved.refresh_from_db()
    assert moved.state == to
    last = moved.transitions.order_by("-at", "-id").first()
    assert (last.from_state, last.to_state, last.by, last.note) == (frm, to, by, "处理说明")
    assert last.at is not None
    assert moved.transitions.count() == before + 1


@pytest.mark.parametrize(("frm", "to"), sorted(set(ALL_PAIRS) - LEGAL))
def test_every_illegal_move_is_refused_and_changes_nothing(frm, to, worker, officer, chair, hardship_scheme):
    request = request_in_state(frm, member=worker, officer=officer, chair=chair)
    before = list(request.transitions.values_list("pk", flat=True))

    # The chair may do everything a person may; it is the machine that refuses.
    with refused("illegal_transition"):
        services.request_transition(request=request, to=to, by=chair, note="试一试", granted_amount=None)

    request.refresh_from_db()
    assert request.state == frm
    assert list(request.transitions.values_list("pk", flat=True)) == before


def test_an_unknown_state_is_refused(normal_request, officer):
    with refused("illegal_transition"):
        services.request_transition(request=normal_request, to="archived", by=officer)


def test_a_worker_cannot_make_an_officers_move_on_their_own_request(normal_request, worker):
    with pytest.raises(PermissionDenied):
        services.request_transition(request=normal_request, to=S.IN_REVIEW, by=worker.user)
    normal_request.refresh_from_db()
    assert normal_request.state == S.SUBMITTED


def test_another_worker_cannot_withdraw_someone_elses_request(normal_request, other_worker):
    with pytest.raises(PermissionDenied):
        services.request_withdraw(request=normal_request, by=other_worker.user)


def test_an_officer_of_a_sibling_union_cannot_move_the_request(normal_request, sibling_officer):
    with pytest.raises(PermissionDenied):
        services.request_transition(request=normal_request, to=S.IN_REVIEW, by=sibling_officer)


def test_only_the_chair_decides_a_grant_waiting_for_the_chair(worker, officer, welfare_officer, chair, hardship_scheme):
    request = request_in_state(S.AWAITING_CHAIR, member=worker, officer=officer, chair=chair)
    for not_chair in (officer, welfare_officer):
        with pytest.raises(PermissionDenied):
            services.request_transition(request=request, to=S.APPROVED, by=not_chair)
    request.refresh_from_db()
    assert request.state == S.AWAITING_CHAIR


def test_nobody_handles_their_own_request_as_an_officer(tree, chair, hardship_scheme):
    from tests.factories import ActiveMemberFactory

    own = ActiveMemberFactory(unit=tree["branch_a"], user=chair, name="张建国")
    request = submit(own)
    with pytest.raises(PermissionDenied):
        services.request_transition(request=request, to=S.IN_REVIEW, by=chair)


@pytest.mark.parametrize(
    ("state", "to"), [(S.IN_REVIEW, S.NEEDS_INFO), (S.IN_REVIEW, S.REJECTED), (S.IN_REVIEW, S.WITHDRAWN)]
)
def test_some_moves_need_a_note_for_the_worker(state, to, worker, officer, chair, hardship_scheme):
    request = request_in_state(state, member=worker, officer=officer, chair=chair)
    with refused("note_required"):
        services.request_transition(request=request, to=to, by=officer, note="  ")
    request.refresh_from_db()
    assert request.state == S.IN_REVIEW


def test_a_grant_of_money_is_paid_before_the_request_is_closed(worker, officer, chair, hardship_scheme):
    request = request_in_state(S.APPROVED, member=worker, officer=officer, chair=chair)
    with refused("pay_first"):
        services.request_transition(request=request, to=S.CLOSED, by=officer)


def test_help_that_is_not_money_cannot_be_marked_paid(worker, officer, hardship_scheme):
    request = submit(worker)
    move(request, S.IN_REVIEW, officer)
    request = move(request, S.APPROVED, officer, "上门探望")
    with refused("nothing_to_pay"):
        services.request_transition(request=request, to=S.PAID, by=officer)


def test_the_whole_story_is_recorded_with_who_when_from_to_and_note(worker, officer, chair, hardship_scheme):
    request = request_in_state(S.CLOSED, member=worker, officer=officer, chair=chair)
    story = list(request.transitions.order_by("at", "id").values_list("from_state", "to_state", "by", "note"))
    assert story == [
        ("", S.SUBMITTED, worker.user.pk, ""),
        (S.SUBMITTED, S.IN_REVIEW, officer.pk, "说明"),
        (S.IN_REVIEW, S.APPROVED, officer.pk, "同意"),
        (S.APPROVED, S.PAID, officer.pk, "已发放"),
        (S.PAID, S.CLOSED, officer.pk, ""),
    ]


# --- The other doors: the shell, bulk updates, the admin form --------------------


def test_the_shell_cannot_set_a_state_by_hand(normal_request):
    request = WelfareRequest.objects.get(pk=normal_request.pk)
    request.state = S.PAID
    with pytest.raises(StateChangeRefused):
        request.save()
    assert WelfareRequest.objects.get(pk=normal_request.pk).state == S.SUBMITTED


def test_the_shell_cannot_set_a_state_on_a_request_loaded_without_it(normal_request):
    request = WelfareRequest.objects.only("pk", "reference").get(pk=normal_request.pk)
    request.state = S.APPROVED
    with pytest.raises(StateChangeRefused):
        request.save()


def test_a_bulk_update_cannot_set_states(normal_request):
    with pytest.raises(StateChangeRefused):
        WelfareRequest.objects.filter(pk=normal_request.pk).update(state=S.CLOSED)
    request = WelfareRequest.objects.get(pk=normal_request.pk)
    request.state = S.CLOSED
    with pytest.raises(StateChangeRefused):
        WelfareRequest.objects.bulk_update([request], ["state"])
    assert WelfareRequest.objects.get(pk=normal_request.pk).state == S.SUBMITTED


def test_a_request_cannot_be_created_in_a_later_state(normal_request):
    copy = WelfareRequest.objects.get(pk=normal_request.pk)
    copy.pk = None
    copy.reference = None
    copy.state = S.APPROVED
    with pytest.raises(StateChangeRefused):
        copy.save()


def test_other_fields_still_save_normally(normal_request):
    request = WelfareRequest.objects.get(pk=normal_request.pk)
    request.description = "补充说明"
    request.save()
    assert WelfareRequest.objects.get(pk=normal_request.pk).description == "补充说明"


def test_the_admin_change_form_cannot_change_the_state(normal_request, officer, staff_client):
    client = staff_client(officer)
    url = f"/admin/welfare/welfarerequest/{normal_request.pk}/change/"
    response = client.post(url, {"priority": 3, "sensitivity": "normal", "assigned_to": "", "state": "paid"})
    assert response.status_code == 302
    normal_request.refresh_from_db()
    assert normal_request.state == S.SUBMITTED
    assert normal_request.priority == 3
    assert not RequestTransition.objects.filter(request=normal_request, to_state=S.PAID).exists()


def test_the_admin_move_page_refuses_an_illegal_move_with_a_message(normal_request, officer, staff_client):
    client = staff_client(officer)
    response = client.post(f"/admin/welfare/welfarerequest/{normal_request.pk}/move/paid/", {"note": ""})
    assert response.status_code == 200
    assert "申请不能从“已提交”变为“已发放”。" in response.content.decode()
    normal_request.refresh_from_db()
    assert normal_request.state == S.SUBMITTED
