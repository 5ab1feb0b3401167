from datetime import date

import pytest

from members.models import Member
from notifications import services
from tests.factories import ActiveMemberFactory


@pytest.fixture(autouse=True)
def _broker_breaker_closed():
    services.broker_breaker_reset()
    yield
    services.broker_breaker_reset()


@pytest.fixture
def member_born(tree):
    """An active member born on the given day (and whatever else is given)."""

    def make(born: date, **kwargs) -> Member:
        kwargs.setdefault("unit", tree["branch_a"])
        return ActiveMemberFactory(date_of_birth=born, **kwargs)

    return make
