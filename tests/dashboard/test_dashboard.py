from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import panels
from notifications.models import Notification
from tests.dashboard.conftest import add_people
from tests.factories import UserFactory


def figures(response) -> dict[str, panels.Figure]:
    return {str(f.label): f for panel in response.context["panels"] for f in panel.figures}


def test_the_dashboard_counts_what_waits_in_the_officers_unions(staff_client, officer, people):
    response = staff_client(officer).get(reverse("admin:index"))
    found = figures(response)
    assert found["待审批的入会申请"].count == 2
    assert found["在册会员"].count == 3
    assert found["停权会员"].count == 1


def test_a_sibling_officer_counts_only_their_own_union(staff_client, sibling_officer, people):
    found = figures(staff_client(sibling_officer).get(reverse("admin:index")))
    assert found["待审批的入会申请"].count == 1
    assert found["在册会员"].count == 1


def test_the_chair_counts_the_whole_federation(staff_client, chair, people):
    found = figures(staff_client(chair).get(reverse("admin:index")))
    assert found["待审批的入会申请"].count == 3
    assert found["在册会员"].count == 4


def test_the_app_list_stays_below_the_dashboard(staff_client, officer, people):
    page = staff_client(officer).get(reverse("admin:index")).content.decode()
    assert page.index('class="dashboard"') < page.index('class="app-members module"')


@pytest.mark.parametrize("who", ["officer", "sibling_officer", "chair", "superuser"])
def test_every_figure_links_to_a_changelist_showing_exactly_the_rows_it_counts(request, staff_client, people, who):
    user = UserFactory(is_staff=True, is_superuser=True) if who == "superuser" else request.getfixturevalue(who)
    Notification.objects.create(
        key="x",
        to_email="a@example.cn",
        template="t",
        language="zh-hans",
        subject="s",
        body_text="b",
        status=Notification.Status.FAILED,
    )
    client = staff_client(user)
    found = figures(client.get(reverse("admin:index")))
    assert found
    for label, figure in found.items():
        url = urlsplit(figure.url)
        response = client.get(url.path, dict(parse_qsl(url.query)))
        assert response.status_code == 200, label
        assert "e" not in response.wsgi_request.GET, f"{label}: the admin refused the filter"
        assert response.context["cl"].result_count == figure.count, label


def test_the_outbox_failures_are_shown_to_superusers_only(staff_client, officer, tree):
    Notification.objects.create(
        key="f1",
        to_email="a@example.cn",
        template="t",
        language="zh-hans",
        subject="s",
        body_text="b",
        status=Notification.Status.FAILED,
    )
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert figures(staff_client(superuser).get(reverse("admin:index")))["发送失败的邮件"].count == 1
    assert "发送失败的邮件" not in figures(staff_client(officer).get(reverse("admin:index")))


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:index")).status_code == 200
    return len(queries)


def test_the_dashboard_runs_as_many_queries_with_twice_the_data(staff_client, chair, tree, people):
    client = staff_client(chair)
    _dashboard_queries(client)  # warm caches (content types, sessions)
    before = _dashboard_queries(client)
    add_people(tree, copy=1)
    add_people(tree, copy=2)
    assert _dashboard_queries(client) == before
