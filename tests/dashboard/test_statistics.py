import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dashboard.conftest import add_people


def tables(response) -> dict:
    return {
        statistic.slug: table for section in response.context["sections"] for statistic, table in section.statistics
    }


def test_members_per_unit_counts_women_and_men_of_each_unit(staff_client, officer, people):
    table = tables(staff_client(officer).get(reverse("dashboard:statistics")))["members-per-unit"]
    assert table.rows == [["甲厂工会", 0, 1], ["甲厂一车间", 2, 0]]
    assert table.total_row[1:] == [2, 1]


def test_the_chair_sees_every_union_in_the_statistics(staff_client, chair, people):
    table = tables(staff_client(chair).get(reverse("dashboard:statistics")))["members-per-unit"]
    assert sorted(row[0] for row in table.rows) == sorted(["甲厂工会", "甲厂一车间", "乙厂一车间"])


def test_members_by_gender_and_age_band(staff_client, officer, people):
    found = tables(staff_client(officer).get(reverse("dashboard:statistics")))
    assert found["members-per-gender"].rows == [["女", 2], ["男", 1]]
    assert found["members-per-age-band"].rows == [
        ["30岁以下", 0],
        ["30–39岁", 2],
        ["40–49岁", 0],
        ["50–59岁", 0],
        ["60岁及以上", 1],
    ]


def test_membership_changes_are_counted_per_month_of_the_chosen_year(staff_client, officer, membership_history):
    response = staff_client(officer).get(reverse("dashboard:statistics"), {"year": 2026})
    rows = {row[0]: row[1:] for row in tables(response)["membership-changes"].rows}
    assert len(rows) == 12
    assert rows["2026-01"] == [1, 1, 0]
    assert rows["2026-03"] == [1, 1, 1]  # the other union's application is not counted
    assert rows["2026-02"] == [0, 0, 0]


def test_a_table_downloads_as_csv_with_the_same_numbers(staff_client, officer, people):
    response = staff_client(officer).get(reverse("dashboard:statistics-csv", args=["members-per-unit"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["单位", "女", "男"], ["甲厂工会", "0", "1"], ["甲厂一车间", "2", "0"], ["合计", "2", "1"]]


def test_a_csv_cell_that_looks_like_a_formula_is_defused(staff_client, officer, tree, people):
    tree["branch_a"].name = "=HYPERLINK(1)"
    tree["branch_a"].save()
    response = staff_client(officer).get(reverse("dashboard:statistics-csv", args=["members-per-unit"]))
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_each_chart_is_drawn_as_svg_without_script(staff_client, officer, people):
    page = staff_client(officer).get(reverse("dashboard:statistics")).content.decode()
    assert page.count("<svg") >= 4
    assert "<script" not in page.split('id="content-main"')[1]


def test_an_unknown_table_is_not_found(staff_client, officer, tree):
    response = staff_client(officer).get(reverse("dashboard:statistics-csv", args=["nothing-here"]))
    assert response.status_code == 404


def test_a_worker_cannot_open_the_statistics(client, worker):
    client.force_login(worker.user)
    response = client.get(reverse("dashboard:statistics"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_staff_without_a_role_may_not_see_the_statistics(staff_client, tree):
    from tests.factories import officer_user

    response = staff_client(officer_user(unit=tree["union_a"], roles=())).get(reverse("dashboard:statistics"))
    assert response.status_code == 403


@pytest.mark.parametrize("year", ["abc", "99999", "-1", ""])
def test_a_bad_year_falls_back_to_a_sensible_one(staff_client, officer, tree, year):
    response = staff_client(officer).get(reverse("dashboard:statistics"), {"year": year})
    assert response.status_code == 200


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_statistics_page_runs_as_many_queries_with_twice_the_data(staff_client, chair, tree, membership_history):
    client = staff_client(chair)
    url = reverse("dashboard:statistics")
    _page_queries(client, url)
    before = _page_queries(client, url)
    add_people(tree, copy=1)
    add_people(tree, copy=2)
    assert _page_queries(client, url) == before
