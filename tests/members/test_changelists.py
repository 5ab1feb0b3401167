"""Large changelists: a count that stops beyond the page shown, pages that can still be walked."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import changelists
from members.models import Member
from tests.factories import ActiveMemberFactory

CHANGELIST = reverse("admin:members_member_changelist")


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 2 members, counted up to at least 4 members and one page ahead."""
    monkeypatch.setattr(changelists, "COUNT_AT_LEAST", 4)
    monkeypatch.setattr(changelists, "PAGES_AHEAD", 1)
    monkeypatch.setattr(admin.site._registry[Member], "list_per_page", 2)


def _page(client, **params):
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return response


def test_a_long_list_says_how_many_at_least_and_every_page_can_be_reached(staff_client, officer, tree, small_pages):
    members = ActiveMemberFactory.create_batch(9, unit=tree["branch_a"])
    client = staff_client(officer)
    first = _page(client)
    assert str(first.context["cl"].result_count) == "4+"
    assert "4+" in first.content.decode()
    seen = []
    page, last = 1, None
    while page != last:  # walk on through the last page offered, as an officer would
        response = _page(client, p=page)
        cl = response.context["cl"]
        seen += [member.pk for member in cl.result_list]
        last, page = page, min(page + 1, cl.paginator.num_pages)
    assert sorted(seen) == sorted(member.pk for member in members)
    assert cl.result_count == 9  # counted exactly once the end is within reach
    assert "9 " in response.content.decode()


def test_a_short_list_gets_its_exact_count(staff_client, officer, tree, small_pages):
    ActiveMemberFactory.create_batch(3, unit=tree["branch_a"])
    cl = _page(staff_client(officer)).context["cl"]
    assert cl.result_count == 3
    assert str(cl.result_count) == "3"


def test_a_page_beyond_the_end_is_the_admins_bad_filter_answer(staff_client, officer, tree, small_pages):
    ActiveMemberFactory.create_batch(3, unit=tree["branch_a"])
    response = staff_client(officer).get(CHANGELIST, {"p": 40})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_select_all_names_the_count_it_knows(staff_client, officer, tree, small_pages):
    ActiveMemberFactory.create_batch(5, unit=tree["branch_a"])
    page = _page(staff_client(officer)).content.decode()
    assert re.search(r"4\+ 个\s*会员", page), "the 'select all' link says more than four"


def _counts_and_row_reads(client, **params) -> tuple[list[str], int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = _page(client, **params)
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    reads = sum(1 for query in queries if 'FROM "members_member"' in query["sql"] and "COUNT(" not in query["sql"])
    return counts, reads, response


def test_the_member_changelist_counts_no_more_rows_than_it_needs(staff_client, officer, tree, small_pages):
    ActiveMemberFactory.create_batch(3, unit=tree["branch_a"])
    client = staff_client(officer)
    counts, reads, _ = _counts_and_row_reads(client)
    assert len(counts) == 1  # no second, unfiltered count
    assert "LIMIT" in counts[0].upper()
    assert reads == 1  # the first page is read once, for the count and for the rows


def test_a_list_shorter_than_a_page_is_read_once_and_not_counted(staff_client, officer, tree, small_pages):
    members = ActiveMemberFactory.create_batch(3, unit=tree["branch_a"], name="欧阳小明")
    client = staff_client(officer)
    counts, reads, response = _counts_and_row_reads(client, q=members[0].membership_number)
    assert counts == [] and reads == 1
    assert [m.pk for m in response.context["cl"].result_list] == [members[0].pk]
    assert response.context["cl"].result_count == 1


def test_the_member_changelist_and_its_search_cost_the_same_with_twice_the_members(staff_client, officer, tree):
    client = staff_client(officer)

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            _page(client, **params)
        return len(captured)

    ActiveMemberFactory.create_batch(5, unit=tree["branch_a"], name="王小明")
    before = queries(), queries(q="小明"), queries(q="GH2026")
    ActiveMemberFactory.create_batch(5, unit=tree["branch_a"], name="王小明")
    assert (queries(), queries(q="小明"), queries(q="GH2026")) == before


def test_the_date_drill_down_comes_from_the_calendar_not_from_the_rows(staff_client, officer, worker):
    year = worker.created_at.year
    client = staff_client(officer)
    with CaptureQueriesContext(connection) as queries:
        page = _page(client).content.decode()
    assert f"?created_at__year={year}" in page
    assert not [query for query in queries if "MIN(" in query["sql"] or "DISTINCT" in query["sql"]]
    in_year = _page(client, created_at__year=year).context["cl"].result_list
    assert [member.pk for member in in_year] == [worker.pk]
    assert not _page(client, created_at__year=year - 1).context["cl"].result_list


def test_the_member_autocomplete_finds_by_part_of_a_name_in_the_officers_units(staff_client, officer, tree):
    ActiveMemberFactory.create_batch(7, unit=tree["branch_a"], name="王小明")
    ActiveMemberFactory(unit=tree["branch_b"], name="王小明")  # not the officer's
    client = staff_client(officer)
    found, page, more = [], 1, True
    while more:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "welfare",
                "model_name": "welfarerequest",
                "field_name": "member",
                "term": "小明",
                "page": page,
            },
        )
        assert response.status_code == 200
        found += [item["id"] for item in response.json()["results"]]
        more, page = response.json()["pagination"]["more"], page + 1
    assert len(set(found)) == 7


def test_each_row_has_a_labelled_selection_box_that_the_bulk_actions_take(staff_client, officer, worker, other_worker):
    """The selection column is ours (format_html, not a widget template per row): it must still
    name each row for a screen reader and carry what the admin's actions read."""
    client = staff_client(officer)
    page = client.get(CHANGELIST).content.decode()
    boxes = re.findall(
        r'<input type="checkbox" name="_selected_action" value="(\d+)" class="action-select" '
        r'aria-label="([^"]+)">',
        page,
    )
    assert {int(pk) for pk, _ in boxes} == {worker.pk, other_worker.pk}
    assert all(worker.name in label for pk, label in boxes if int(pk) == worker.pk)
    assert 'id="action-toggle"' in page  # the "select all" box heads the column
    # What a browser posts from those boxes is what the bulk action changes.
    client.post(CHANGELIST, {"action": "suspend_selected", "_selected_action": [worker.pk], "reason": "测试"})
    worker.refresh_from_db()
    other_worker.refresh_from_db()
    assert (worker.status, other_worker.status) == (Member.Status.SUSPENDED, Member.Status.ACTIVE)
