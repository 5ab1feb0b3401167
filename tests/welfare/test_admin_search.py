"""The welfare search: by reference or part of the worker's name, Django's results, from indexes."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection, transaction
from django.test import RequestFactory

from tests.factories import ActiveMemberFactory
from tests.markers import requires_postgres
from tests.welfare.factories import submit
from welfare.models import WelfareRequest

CHANGELIST = "/admin/welfare/welfarerequest/"


@pytest.fixture
def requests(tree, worker):
    members = [
        ActiveMemberFactory(unit=tree["branch_a"], name=name) for name in ("顾明", "欧阳顾明", "李明华", "Wang Li")
    ]
    elsewhere = ActiveMemberFactory(unit=tree["branch_b"], name="顾明")
    return [submit(member) for member in [*members, worker, elsewhere]]


def _listed(client, term) -> set[str]:
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return {request.member.name for request in response.context["cl"].result_list}


def test_a_search_by_part_of_the_workers_name_finds_their_requests(staff_client, officer, requests):
    client = staff_client(officer)
    assert _listed(client, "顾明") == {"顾明", "欧阳顾明"}  # the namesake in union B is not the officer's
    assert _listed(client, "明") == {"顾明", "欧阳顾明", "李明华"}
    assert _listed(client, "wang") == {"Wang Li"}


def test_a_search_by_the_start_of_a_reference_finds_the_requests(staff_client, officer, requests):
    client = staff_client(officer)
    first = requests[0].reference
    assert _listed(client, first) == {"顾明"}
    assert _listed(client, first[:-1].lower()) >= {"顾明"}
    assert _listed(client, first[3:]) == set()  # the middle of a reference is not its start


def _search(officer, term):
    request_admin = admin.site._registry[WelfareRequest]
    request = RequestFactory().get(CHANGELIST, {"q": term})
    request.user = officer
    visible = request_admin.get_queryset(request)
    return request_admin, request, visible


@pytest.mark.parametrize("term", ["顾明", "明", "欧阳", "wang LI", "wf-", "WF-2", "%", "_", "顾明 欧阳", "x"])
def test_the_search_finds_exactly_what_djangos_admin_search_finds(officer, requests, term):
    request_admin, request, visible = _search(officer, term)
    ours, _ = request_admin.get_search_results(request, visible, term)
    djangos, _ = ModelAdmin.get_search_results(request_admin, request, visible, term)
    assert set(ours.values_list("pk", flat=True)) == set(djangos.values_list("pk", flat=True))


@requires_postgres
@pytest.mark.parametrize(
    ("term", "index"), [("顾明", "member_name_search_idx"), ("WF-2026-00", "welfare_reference_prefix_idx")]
)
def test_the_welfare_search_is_answered_from_the_indexes(officer, requests, term, index):
    request_admin, request, _ = _search(officer, term)
    found, _ = request_admin.get_search_results(request, WelfareRequest.objects.all(), term)
    with transaction.atomic(), connection.cursor() as cursor:
        # A tiny test database: rule out reading whole tables, or the whole (name, id) index
        # of the member list, so the plan shows whether the search indexes serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("DROP INDEX member_changelist_order_idx")  # rolled back with the test
        plan = found.explain()
    assert index in plan, plan
