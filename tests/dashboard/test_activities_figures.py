from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import Activity, Registration
from tests.activities.factories import ActivityFactory
from tests.dashboard.conftest import add_people
from tests.dashboard.test_dashboard import figures
from tests.dashboard.test_statistics import tables

R = Registration.Status
C = Activity.Category


def register(activity, member, status, position=None):
    return Registration.objects.create(activity=activity, member=member, status=status, position=position)


def add_activities(tree, people, *, worker, other_worker, outsider):
    """Union A: an upcoming learning session (2 of 4 places, 1 waiting), a draft, and a past
    hike this year (worker attended, other_worker did not come); union B: one upcoming activity."""
    now = timezone.now()
    soon = ActivityFactory(title="安全生产讲座", capacity=4, starts_at=now + timedelta(days=3))
    register(soon, worker, R.CONFIRMED)
    register(soon, people["retiree"], R.CONFIRMED)
    register(soon, people["suspended"], R.WAITING, position=1)
    ActivityFactory(title="草稿活动", status=Activity.Status.DRAFT)
    start = now - timedelta(days=2) if now.month > 1 or now.day > 3 else now - timedelta(hours=3)
    hike = ActivityFactory(
        title="三八登山", category=C.CULTURE_SPORT, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    register(hike, worker, R.ATTENDED)
    register(hike, other_worker, R.NO_SHOW)
    ActivityFactory(title="乙厂活动", unit=tree["union_b"])


@pytest.fixture
def activity_data(tree, people, worker, other_worker, outsider):
    add_activities(tree, people, worker=worker, other_worker=other_worker, outsider=outsider)


def test_the_dashboard_shows_upcoming_activities_and_how_full_they_are(staff_client, officer, activity_data):
    response = staff_client(officer).get(reverse("admin:index"))
    found = figures(response)
    assert found["即将开始的活动"].count == 1
    assert found["草稿"].count == 1
    panel = next(p for p in response.context["panels"] if p.rows)
    assert [(r["label"], r["taken"], r["capacity"], r["percent"], r["waiting"]) for r in panel.rows] == [
        ("安全生产讲座", 2, 4, 50, 1)
    ]


def test_participation_per_category_unit_gender_and_age(staff_client, officer, activity_data):
    found = tables(staff_client(officer).get(reverse("dashboard:statistics")))
    per_category = {row[0]: row[1:] for row in found["participation-per-category"].rows}
    with translation.override("zh-hans"):
        assert per_category[str(C.CULTURE_SPORT.label)][:3] == [1, 1, 0]
        assert per_category[str(C.LEARNING.label)][:3] == [0, 0, 2]
    assert found["participation-per-unit"].rows == [["甲厂一车间", 1, 1]]
    assert found["participation-per-gender"].rows[0][1:] == [1, 1]
    ages = dict(found["participation-per-age-band"].rows)
    assert ages["30–39岁"] == 1


def test_the_outreach_list_names_active_members_who_took_part_in_nothing(staff_client, officer, activity_data):
    table = tables(staff_client(officer).get(reverse("dashboard:statistics")))["outreach"]
    names = {row[0] for row in table.rows}
    assert "李娟" not in names  # attended the hike
    assert {"王芳", "老刘"} <= names  # a no-show and someone only signed up
    assert "赵磊" not in names  # another union


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["admin:index", "dashboard:statistics"])
def test_activity_figures_cost_the_same_queries_with_twice_the_data(
    staff_client, chair, tree, people, worker, other_worker, outsider, activity_data, url_name
):
    client = staff_client(chair)
    url = reverse(url_name)
    _count(client, url)
    before = _count(client, url)
    more = add_people(tree, copy=1)
    add_activities(tree, more, worker=more["applicant_1"], other_worker=more["applicant_2"], outsider=outsider)
    assert _count(client, url) == before


def test_a_long_outreach_list_is_cut_on_the_page_and_whole_in_the_csv(staff_client, officer, tree):
    from tests.factories import ActiveMemberFactory

    ActiveMemberFactory.create_batch(55, unit=tree["branch_a"])
    client = staff_client(officer)
    table = tables(client.get(reverse("dashboard:statistics")))["outreach"]
    assert len(table.rows) == 50 and table.row_count == 55 and table.is_cut
    csv_lines = client.get(reverse("dashboard:statistics-csv", args=["outreach"])).content.decode("utf-8-sig")
    assert len(csv_lines.strip().splitlines()) == 56  # the heading and every member
