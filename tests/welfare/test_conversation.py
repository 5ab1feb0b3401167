"""The conversation: messages both ways, internal notes the worker never sees, and
"needs information" that waits for the worker's answer and then returns to review."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from members import services as member_services
from tests.welfare import files
from tests.welfare.factories import move, refused
from welfare import services
from welfare.models import RequestMessage, WelfareRequest

S = WelfareRequest.State


@pytest.fixture
def waiting_for_worker(normal_request, officer):
    move(normal_request, S.IN_REVIEW, officer)
    return move(normal_request, S.NEEDS_INFO, officer, "请上传近三个月的工资条。")


def test_needs_information_waits_for_the_worker_and_returns_to_review_when_they_answer(
    client, worker, officer, staff_client, waiting_for_worker, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(worker.user)
    page = client.get(reverse("welfare:detail", args=[waiting_for_worker.pk])).content.decode()
    assert "请上传近三个月的工资条。" in page
    assert f'action="/welfare/{waiting_for_worker.pk}/reply/"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("welfare:reply", args=[waiting_for_worker.pk]),
            {"body": "工资条已上传。", "attachments": [files.pdf("工资条.pdf")]},
        )
    assert response.status_code == 302
    waiting_for_worker.refresh_from_db()
    assert waiting_for_worker.state == S.IN_REVIEW
    last = waiting_for_worker.transitions.order_by("-id").first()
    assert (last.from_state, last.to_state, last.by) == (S.NEEDS_INFO, S.IN_REVIEW, worker.user)
    message = waiting_for_worker.messages.get()
    assert (message.author, message.body, message.internal) == (worker.user, "工资条已上传。", False)
    assert message.attachments.get().original_name == "工资条.pdf"
    assert "审核中" in mailoutbox[-1].subject

    officer_page = staff_client(officer).get(f"/admin/welfare/welfarerequest/{waiting_for_worker.pk}/change/")
    assert "工资条已上传。" in officer_page.content.decode()
    assert "工资条.pdf" in officer_page.content.decode()


def test_a_message_while_in_review_leaves_the_state_alone(normal_request, worker, officer):
    move(normal_request, S.IN_REVIEW, officer)
    services.message_post(request=normal_request, author=worker.user, body="补充一点情况")
    normal_request.refresh_from_db()
    assert normal_request.state == S.IN_REVIEW


def test_internal_notes_never_reach_the_worker(client, normal_request, worker, officer):
    services.message_post(request=normal_request, author=officer, body="可以探望一下", internal=False)
    services.message_post(request=normal_request, author=officer, body="此人去年已领过补助", internal=True)
    client.force_login(worker.user)
    page = client.get(reverse("welfare:detail", args=[normal_request.pk])).content.decode()
    assert "可以探望一下" in page
    assert "此人去年已领过补助" not in page
    export = json.dumps(member_services.member_export_data(member=worker), ensure_ascii=False)
    assert "可以探望一下" in export
    assert "此人去年已领过补助" not in export


def test_officers_see_internal_notes_marked_as_such(normal_request, officer, staff_client):
    services.message_post(request=normal_request, author=officer, body="此人去年已领过补助", internal=True)
    page = staff_client(officer).get(f"/admin/welfare/welfarerequest/{normal_request.pk}/change/").content.decode()
    assert "此人去年已领过补助" in page
    assert "wf-internal" in page


def test_a_worker_cannot_write_an_internal_note(normal_request, worker):
    with pytest.raises(PermissionDenied):
        services.message_post(request=normal_request, author=worker.user, body="x", internal=True)


def test_an_officer_who_does_not_handle_the_request_cannot_write_on_it(normal_request, sibling_officer):
    with pytest.raises(PermissionDenied):
        services.message_post(request=normal_request, author=sibling_officer, body="你好")


def test_the_officer_writes_and_notes_from_the_admin(normal_request, officer, staff_client):
    client = staff_client(officer)
    url = f"/admin/welfare/welfarerequest/{normal_request.pk}/message/"
    assert client.post(url, {"body": "我们周二来看您。"}).status_code == 302
    assert client.post(url, {"body": "已电话联系", "internal": "on", "attachments": [files.pdf()]}).status_code == 302
    public, note = normal_request.messages.order_by("id")
    assert (public.internal, note.internal) == (False, True)
    assert note.attachments.count() == 1
    normal_request.refresh_from_db()
    assert normal_request.first_response_at is not None  # the office has answered


def test_an_empty_message_is_refused_with_a_message(client, normal_request, worker, officer, staff_client):
    client.force_login(worker.user)
    response = client.post(reverse("welfare:reply", args=[normal_request.pk]), {"body": "   "})
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()
    admin_response = staff_client(officer).post(f"/admin/welfare/welfarerequest/{normal_request.pk}/message/", {})
    assert admin_response.status_code == 200
    assert RequestMessage.objects.count() == 0


def test_a_withdrawn_request_takes_no_more_messages_from_the_worker(client, normal_request, worker):
    services.request_withdraw(request=normal_request, by=worker.user)
    with refused("finished"):
        services.message_post(request=normal_request, author=worker.user, body="还有一件事")
    client.force_login(worker.user)
    page = client.get(reverse("welfare:detail", args=[normal_request.pk])).content.decode()
    assert "/reply/" not in page
    response = client.post(reverse("welfare:reply", args=[normal_request.pk]), {"body": "还有一件事"})
    assert response.status_code == 200
    assert RequestMessage.objects.count() == 0
