"""With STAFF_REQUIRE_MFA an officer without an authenticator app acts as no officer anywhere."""

import pytest
from django.urls import reverse

from members import services as member_services


@pytest.fixture
def card_url(worker):
    return member_services.member_card_token(worker)


def test_an_officer_without_a_second_factor_cannot_scan_a_card(client, officer, worker, card_url):
    client.force_login(officer)
    response = client.get(reverse("members:card-scan", kwargs={"token": card_url}))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_officer_without_a_second_factor_cannot_check_a_member_in(client, officer, worker, card_url):
    client.force_login(officer)
    response = client.get(reverse("activities:check-in", kwargs={"token": card_url}))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_officer_with_a_second_factor_scans_a_card(staff_client, officer, worker, card_url):
    response = staff_client(officer).get(reverse("members:card-scan", kwargs={"token": card_url}))
    assert response.status_code == 200


def test_the_officer_may_still_set_up_the_authenticator_and_log_out(client, officer):
    client.force_login(officer)
    setup = client.get(reverse("mfa_activate_totp"))  # allauth may first ask for the password again
    assert setup.status_code == 200 or not setup["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_without_the_rule_an_officer_needs_no_second_factor(client, settings, officer, worker, card_url):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(officer)
    assert client.get(reverse("members:card-scan", kwargs={"token": card_url})).status_code == 200
