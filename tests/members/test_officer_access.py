"""Every change to an officer's permissions or second factor is effective on the very next
request: nothing about them is kept between requests (Django's per-request cache only)."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from members.roles import OFFICER, WELFARE_OFFICER
from tests.factories import officer_user

WELFARE_LIST = "/admin/welfare/welfarerequest/"


def test_a_role_taken_away_closes_the_page_at_once(staff_client, welfare_officer):
    client = staff_client(welfare_officer)
    assert client.get(WELFARE_LIST).status_code == 200
    welfare_officer.groups.remove(*Group.objects.filter(name__in=[WELFARE_OFFICER, OFFICER, "Chair"]))
    assert client.get(WELFARE_LIST).status_code == 403


def test_a_permission_taken_from_the_role_closes_the_page_at_once(staff_client, welfare_officer):
    client = staff_client(welfare_officer)
    assert client.get(WELFARE_LIST).status_code == 200
    view = Permission.objects.get(content_type__app_label="welfare", codename="view_welfarerequest")
    change = Permission.objects.get(content_type__app_label="welfare", codename="change_welfarerequest")
    for group in welfare_officer.groups.all():
        group.permissions.remove(view, change)
    assert client.get(WELFARE_LIST).status_code == 403


def test_a_role_given_opens_the_page_at_once(staff_client, tree):
    officer = officer_user(unit=tree["union_a"], roles=(), email="no-role@example.cn")
    client = staff_client(officer)
    assert client.get(WELFARE_LIST).status_code == 403
    officer.groups.add(Group.objects.get(name=WELFARE_OFFICER))
    assert client.get(WELFARE_LIST).status_code == 200


def test_a_permission_given_to_the_user_opens_the_page_at_once(staff_client, tree):
    officer = officer_user(unit=tree["union_a"], roles=(), email="no-role@example.cn")
    client = staff_client(officer)
    assert client.get(WELFARE_LIST).status_code == 403
    officer.user_permissions.add(
        Permission.objects.get(content_type__app_label="welfare", codename="view_welfarerequest")
    )
    assert client.get(WELFARE_LIST).status_code == 200


def test_an_officer_who_removes_their_authenticator_must_set_one_up_again(staff_client, welfare_officer):
    client = staff_client(welfare_officer)
    assert client.get(WELFARE_LIST).status_code == 200
    Authenticator.objects.filter(user=welfare_officer).delete()
    response = client.get(WELFARE_LIST)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_officer_stopped_for_want_of_an_authenticator_gets_in_once_they_set_one_up(client, welfare_officer):
    client.force_login(welfare_officer)
    for _ in range(2):
        assert client.get(WELFARE_LIST)["Location"] == reverse("mfa_activate_totp")
    Authenticator.objects.create(user=welfare_officer, type=Authenticator.Type.TOTP, data={})
    assert client.get(WELFARE_LIST).status_code == 200


def test_an_officer_made_superuser_sees_what_a_superuser_sees_at_once(staff_client, tree):
    officer = officer_user(unit=tree["union_a"], roles=(), email="no-role@example.cn")
    client = staff_client(officer)
    assert client.get(WELFARE_LIST).status_code == 403
    officer.is_superuser = True
    officer.save(update_fields=["is_superuser"])
    assert client.get(WELFARE_LIST).status_code == 200


def test_a_role_taken_away_by_a_change_that_sends_no_signal_closes_the_page_at_once(
    staff_client, settings, welfare_officer
):
    settings.OFFICER_ACCESS_SECONDS = 300  # what main kept permissions for; the setting is gone now
    client = staff_client(welfare_officer)
    assert client.get(WELFARE_LIST).status_code == 200
    welfare_officer.groups.through.objects.filter(user=welfare_officer).delete()  # a bulk delete: no m2m signal
    assert client.get(WELFARE_LIST).status_code == 403
