from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.dashboard.test_dashboard import figures
from tests.dashboard.test_statistics import tables
from tests.welfare.factories import move, scheme, submit
from welfare import services
from welfare.models import Budget, WelfareRequest

S = WelfareRequest.State


def add_requests(*, worker, other_worker, outsider, officer, sibling_officer):
    """Union A: submitted (overdue), in review (assigned to ``officer``), needs information,
    a confidential submitted one and an approved grant of 1000; union B: one submitted."""
    late = submit(worker)
    today = timezone.localdate()
    WelfareRequest.objects.filter(pk=late.pk).update(
        first_response_due=today - timedelta(days=2), decision_due=today - timedelta(days=1)
    )
    reviewed = move(submit(other_worker, amount_requested=Decimal("800")), S.IN_REVIEW, officer)
    services.request_assign(request=reviewed, officer=officer, by=officer)
    move(move(submit(worker, "illness"), S.IN_REVIEW, officer), S.NEEDS_INFO, officer, "请补充材料")
    submit(worker, "hardship", sensitivity=WelfareRequest.Sensitivity.CONFIDENTIAL)
    move(move(submit(other_worker), S.IN_REVIEW, officer), S.APPROVED, officer, "同意", granted_amount=Decimal("1000"))
    submit(outsider)


@pytest.fixture
def requests_data(worker, other_worker, outsider, officer, sibling_officer):
    scheme("hardship")
    add_requests(
        worker=worker, other_worker=other_worker, outsider=outsider, officer=officer, sibling_officer=sibling_officer
    )


def test_the_dashboard_counts_open_requests_by_state_overdue_and_unassigned(staff_client, officer, requests_data):
    found = figures(staff_client(officer).get(reverse("admin:index")))
    assert found["已提交"].count == 1  # the confidential one is not the officer's to see
    assert found["审核中"].count == 1
    assert found["待补充材料"].count == 1
    assert found["已超期"].count == 1
    assert found["未分配的待办申请"].count == 2
    assert found["分配给我的待办申请"].count == 1


def test_a_welfare_officer_also_counts_the_confidential_request(staff_client, welfare_officer, requests_data):
    found = figures(staff_client(welfare_officer).get(reverse("admin:index")))
    assert found["已提交"].count == 2
    assert found["未分配的待办申请"].count == 3


def test_requests_and_grants_per_type_and_month(staff_client, officer, requests_data):
    year = timezone.localdate().year
    found = tables(staff_client(officer).get(reverse("dashboard:statistics"), {"year": year}))
    per_type = {row[0]: row[1:] for row in found["welfare-requests-per-type"].rows}
    assert per_type["困难帮扶"] == [1, 2, Decimal("1000.00")]
    month = f"{timezone.localdate():%Y-%m}"
    per_month = {row[0]: row[1:] for row in found["welfare-requests-per-month"].rows}
    assert per_month[month] == [4, 0]
    grants = {row[0]: row[1:] for row in found["welfare-grants-per-month"].rows}
    assert grants[month] == [Decimal("1000.00"), 1]


def test_the_amount_granted_is_set_against_each_units_budget(staff_client, chair, tree, requests_data):
    year = timezone.localdate().year
    Budget.objects.create(unit=tree["union_a"], year=year, amount=Decimal("4000.00"))
    Budget.objects.create(unit=tree["union_b"], year=year, amount=Decimal("3000.00"))
    Budget.objects.create(unit=tree["union_a"], year=year - 1, amount=Decimal("9999.00"))
    table = tables(staff_client(chair).get(reverse("dashboard:statistics"), {"year": year}))["welfare-budget"]
    assert {row[0]: row[1:] for row in table.rows} == {
        "甲厂工会": [Decimal("1000.00"), Decimal("3000.00"), Decimal("4000.00"), "25%"],
        "乙厂工会": [Decimal("0.00"), Decimal("3000.00"), Decimal("3000.00"), "0%"],
    }


def test_an_officer_sees_only_the_budgets_of_their_union(staff_client, officer, tree, requests_data):
    year = timezone.localdate().year
    Budget.objects.create(unit=tree["union_b"], year=year, amount=Decimal("3000.00"))
    table = tables(staff_client(officer).get(reverse("dashboard:statistics"), {"year": year}))["welfare-budget"]
    assert table.rows == []


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["admin:index", "dashboard:statistics"])
def test_welfare_figures_cost_the_same_queries_with_twice_the_requests(
    staff_client, chair, tree, worker, other_worker, outsider, officer, sibling_officer, requests_data, url_name
):
    Budget.objects.create(unit=tree["union_a"], year=timezone.localdate().year, amount=Decimal("4000.00"))
    client = staff_client(chair)
    url = reverse(url_name)
    _count(client, url)
    before = _count(client, url)
    add_requests(
        worker=worker, other_worker=other_worker, outsider=outsider, officer=officer, sibling_officer=sibling_officer
    )
    assert _count(client, url) == before


@pytest.mark.parametrize("who", ["officer", "welfare_officer", "chair"])
def test_each_welfare_figure_links_to_exactly_the_requests_it_counts(request, staff_client, requests_data, who):
    from urllib.parse import parse_qsl, urlsplit

    client = staff_client(request.getfixturevalue(who))
    found = figures(client.get(reverse("admin:index")))
    welfare = {label: f for label, f in found.items() if "/welfare/" in f.url}
    assert len(welfare) == 7
    for label, figure in welfare.items():
        url = urlsplit(figure.url)
        response = client.get(url.path, dict(parse_qsl(url.query)))
        assert response.context["cl"].result_count == figure.count, label
