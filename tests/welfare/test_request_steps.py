"""The worker's stepper on a request page (issue 16 item 7): the real states, the current one marked."""

import re

import pytest
from django.urls import reverse

from tests.welfare.factories import move, request_in_state
from welfare.models import WelfareRequest

S = WelfareRequest.State


def stepper(client, request) -> list[tuple[str, str, bool]]:
    page = client.get(reverse("welfare:detail", args=[request.pk])).content.decode()
    ol = re.search(r'<ol class="stepper"[^>]*>(.*?)</ol>', page, re.S).group(1)
    return [
        (status, re.sub(r"<span.*?</span>", "", label), "aria-current" in attrs)
        for status, attrs, label in re.findall(r'<li class="step-(\w+)"([^>]*)>(.*?)</li>', ol, re.S)
    ]


@pytest.mark.parametrize(
    ("state", "labels", "current"),
    [
        (S.SUBMITTED, ["已提交", "审核中", "作出决定", "已发放", "已办结"], "已提交"),
        (S.NEEDS_INFO, ["已提交", "审核中", "等你补充", "作出决定", "已发放", "已办结"], "等你补充"),
        (S.AWAITING_CHAIR, ["已提交", "审核中", "待主席审批", "作出决定", "已发放", "已办结"], "待主席审批"),
        (S.APPROVED, ["已提交", "审核中", "已批准", "已发放", "已办结"], "已批准"),
        (S.PAID, ["已提交", "审核中", "已批准", "已发放", "已办结"], "已发放"),
        (S.REJECTED, ["已提交", "未获批准"], "未获批准"),
    ],
)
def test_the_stepper_marks_where_the_request_is(
    client, worker, officer, chair, hardship_scheme, state, labels, current
):
    request = request_in_state(state, member=worker, officer=officer, chair=chair)
    client.force_login(worker.user)
    steps = stepper(client, request)
    assert [label for _, label, _ in steps] == labels
    [(status, marked, _)] = [s for s in steps if s[2]]
    assert (status, marked) == ("current", current)
    position = labels.index(current)
    assert all(s[0] == "done" for s in steps[:position]) and all(s[0] == "todo" for s in steps[position + 1 :])


def test_after_the_information_came_the_waiting_step_is_gone(client, worker, officer, chair, hardship_scheme):
    request = request_in_state(S.NEEDS_INFO, member=worker, officer=officer, chair=chair)
    move(request, S.IN_REVIEW, worker.user, "工资条补上了")
    client.force_login(worker.user)
    steps = stepper(client, request)
    assert [label for _, label, _ in steps][:3] == ["已提交", "审核中", "作出决定"]
    assert steps[1][:2] == ("current", "审核中")
