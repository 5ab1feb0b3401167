"""Signing up with an address already registered costs the same work as with a new one
(a password hash), so the answer's timing does not tell which addresses are registered."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from members.models import User


class CountingHasher(MD5PasswordHasher):
    """The test settings' hasher, counting the passwords it hashes."""

    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def _signup(client, email):
    password = "Gongren-2026!"
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})


def test_a_taken_address_costs_a_password_hash_like_a_new_one(client, worker, counting_hasher):
    response_new = _signup(client, "new.worker@example.cn")
    hashed_for_new = counting_hasher.calls
    assert User.objects.filter(email="new.worker@example.cn").exists()
    assert hashed_for_new >= 1
    page_new = client.get(response_new["Location"])

    client.logout()
    counting_hasher.calls = 0
    response_taken = _signup(client, worker.user.email)
    assert counting_hasher.calls == hashed_for_new
    assert User.objects.filter(email=worker.user.email).count() == 1
    page_taken = client.get(response_taken["Location"])

    # And the same answer: to the same page, which reads the same but for the address.
    assert response_new.status_code == response_taken.status_code == 302
    assert response_new["Location"] == response_taken["Location"]
    assert page_new.status_code == page_taken.status_code == 200
    assert _without_csrf_token(page_new).replace("new.worker@example.cn", worker.user.email) == _without_csrf_token(
        page_taken
    )


def _without_csrf_token(response) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value=)"[^"]*"', r"\1", response.content.decode())
