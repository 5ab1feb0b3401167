from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Activity
from tests.activities.factories import ActivityFactory
from tests.factories import ActiveMemberFactory


@pytest.fixture
def activity(tree):
    """A published activity of union A with two places and a waiting list."""
    return ActivityFactory(unit=tree["union_a"], title="安全生产知识讲座", capacity=2)


@pytest.fixture
def make_members(tree):
    """``make_members(n)``: n active members of branch A, in creation order."""

    def make(n, **kwargs):
        kwargs.setdefault("unit", tree["branch_a"])
        return [ActiveMemberFactory(**kwargs) for _ in range(n)]

    return make


@pytest.fixture
def lottery(tree):
    """A lottery for two places; sign-up closes a day before the start."""
    starts = timezone.now() + timedelta(days=7)
    return ActivityFactory(
        unit=tree["union_a"],
        title="千岛湖疗休养",
        capacity=2,
        allocation=Activity.Allocation.LOTTERY,
        starts_at=starts,
        signup_closes_at=starts - timedelta(days=1),
    )
