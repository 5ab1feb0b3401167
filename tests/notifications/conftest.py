import pytest

from notifications import services


@pytest.fixture(autouse=True)
def _broker_breaker_closed():
    services.broker_breaker_reset()
    yield
    services.broker_breaker_reset()
