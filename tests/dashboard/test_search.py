"""The back office's search box: members, requests by reference, activities and feedback, scoped as each list is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.activities.factories import ActivityFactory
from tests.factories import ActiveMemberFactory
from tests.welfare.factories import scheme, submit

SEARCH = "/admin/search/"


def _found(client, term) -> dict[str, list[str]]:
    response = client.get(SEARCH, {"q": term})
    assert response.status_code == 200
    return {group.title: [hit.label for hit in group.hits] for group in response.context["groups"] if group.hits}


def test_a_request_is_found_by_its_reference_with_the_workers_name(worker, officer, staff_client):
    scheme("hardship")
    request = submit(worker)
    found = _found(staff_client(officer), request.reference)
    assert found == {"帮扶维权申请": [f"{request.reference} · 李娟"]}


def test_a_name_finds_the_member_and_their_requests(worker, officer, staff_client):
    scheme("hardship")
    submit(worker)
    found = _found(staff_client(officer), "李娟")
    assert "李娟" in found["会员"]
    assert len(found["帮扶维权申请"]) == 1


def test_the_search_finds_only_what_the_officer_may_see(tree, worker, outsider, sibling_officer, staff_client):
    scheme("hardship")
    submit(worker)
    ActivityFactory(unit=tree["union_a"], title="甲厂读书会")
    found = _found(staff_client(sibling_officer), "李娟")
    assert found == {}
    assert _found(staff_client(sibling_officer), "甲厂读书会") == {}
    assert _found(staff_client(sibling_officer), "赵磊") == {"会员": ["赵磊"]}


def test_activities_are_found_by_title(tree, officer, staff_client):
    ActivityFactory(unit=tree["union_a"], title="职工书屋读书分享会")
    assert _found(staff_client(officer), "读书")["活动"] == ["职工书屋读书分享会"]


@pytest.mark.parametrize("term", ["", " ", "x" * 5000, "%_\\"])
def test_odd_terms_answer_without_an_error(officer, staff_client, term):
    assert staff_client(officer).get(SEARCH, {"q": term}).status_code == 200


def test_the_search_costs_the_same_queries_when_rows_double(tree, officer, staff_client):
    client = staff_client(officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(SEARCH, {"q": "周"})
        return len(queries)

    for _ in range(3):
        ActiveMemberFactory(unit=tree["branch_a"], name="周周")
    before = count()
    for _ in range(10):
        ActiveMemberFactory(unit=tree["branch_a"], name="周周")
    assert count() == before


def test_workers_do_not_get_the_search(worker, client):
    client.force_login(worker.user)
    assert client.get(SEARCH, {"q": "李娟"}).status_code == 302
