"""The case page's one form: reply (or note), move and reassign in one step; canned replies; my queue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.welfare import files
from tests.welfare.factories import move, submit
from welfare import services
from welfare.models import CannedReply, RequestMessage, WelfareRequest

S = WelfareRequest.State
CHANGELIST = "/admin/welfare/welfarerequest/"


def _act(client, request, **data):
    return client.post(f"{CHANGELIST}{request.pk}/act/", data)


def _overdue(request: WelfareRequest, days: int = 30) -> WelfareRequest:
    back = timedelta(days=days)
    WelfareRequest.objects.filter(pk=request.pk).update(
        first_response_due=request.first_response_due - back, decision_due=request.decision_due - back
    )
    request.refresh_from_db()
    return request


def test_the_case_page_gathers_the_worker_the_files_the_grant_and_the_moves(
    normal_request, officer, staff_client, hardship_scheme
):
    page = staff_client(officer).get(f"{CHANGELIST}{normal_request.pk}/change/").content.decode()
    assert "李娟" in page and "甲厂一车间" in page  # the worker and their unit
    assert "收入证明.pdf" in page
    assert "¥5000" in page  # the yearly cap
    assert 'name="to"' in page and 'value="in_review"' in page and 'value="paid"' not in page
    assert f"/admin/welfare/welfarerequest/{normal_request.pk}/act/" in page


def test_an_officer_asks_for_information_with_a_canned_reply_and_moves_in_one_step(
    normal_request, officer, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    move(normal_request, S.IN_REVIEW, officer)
    reply = CannedReply.objects.create(title="补材料", body="请上传最近三个月的工资条。", suggested_state=S.NEEDS_INFO)
    client = staff_client(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, normal_request, canned=reply.pk, body="", to=S.NEEDS_INFO, assigned_to=officer.pk)
    assert response.status_code == 302
    normal_request.refresh_from_db()
    assert (normal_request.state, normal_request.assigned_to) == (S.NEEDS_INFO, officer)
    last = normal_request.transitions.order_by("at", "id").last()
    assert last.note == "请上传最近三个月的工资条。"
    # One e-mail to the worker (the move's, carrying the text), not two.
    assert len([m for m in mailoutbox if "工资条" in m.body]) == 1


def test_a_reply_without_a_move_is_a_message_to_the_worker(normal_request, officer, staff_client):
    response = _act(staff_client(officer), normal_request, body="我们已收到，正在核实。", to="")
    assert response.status_code == 302
    message = RequestMessage.objects.get(request=normal_request)
    assert (message.body, message.internal) == ("我们已收到，正在核实。", False)
    normal_request.refresh_from_db()
    assert normal_request.state == S.SUBMITTED and normal_request.first_response_at is not None


def test_an_internal_note_and_a_move_keep_the_note_internal(normal_request, officer, staff_client):
    _act(staff_client(officer), normal_request, body="电话核实过，情况属实。", internal="on", to=S.IN_REVIEW)
    normal_request.refresh_from_db()
    assert normal_request.state == S.IN_REVIEW
    assert RequestMessage.objects.get(request=normal_request).internal
    assert normal_request.transitions.order_by("at", "id").last().note == ""


def test_a_refused_move_keeps_nothing_and_shows_why_with_the_text_kept(normal_request, officer, staff_client):
    move(normal_request, S.IN_REVIEW, officer)
    # An internal note cannot be the reason the worker must read.
    response = _act(staff_client(officer), normal_request, body="不予受理", internal="on", to=S.REJECTED)
    assert response.status_code == 400
    page = response.content.decode()
    assert "不予受理" in page and "errornote" in page
    normal_request.refresh_from_db()
    assert normal_request.state == S.IN_REVIEW
    assert not RequestMessage.objects.filter(request=normal_request).exists()


def test_approving_on_the_case_page_checks_the_yearly_cap(normal_request, officer, staff_client, hardship_scheme):
    move(normal_request, S.IN_REVIEW, officer)
    response = _act(staff_client(officer), normal_request, body="同意", to=S.APPROVED, granted_amount="6000")
    assert response.status_code == 400
    normal_request.refresh_from_db()
    assert normal_request.state == S.IN_REVIEW
    _act(staff_client(officer), normal_request, body="同意", to=S.APPROVED, granted_amount="1500")
    normal_request.refresh_from_db()
    assert (normal_request.state, normal_request.granted_amount) == (S.APPROVED, Decimal("1500.00"))


def test_the_assignee_can_only_be_an_officer_of_the_workers_unit(
    normal_request, officer, sibling_officer, staff_client
):
    response = _act(staff_client(officer), normal_request, assigned_to=sibling_officer.pk)
    assert response.status_code == 400
    normal_request.refresh_from_db()
    assert normal_request.assigned_to is None


def test_an_officer_outside_the_unit_cannot_act_on_the_case(normal_request, sibling_officer, staff_client):
    response = _act(staff_client(sibling_officer), normal_request, body="你好", to=S.IN_REVIEW)
    assert response.status_code == 404
    assert not RequestMessage.objects.filter(request=normal_request).exists()


@pytest.mark.parametrize("data", [{"body": "x" * 5001}, {"granted_amount": "9" * 30}, {"to": "archived"}, {}])
def test_bad_input_on_the_case_form_gets_a_message_not_an_error(normal_request, officer, staff_client, data):
    response = _act(staff_client(officer), normal_request, **data)
    assert response.status_code == 400
    normal_request.refresh_from_db()
    assert normal_request.state == S.SUBMITTED


def test_files_go_with_the_reply(normal_request, officer, staff_client):
    client = staff_client(officer)
    response = client.post(
        f"{CHANGELIST}{normal_request.pk}/act/", {"body": "请看附件的表格", "attachments": [files.pdf("申请表.pdf")]}
    )
    assert response.status_code == 302
    assert RequestMessage.objects.get(request=normal_request).attachments.count() == 1


# --- My queue -----------------------------------------------------------------------------


def test_my_queue_puts_the_overdue_case_first_and_the_unassigned_beside(
    worker, other_worker, outsider, officer, staff_client, hardship_scheme
):
    soon = submit(worker)
    old = _overdue(submit(other_worker), days=40)
    for request in (soon, old):
        move(request, S.IN_REVIEW, officer)
        services.request_assign(request=request, officer=officer, by=officer)
    waiting = submit(worker, "hardship")
    submit(outsider)  # another union's: never in this officer's queue
    done = move(submit(worker), S.REJECTED, officer, "不符合")
    response = staff_client(officer).get(f"{CHANGELIST}queue/")
    assert response.status_code == 200
    queue = response.context["queue"]
    assert [r.pk for r in queue.mine] == [old.pk, soon.pk]
    assert [r.pk for r in queue.unassigned] == [waiting.pk]
    assert done.pk not in [r.pk for r in queue.mine + queue.unassigned]
    assert "data-queue-link" in response.content.decode()


def test_the_queue_reads_the_same_number_of_queries_when_cases_double(worker, officer, staff_client):
    client = staff_client(officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{CHANGELIST}queue/").status_code == 200
        return len(queries)

    for _ in range(3):
        submit(worker)
    before = count()
    for _ in range(3):
        submit(worker)
    assert count() == before


def test_the_queue_is_only_for_officers(worker, client):
    client.force_login(worker.user)
    response = client.get(f"{CHANGELIST}queue/")
    assert response.status_code in (302, 404)
