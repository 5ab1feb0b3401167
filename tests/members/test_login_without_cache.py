"""With the cache (Redis) unreachable, workers still log in, sign up and reset a password:
allauth's rate limits fail open with a logged warning instead of answering 500."""

import logging
import socket

import pytest
from django.urls import reverse

from members import adapters
from members.models import User

# As in unionportal/settings/base.py (the test settings turn limits off).
PRODUCTION_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cache_down(settings):
    port = _closed_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.ACCOUNT_RATE_LIMITS = PRODUCTION_LIMITS
    # Sessions must not depend on the cache either (the database engine, as in production).
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    adapters.rate_limit_cache_reset()
    yield port
    adapters.rate_limit_cache_reset()


def test_a_worker_logs_in_while_the_cache_is_down(client, worker, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="members.adapters"):
        response = client.post(reverse("account_login"), {"login": worker.user.email, "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.user.pk)
    # Once per request, not once per check (each would wait for the cache again).
    assert caplog.text.count("rate limits are not applied") == 1


def test_a_wrong_password_is_still_refused_while_the_cache_is_down(client, worker, cache_down):
    response = client.post(reverse("account_login"), {"login": worker.user.email, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_a_new_worker_signs_up_while_the_cache_is_down(db, client, cache_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "new.worker@example.cn", "password1": "Gongren-2026!", "password2": "Gongren-2026!"},
        )
    assert response.status_code == 302
    assert User.objects.filter(email="new.worker@example.cn").exists()


def test_a_worker_asks_for_a_password_reset_while_the_cache_is_down(
    client, worker, cache_down, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": worker.user.email})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[worker.user.email]]


def test_health_still_reports_a_broker_that_is_down(db, client, cache_down, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{cache_down}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
