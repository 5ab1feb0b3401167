"""Pages whose query count must not grow with the number of requests (measured with twice the data)."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ActiveMemberFactory
from tests.welfare import files
from tests.welfare.factories import move, submit
from welfare import services
from welfare.models import WelfareRequest

S = WelfareRequest.State
CHANGELIST = "/admin/welfare/welfarerequest/"
# session, user, second-factor check, two permission lookups, the officer's unit, COUNT, the rows.
CHANGELIST_BUDGET = 8


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _add_requests(member, officer, welfare_officer, n: int) -> None:
    """A mix: several types and states, confidential ones, assigned and not, with files and messages."""
    codes = ["hardship", "illness", "wage-arrears", "discrimination", "education"]
    for i in range(n):
        request = submit(
            member,
            codes[i % len(codes)],
            sensitivity="confidential" if i % 4 == 3 else "normal",
            files=[files.pdf()] if i % 2 else [],
        )
        handler = welfare_officer if request.is_confidential else officer
        if i % 3:
            services.request_assign(request=request, officer=handler, by=handler)
            move(request, S.IN_REVIEW, handler)
            services.message_post(request=request, author=handler, body="收到")
        if i % 5 == 4:
            move(request, S.APPROVED, handler, "同意", granted_amount=Decimal("100"))


def test_my_requests_costs_the_same_with_twice_the_requests(client, worker, officer, welfare_officer):
    client.force_login(worker.user)
    url = reverse("welfare:list")
    _add_requests(worker, officer, welfare_officer, 6)
    client.get(url)
    with_six = _queries(client, url)
    _add_requests(worker, officer, welfare_officer, 6)
    with_twelve = _queries(client, url)
    assert WelfareRequest.objects.filter(member=worker).count() == 12
    assert with_six == with_twelve <= 4
    print(f"\nmy requests: {with_six} queries with 6 requests, {with_twelve} with 12")


def test_the_admin_changelist_costs_the_same_with_twice_the_requests(
    tree, staff_client, officer, welfare_officer, chair
):
    workers = [ActiveMemberFactory(unit=tree["branch_a"]) for _ in range(4)]
    for member in workers:
        _add_requests(member, officer, welfare_officer, 5)
    counts = {}
    for user in (officer, welfare_officer, chair):
        client = staff_client(user)
        client.get(CHANGELIST)  # warms the per-process caches (content types, the type filter)
        counts[user.email] = [_queries(client, CHANGELIST)]
        counts[user.email].append(_queries(client, CHANGELIST + "?q=会员&overdue=no&assigned=nobody&type=1"))
    for member in workers:
        _add_requests(member, officer, welfare_officer, 5)
    for user in (officer, welfare_officer, chair):
        client = staff_client(user)
        counts[user.email].append(_queries(client, CHANGELIST))
        counts[user.email].append(_queries(client, CHANGELIST + "?q=会员&overdue=no&assigned=nobody&type=1"))
    assert WelfareRequest.objects.count() == 40
    for email, (plain, filtered, plain_double, filtered_double) in counts.items():
        assert plain == plain_double <= CHANGELIST_BUDGET, email
        assert filtered == filtered_double <= CHANGELIST_BUDGET, email
    print(f"\nchangelist (20 → 40 requests): {counts}")


def test_the_worker_request_page_costs_the_same_with_a_longer_story(client, normal_request, worker, officer):
    client.force_login(worker.user)
    url = reverse("welfare:detail", args=[normal_request.pk])
    client.get(url)
    services.message_post(request=normal_request, author=officer, body="第一条", files=[files.pdf()])
    before = _queries(client, url)
    move(normal_request, S.IN_REVIEW, officer)
    for i in range(5):
        services.message_post(request=normal_request, author=officer, body=f"第{i}条", files=[files.png()])
        services.message_post(request=normal_request, author=worker.user, body=f"回复{i}")
    after = _queries(client, url)
    assert before == after
    print(f"\nrequest page: {before} queries")
