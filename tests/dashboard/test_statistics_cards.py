"""The cards at the top of the statistics page: headline figures, bars, CSV and drill-down,
for a period and a unit of the officer's own part of the tree."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.dashboard.conftest import add_people
from tests.dashboard.test_activities_figures import add_activities
from tests.dashboard.test_welfare_figures import add_requests
from tests.feedback.factories import FeedbackFactory
from tests.welfare.factories import scheme
from welfare.models import Budget

URL = reverse("dashboard:statistics")


def cards(response) -> dict:
    return {card.slug: card for card in response.context["cards"]}


def figures(card) -> dict:
    return {str(label): value for label, value in card.figures}


def bars(card) -> dict:
    return {str(bar.label): bar.value for bar in card.bars}


@pytest.fixture
def everything(tree, people, worker, other_worker, outsider, officer, sibling_officer):
    scheme("hardship")
    add_requests(worker=worker, other_worker=other_worker, outsider=outsider, officer=officer, sibling_officer=None)
    add_activities(tree, people, worker=worker, other_worker=other_worker, outsider=outsider)
    today = timezone.localdate()
    FeedbackFactory(author=worker, submitted_on=today)
    FeedbackFactory(author=outsider, submitted_on=today)
    Budget.objects.create(unit=tree["union_a"], year=today.year, amount=Decimal("4000"))
    Budget.objects.create(unit=tree["union_b"], year=today.year, amount=Decimal("9000"))


def test_the_page_starts_with_a_card_for_each_question_an_officer_asks_first(staff_client, officer, everything):
    response = staff_client(officer).get(URL)
    found = cards(response)
    assert list(found) == ["members", "activities", "welfare-requests", "welfare-grants", "feedback"]
    page = response.content.decode()
    for slug in ("membership-changes", "participation-per-category", "welfare-budget", "feedback-per-category"):
        assert reverse("dashboard:statistics-csv", args=[slug]) in page
    assert 'class="fill-bar" style="width: ' in page and "<script" not in page.split('id="content-main"')[1]


def test_an_officer_sees_only_their_own_subtree(staff_client, officer, chair, everything):
    mine = cards(staff_client(officer).get(URL))
    assert figures(mine["members"])["在册会员"] == 3  # 李娟, 王芳, 老刘: not 赵磊 of union B
    assert figures(mine["members"])["待审批的入会申请"] == 2
    assert figures(mine["feedback"])["收到的意见建议"] == 1
    assert bars(mine["welfare-grants"]) == {"甲厂工会": 1000.0}  # union B's budget is not shown
    assert figures(mine["welfare-grants"])["全年预算"] == "¥4,000.00"
    everyone = cards(staff_client(chair).get(URL))
    assert figures(everyone["members"])["在册会员"] == 4
    assert figures(everyone["feedback"])["收到的意见建议"] == 2


def test_the_unit_picker_narrows_the_figures_and_refuses_a_unit_outside(staff_client, officer, tree, everything):
    client = staff_client(officer)
    response = client.get(URL, {"unit": tree["branch_a"].pk})
    assert figures(cards(response)["members"])["在册会员"] == 2  # 老刘 belongs to the union itself
    assert [u.name for u in response.context["units"]] == ["甲厂工会", "甲厂一车间"]

    response = client.get(URL, {"unit": tree["branch_b"].pk})
    assert "不在你负责的范围内" in response.content.decode()
    assert figures(cards(response)["members"])["在册会员"] == 3


def test_a_month_counts_only_what_happened_in_it(staff_client, officer, tree, everything):
    today = timezone.localdate()
    other_month = 1 if today.month != 1 else 2
    found = cards(staff_client(officer).get(URL, {"year": today.year, "month": other_month}))
    assert figures(found["feedback"])["收到的意见建议"] == 0
    assert figures(found["welfare-requests"])["收到的申请"] == 0
    found = cards(staff_client(officer).get(URL, {"year": today.year, "month": today.month}))
    assert figures(found["feedback"])["收到的意见建议"] == 1
    assert figures(found["welfare-requests"])["收到的申请"] == 4  # the confidential one is not counted


def test_each_card_drills_down_to_the_list_filtered_the_same_way(staff_client, officer, tree, everything):
    client = staff_client(officer)
    year = timezone.localdate().year
    found = cards(client.get(URL, {"unit": tree["branch_a"].pk, "year": year}))
    url = found["members"].list_url
    assert f"within={tree['branch_a'].pk}" in url and f"created_at__year={year}" in url
    listed = client.get(url)
    assert listed.status_code == 200
    names = {m.name for m in listed.context["cl"].result_list}
    assert names == {"李娟", "王芳", "申请甲", "申请乙"}
    requests = client.get(found["welfare-requests"].list_url)
    assert requests.status_code == 200 and requests.context["cl"].result_count == 4
    # A unit outside the officer's part matches nothing, rather than showing it.
    outside = client.get(reverse("admin:members_member_changelist"), {"within": tree["branch_b"].pk})
    assert outside.status_code == 200 and outside.context["cl"].result_count == 0


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


def test_the_cards_cost_as_many_queries_with_twice_the_data(
    staff_client, chair, tree, everything, worker, other_worker, outsider, officer
):
    client = staff_client(chair)
    params = {"unit": tree["union_a"].pk, "year": timezone.localdate().year}
    _queries(client, params)
    before = _queries(client, params)
    people = add_people(tree, copy=1)
    add_requests(worker=worker, other_worker=other_worker, outsider=outsider, officer=officer, sibling_officer=None)
    add_activities(tree, people, worker=worker, other_worker=other_worker, outsider=outsider)
    FeedbackFactory(author=worker, submitted_on=timezone.localdate())
    assert _queries(client, params) == before


def test_each_cards_csv_holds_its_figures_for_the_unit_and_period_picked(staff_client, officer, tree, everything):
    import csv
    import io

    client = staff_client(officer)
    page = client.get(URL, {"unit": tree["branch_a"].pk}).content.decode()
    year = timezone.localdate().year
    link = reverse("dashboard:statistics-card-csv", args=["members"]) + f"?year={year}&amp;unit={tree['branch_a'].pk}"
    assert link in page
    response = client.get(link.replace("&amp;", "&"))
    assert response["Content-Disposition"].endswith(f'members-{year}-{tree["branch_a"].pk}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["在册会员", "2"] in rows  # the branch's two, as on the card (the union has three)
    whole = list(csv.reader(io.StringIO(client.get(link.split("?")[0]).content.decode("utf-8-sig"))))
    assert ["在册会员", "3"] in whole
    assert client.get(reverse("dashboard:statistics-card-csv", args=["no-such-card"])).status_code == 404


def test_the_cards_are_kept_in_the_cache_and_counted_again_on_request(
    staff_client, officer, tree, everything, settings, django_capture_on_commit_callbacks
):
    from dashboard import cache as figures_cache
    from tests.factories import ActiveMemberFactory

    settings.DASHBOARD_STATISTICS_SECONDS = 300
    for area in figures_cache.all_areas():
        figures_cache.forget(area)
    client = staff_client(officer)
    assert figures(cards(client.get(URL))["members"])["在册会员"] == 3
    with CaptureQueriesContext(connection) as again:
        assert figures(cards(client.get(URL))["members"])["在册会员"] == 3
    with CaptureQueriesContext(connection) as first:
        client.get(URL, {"recount": "1"})
    assert len(again) < len(first)  # read from the cache, not counted
    # (That a committed change gives the areas a new version is tests/dashboard/test_cache.py's.)
    with django_capture_on_commit_callbacks(execute=True):
        ActiveMemberFactory(unit=tree["branch_a"])
    assert figures(cards(client.get(URL, {"recount": "1"}))["members"])["在册会员"] == 4
    assert figures(cards(client.get(URL))["members"])["在册会员"] == 4
