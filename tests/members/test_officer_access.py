"""An officer's permissions and second factor are kept between requests (``members.access``),
and every change to either is effective on the very next request."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.roles import OFFICER, WELFARE_OFFICER
from tests.factories import officer_user

WELFARE_LIST = "/admin/welfare/welfarerequest/"


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.OFFICER_ACCESS_SECONDS = 300  # off in the test settings
    cache.clear()
    yield
    cache.clear()


def _queries_about_the_officer(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    asked = [
        q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"] or "mfa_authenticator" in q["sql"]
    ]
    return response, asked


def _kept(client, status=200):
    """Load the page until the officer's answers come from the cache (no query about them)."""
    for _ in range(2):
        response, asked = _queries_about_the_officer(client, WELFARE_LIST)
        assert response.status_code == status
    assert asked == []


def test_a_second_admin_page_asks_nothing_about_the_officers_permissions(staff_client, welfare_officer):
    client = staff_client(welfare_officer)
    first, asked_first = _queries_about_the_officer(client, WELFARE_LIST)
    second, asked_second = _queries_about_the_officer(client, WELFARE_LIST)
    assert first.status_code == second.status_code == 200
    assert asked_first  # the first page asked the database
    assert asked_second == []


def test_a_role_taken_away_closes_the_page_at_once(staff_client, welfare_officer):
    client = staff_client(welfare_officer)
    _kept(client)
    welfare_officer.groups.remove(*Group.objects.filter(name__in=[WELFARE_OFFICER, OFFICER, "Chair"]))
    assert client.get(WELFARE_LIST).status_code == 403


def test_a_permission_taken_from_the_role_closes_the_page_at_once(staff_client, welfare_officer):
    client = staff_client(welfare_officer)
    _kept(client)
    view = Permission.objects.get(content_type__app_label="welfare", codename="view_welfarerequest")
    change = Permission.objects.get(content_type__app_label="welfare", codename="change_welfarerequest")
    for group in welfare_officer.groups.all():
        group.permissions.remove(view, change)
    assert client.get(WELFARE_LIST).status_code == 403


def test_a_role_given_opens_the_page_at_once(staff_client, tree):
    officer = officer_user(unit=tree["union_a"], roles=(), email="no-role@example.cn")
    client = staff_client(officer)
    _kept(client, 403)
    officer.groups.add(Group.objects.get(name=WELFARE_OFFICER))
    assert client.get(WELFARE_LIST).status_code == 200


def test_a_permission_given_to_the_user_opens_the_page_at_once(staff_client, tree):
    officer = officer_user(unit=tree["union_a"], roles=(), email="no-role@example.cn")
    client = staff_client(officer)
    _kept(client, 403)
    officer.user_permissions.add(
        Permission.objects.get(content_type__app_label="welfare", codename="view_welfarerequest")
    )
    assert client.get(WELFARE_LIST).status_code == 200


def test_an_officer_who_removes_their_authenticator_must_set_one_up_again(staff_client, welfare_officer):
    client = staff_client(welfare_officer)
    _kept(client)
    Authenticator.objects.filter(user=welfare_officer).delete()
    response = client.get(WELFARE_LIST)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_officer_stopped_for_want_of_an_authenticator_gets_in_once_they_set_one_up(client, welfare_officer):
    client.force_login(welfare_officer)
    for _ in range(2):  # the second answer comes from the cache
        assert client.get(WELFARE_LIST)["Location"] == reverse("mfa_activate_totp")
    Authenticator.objects.create(user=welfare_officer, type=Authenticator.Type.TOTP, data={})
    assert client.get(WELFARE_LIST).status_code == 200


def test_an_officer_made_superuser_sees_what_a_superuser_sees_at_once(staff_client, tree):
    officer = officer_user(unit=tree["union_a"], roles=(), email="no-role@example.cn")
    client = staff_client(officer)
    _kept(client, 403)
    officer.is_superuser = True
    officer.save(update_fields=["is_superuser"])
    assert client.get(WELFARE_LIST).status_code == 200


def test_without_the_cache_the_database_answers(staff_client, welfare_officer, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    client = staff_client(welfare_officer)
    assert client.get(WELFARE_LIST).status_code == 200
    welfare_officer.groups.clear()
    assert client.get(WELFARE_LIST).status_code == 403
