"""Wrong passwords typed from one address do not lock the account's owner out elsewhere."""

import pytest

from tests.factories import officer_user

BASE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}


@pytest.fixture
def limits(settings):
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = BASE_LIMITS
    cache.clear()
    yield
    cache.clear()


def _log_in(client, password, address):
    return client.post("/accounts/login/", {"login": "victim@example.cn", "password": password}, REMOTE_ADDR=address)


def test_the_owner_logs_in_from_another_address_after_someone_failed_five_times(client, tree, limits):
    user = officer_user(unit=tree["union_a"], email="victim@example.cn")
    user.set_password("right-horse-battery-9")
    user.save()
    for _ in range(6):
        _log_in(client, "wrong", "203.0.113.7")
    assert _log_in(client, "right-horse-battery-9", "203.0.113.7").status_code == 200  # still blocked there
    assert _log_in(client, "right-horse-battery-9", "198.51.100.2").status_code == 302
