import pytest
from django.core.cache import cache
from django.test import Client

from feedback import services
from feedback.models import Feedback


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and form nonces live in the cache (Redis in CI).
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def named_item(worker):
    feedback, _ = services.feedback_submit(
        member=worker,
        category=Feedback.Category.CANTEEN,
        title="食堂晚餐太早",
        body="食堂五点半就收餐，加班的同事吃不上饭。",
        anonymous=False,
    )
    return feedback


@pytest.fixture
def anonymous_item(worker):
    """An anonymous item by ``worker`` and its follow-up code."""
    return services.feedback_submit(
        member=worker,
        category=Feedback.Category.SAFETY,
        title="二号线防护栏松动",
        body="冲压工位防护栏螺丝松了，请尽快维修。",
        anonymous=True,
    )


@pytest.fixture
def client_for():
    """A fresh logged-in client per user (several people act in one test)."""

    def login(user, *, staff=False):
        client = Client()
        if staff:
            from allauth.mfa.models import Authenticator

            Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
        client.force_login(user)
        return client

    return login
