"""Signing up, signing in and resetting a password with a mobile number and a texted code."""

import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from members.adapters import rate_limit_cache_reset
from members.models import User
from notifications.models import Notification

PASSWORD = "Gongren-2026!"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    rate_limit_cache_reset()
    yield
    cache.clear()


def code_in(text) -> str:
    return re.search(r"(\d{6})", text.body).group(1)


def signup(client, phone="13812345678", **extra):
    return client.post(
        reverse("account_signup"), {"phone": phone, "password1": PASSWORD, "password2": PASSWORD, **extra}
    )


def test_a_new_worker_signs_up_with_a_mobile_number_and_the_texted_code(
    db, client, smsoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, phone="138 1234 5678")
    assert response.status_code == 302 and response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone="+8613812345678")
    assert (user.email, user.phone_verified) == (None, False)
    # The code went through the outbox, as a text in Chinese with the union's signature.
    text = Notification.objects.get(to_phone="+8613812345678")
    assert (text.channel, text.status, text.template) == ("sms", "sent", "account-code")
    assert [m.to for m in smsoutbox] == ["+8613812345678"]
    assert smsoutbox[0].body.startswith("【职工之家】你的验证码是")

    response = client.post(reverse("account_verify_phone"), {"code": code_in(smsoutbox[0])})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("members:profile")).url == reverse("members:profile-create")


def test_a_worker_with_a_verified_number_signs_in_with_it_and_the_password(client, worker):
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    response = client.post(reverse("account_login"), {"login": "13812345678", "password": PASSWORD})
    assert response.status_code == 200  # wrong password: the factory's is another
    worker.user.set_password(PASSWORD)
    worker.user.save()
    response = client.post(reverse("account_login"), {"login": "13812345678", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.user.pk)
    # …and with the address as well.
    client.logout()
    client.post(reverse("account_login"), {"login": worker.user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(worker.user.pk)


def test_a_worker_signs_in_with_a_texted_code_and_sets_a_new_password_without_the_old_one(
    client, worker, smsoutbox, django_capture_on_commit_callbacks
):
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"phone": "13812345678"})
    assert response.status_code == 302
    assert len(smsoutbox) == 1
    response = client.post(reverse("account_confirm_login_code"), {"code": code_in(smsoutbox[0])})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.user.pk)

    response = client.post(
        reverse("members:password-by-code"), {"new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"}
    )
    assert response.status_code == 302
    worker.user.refresh_from_db()
    assert worker.user.check_password("Xin-mima-2026!")


def test_setting_a_password_without_the_old_one_needs_a_recent_sign_in_by_code(client, worker):
    client.force_login(worker.user)
    assert client.get(reverse("members:password-by-code")).url == reverse("account_change_password")


def test_a_wrong_code_three_times_locks_the_code(client, worker, smsoutbox, django_capture_on_commit_callbacks):
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"phone": "13812345678"})
    right = code_in(smsoutbox[0])
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("account_confirm_login_code"), {"code": wrong})
    response = client.post(reverse("account_confirm_login_code"), {"code": right})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_an_expired_code_does_not_sign_in(client, worker, smsoutbox, settings, django_capture_on_commit_callbacks):
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"phone": "13812345678"})
    session = client.session
    # Ten minutes and one second later (allauth keeps the code's time in the session).
    state = session["account_login"]["state"]["stages"]["login_by_code"]["data"]
    state["at"] = time.time() - 601
    session.save()
    client.post(reverse("account_confirm_login_code"), {"code": code_in(smsoutbox[0])})
    assert "_auth_user_id" not in client.session


def test_asking_a_code_for_an_unknown_number_looks_the_same_and_texts_the_owner_why(
    db, client, worker, smsoutbox, django_capture_on_commit_callbacks
):
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_request_login_code"), {"phone": "13812345678"})
    client.logout()
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("account_request_login_code"), {"phone": "13900001111"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in smsoutbox] == ["+8613812345678", "+8613900001111"]
    assert "尚未注册" in smsoutbox[1].body


def test_signing_up_with_a_taken_number_does_not_reveal_it(
    client, worker, smsoutbox, django_capture_on_commit_callbacks
):
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 302
    assert User.objects.filter(phone="+8613812345678").count() == 1
    # The owner is told by text instead, as the owner of a taken address is by mail.
    assert any("已注册" in m.body for m in smsoutbox)


def test_a_bad_number_gets_a_clear_message_in_chinese_and_no_account(db, client):
    response = signup(client, phone="12345")
    assert response.status_code == 200
    assert "手机号" in response.context["form"].errors["phone"][0]
    assert not User.objects.exists()


def test_sign_up_needs_a_number_or_an_address(db, client):
    response = client.post(reverse("account_signup"), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    assert "手机号或电子邮箱" in str(response.context["form"].non_field_errors())
    assert not User.objects.exists()


def test_an_account_with_only_an_address_must_still_verify_it(db, client, mailoutbox):
    client.post(reverse("account_signup"), {"email": "new@example.cn", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new@example.cn", "password": PASSWORD})
    assert "/accounts/confirm-email/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_two_accounts_without_an_address_can_both_exist(db):
    User.objects.create_user(None, PASSWORD, phone="+8613812345678")
    User.objects.create_user("", PASSWORD, phone="+8613900001111")
    assert User.objects.filter(email=None).count() == 2


def test_a_verified_number_belongs_to_one_account_only(db):
    from django.db import IntegrityError, transaction

    User.objects.create_user(None, PASSWORD, phone="+8613812345678", phone_verified=True)
    User.objects.create_user(None, PASSWORD, phone="+8613812345678")  # a typo, unverified: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(None, PASSWORD, phone="+8613812345678", phone_verified=True)


def _ask_code(client, phone, capture):
    client.logout()
    with capture(execute=True):
        return client.post(reverse("account_request_login_code"), {"phone": phone})


def test_codes_per_number_stop_at_the_daily_ceiling_and_the_page_does_not_change(
    client, worker, smsoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SMS_CODE_LIMITS = {"phone": 2, "ip": 100, "user": 100}
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    answers = [_ask_code(client, "13812345678", django_capture_on_commit_callbacks) for _ in range(3)]
    assert len(smsoutbox) == 2
    assert len({(a.status_code, a["Location"]) for a in answers}) == 1


def test_codes_per_client_address_stop_at_the_daily_ceiling_whatever_the_numbers(
    db, client, smsoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SMS_CODE_LIMITS = {"phone": 100, "ip": 3, "user": 100}
    for n in range(5):
        _ask_code(client, f"1390000111{n}", django_capture_on_commit_callbacks)
    assert len(smsoutbox) == 3  # SMS bombing many numbers from one address


def test_a_second_code_within_the_cool_down_is_refused(
    client, worker, smsoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "1/60s/key"}
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    first = _ask_code(client, "13812345678", django_capture_on_commit_callbacks)
    second = _ask_code(client, "13812345678", django_capture_on_commit_callbacks)
    assert first.status_code == 302 and second.status_code in (200, 429)
    assert len(smsoutbox) == 1


def test_the_code_page_shows_how_long_the_code_lasts_and_the_cool_down(
    client, worker, smsoutbox, django_capture_on_commit_callbacks
):
    worker.user.phone, worker.user.phone_verified = "+8613812345678", True
    worker.user.save()
    _ask_code(client, "13812345678", django_capture_on_commit_callbacks)
    page = client.get(reverse("account_confirm_login_code")).content.decode()
    assert "验证码10分钟内有效，输错3次后失效" in page and "60秒后可以重新获取" in page
