"""The statistics page and the dashboard keep each officer's figures for a while: they
say when they were counted, count them again after a change, and never show one
officer's figures to another."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import cache
from members.models import Member
from tests.dashboard.test_dashboard import figures
from tests.dashboard.test_statistics import tables
from tests.dashboard.test_welfare_figures import requests_data  # noqa: F401 (a fixture)
from tests.factories import ActiveMemberFactory

URL = reverse("dashboard:statistics")
DASHBOARD = reverse("admin:index")


@pytest.fixture
def keeping(settings):
    settings.DASHBOARD_STATISTICS_SECONDS = 300
    settings.DASHBOARD_PANELS_SECONDS = 60
    for area in cache.all_areas():
        cache.forget(area)  # nothing kept by an earlier test


def view(client, url=URL, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(queries)


def per_gender(response) -> dict:
    counted = dict(tables(response)["members-per-gender"].rows)
    # The page as drawn (kept beside the tables) shows the same figures.
    drawn = response.content.decode().split('id="members-per-gender"', 1)[1].split("</figure>", 1)[0]
    assert dict(re.findall(r'<th scope="row">(\S+)</th><td class="number">(\d+)</td>', drawn)) == {
        label: str(n) for label, n in counted.items()
    }
    return counted


def test_a_second_view_reads_the_kept_tables_and_says_when_they_were_counted(staff_client, officer, people, keeping):
    client = staff_client(officer)
    first, counted = view(client)
    second, read = view(client)
    assert read < counted - 5  # no statistics query the second time
    assert per_gender(second) == per_gender(first) == {"女": 2, "男": 1}
    page = second.content.decode()
    assert "统计时间" in page and "立即重新统计" in page


@pytest.mark.django_db(transaction=True)  # the tables are forgotten when the change commits
def test_a_saved_change_counts_the_tables_again(staff_client, officer, tree, people, keeping):
    client = staff_client(officer)
    assert per_gender(view(client)[0])["男"] == 1
    with transaction.atomic():
        ActiveMemberFactory(unit=tree["branch_a"], gender="M")
        ActiveMemberFactory(unit=tree["branch_a"], gender="M")
        assert per_gender(view(client)[0])["男"] == 1  # not committed yet
    assert per_gender(view(client)[0])["男"] == 3


def test_count_again_now_reads_a_change_no_signal_reported(staff_client, officer, worker, people, keeping):
    client = staff_client(officer)
    assert per_gender(view(client)[0])["男"] == 1
    Member.objects.filter(pk=worker.pk).update(gender="M")  # no signal: kept figures stay
    assert per_gender(view(client)[0])["男"] == 1
    assert per_gender(view(client, recount="1")[0])["男"] == 2


def test_each_officer_reads_only_tables_counted_for_them(
    staff_client,
    officer,
    sibling_officer,
    welfare_officer,
    requests_data,  # noqa: F811
    keeping,
):
    def requests_this_year(user) -> int:
        return tables(view(staff_client(user))[0])["welfare-requests-per-month"].total_row[1]

    for _ in range(2):  # counted, then kept
        assert requests_this_year(officer) == 4
        assert requests_this_year(welfare_officer) == 5  # the confidential request too
        assert requests_this_year(sibling_officer) == 1


# --- The dashboard --------------------------------------------------------------------


def test_the_dashboard_reads_kept_panels_and_says_when_they_were_counted(staff_client, officer, people, keeping):
    client = staff_client(officer)
    first, counted = view(client, DASHBOARD)
    assert "统计时间" not in first.content.decode()  # everything counted for this view
    second, read = view(client, DASHBOARD)
    assert read < counted - 2
    assert figures(second)["待审批的入会申请"].count == figures(first)["待审批的入会申请"].count == 2
    assert "统计时间" in second.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_new_application_shows_on_the_dashboard_at_once(staff_client, officer, tree, people, keeping):
    from tests.factories import MemberFactory

    client = staff_client(officer)
    view(client, DASHBOARD)
    assert figures(view(client, DASHBOARD)[0])["待审批的入会申请"].count == 2
    MemberFactory(unit=tree["branch_a"], status=Member.Status.APPLICANT)
    assert figures(view(client, DASHBOARD)[0])["待审批的入会申请"].count == 3


def test_each_officer_reads_only_panels_counted_for_them(
    staff_client,
    officer,
    welfare_officer,
    requests_data,  # noqa: F811
    keeping,
):
    for _ in range(2):  # counted, then kept
        mine = figures(view(staff_client(officer), DASHBOARD)[0])
        theirs = figures(view(staff_client(welfare_officer), DASHBOARD)[0])
        assert mine["已提交"].count == 1 and theirs["已提交"].count == 2  # the confidential one
        assert mine["分配给我的待办申请"].count == 1 and theirs["分配给我的待办申请"].count == 0


@pytest.mark.django_db(transaction=True)  # the change commits while the cache is out of reach
def test_the_pages_answer_and_changes_save_when_the_cache_is_out_of_reach(
    staff_client, officer, tree, people, keeping, settings
):
    client = staff_client(officer)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert figures(view(client, DASHBOARD)[0])["待审批的入会申请"].count == 2
    ActiveMemberFactory(unit=tree["branch_a"], gender="M")
    assert per_gender(view(client)[0])["男"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_transaction_counts_an_area_again_once_and_only_when_it_commits(tree, keeping, monkeypatch):
    forgotten = []
    real_forget = cache.forget
    monkeypatch.setattr(cache, "forget", lambda area: (forgotten.append(area), real_forget(area)))
    before = cache.versions(["members"])
    with pytest.raises(RuntimeError), transaction.atomic():
        ActiveMemberFactory(unit=tree["branch_a"])
        raise RuntimeError
    assert cache.versions(["members"]) == before and forgotten == []
    with transaction.atomic():
        ActiveMemberFactory(unit=tree["branch_a"])
        ActiveMemberFactory(unit=tree["branch_a"])
        assert cache.versions(["members"]) == before  # not before the commit
    assert cache.versions(["members"]) != before
    assert forgotten.count("members") == 1
