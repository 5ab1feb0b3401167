import re

import pytest
from django.urls import reverse

from members.models import User
from notifications.models import Notification


def _signup(client, email="new.worker@example.cn", password="Gongren-2026!"):
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})


def test_a_new_worker_signs_up_verifies_the_address_and_logs_in(
    db, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)
    assert response.status_code == 302
    assert User.objects.filter(email="new.worker@example.cn").exists()
    # The verification mail went through the outbox, in Chinese.
    assert Notification.objects.get(to_email="new.worker@example.cn").status == Notification.Status.SENT
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[0].body).group(1)

    # Not verified yet: logging in is refused with a pointer to the mail.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new.worker@example.cn", "password": "Gongren-2026!"})
    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response["Location"]
    assert "_auth_user_id" not in client.session

    response = client.post(link)
    assert response.status_code == 302
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new.worker@example.cn", "password": "Gongren-2026!"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="new.worker@example.cn").pk)
    # A worker without a profile is asked to fill it in.
    assert client.get(reverse("members:profile")).url == reverse("members:profile-create")


@pytest.mark.django_db
def test_a_weak_password_is_refused_with_a_message_and_no_account(client):
    response = _signup(client, password="123")
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.exists()


def test_signing_up_with_a_taken_address_does_not_reveal_it(
    client, worker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, email=worker.user.email)
    # Same answer as for a new address; the owner is told by e-mail instead.
    assert response.status_code == 302
    assert User.objects.filter(email=worker.user.email).count() == 1
    assert [m.to for m in mailoutbox] == [[worker.user.email]]


def test_the_admin_login_goes_through_the_portal_login(db, client):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"], follow=True)
    assert login.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_staff_without_a_second_factor_must_set_one_up(client, officer):
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_a_second_factor_reach_the_back_office(staff_client, officer):
    assert staff_client(officer).get("/admin/").status_code == 200


def test_repeated_failed_logins_are_rate_limited(db, client, worker, settings):
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    cache.clear()
    pages = [
        client.post(reverse("account_login"), {"login": worker.user.email, "password": "wrong"}).content.decode()
        for _ in range(5)
    ]
    # Even the right password is refused while the limit holds.
    right = client.post(reverse("account_login"), {"login": worker.user.email, "password": "pass-word-123"})
    cache.clear()
    assert all("次数过多" not in page for page in pages[:3])
    assert "次数过多" in pages[-1]
    assert "_auth_user_id" not in client.session
    assert right.status_code != 302


def test_a_password_reset_mail_goes_through_the_outbox(client, worker, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": worker.user.email})
    assert response.status_code == 302
    assert Notification.objects.filter(to_email=worker.user.email, template__contains="password_reset").exists()
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_the_authenticator_setup_page_renders(client, officer):
    client.post(reverse("account_login"), {"login": officer.email, "password": "pass-word-123"})
    # Setting up a second factor asks for the password again first.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": "pass-word-123"})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "data:image/svg+xml" in response.content.decode()  # the QR code to scan
