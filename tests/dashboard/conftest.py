"""A known data set for the dashboard and the statistics.

``people`` adds, in union A (``officer``'s): two applicants, one suspended
member and one retired man of 62, besides ``worker`` and ``other_worker``
(women in their thirties); in union B: one applicant and ``outsider``.
``membership_history`` adds status changes in January and March of 2026.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dashboard.selectors import years_before
from members.models import Member, MembershipEvent
from tests.factories import ActiveMemberFactory, MemberFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = Member.Status


def born(age: int) -> date:
    """A birth date making the person ``age`` today (well clear of a birthday)."""
    from django.utils import timezone

    return years_before(timezone.localdate(), age) - timedelta(days=40)


def add_people(tree, *, copy: int = 0) -> dict[str, Member]:
    a, b = tree["branch_a"], tree["branch_b"]
    tag = f"{copy}" if copy else ""
    return {
        "applicant_1": MemberFactory(unit=a, name=f"申请甲{tag}", status=S.APPLICANT, date_of_birth=born(24)),
        "applicant_2": MemberFactory(unit=a, name=f"申请乙{tag}", status=S.APPLICANT, date_of_birth=born(45)),
        "applicant_b": MemberFactory(unit=b, name=f"申请丙{tag}", status=S.APPLICANT, date_of_birth=born(30)),
        "suspended": ActiveMemberFactory(unit=tree["union_a"], name=f"停权{tag}", status=S.SUSPENDED),
        "retiree": ActiveMemberFactory(
            unit=tree["union_a"], name=f"老刘{tag}", gender="M", retired=True, date_of_birth=born(62)
        ),
    }


@pytest.fixture
def people(tree, worker, other_worker, outsider):
    for member in (worker, other_worker):
        member.date_of_birth = born(35)
        member.save()
    outsider.date_of_birth = born(52)
    outsider.save()
    return add_people(tree)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


@pytest.fixture
def membership_history(people, worker, other_worker, outsider):
    events = [
        (worker, S.REGISTERED, S.APPLICANT, "2026-01-10"),
        (worker, S.APPLICANT, S.ACTIVE, "2026-01-20"),
        (other_worker, S.REGISTERED, S.APPLICANT, "2026-03-05"),
        (other_worker, S.APPLICANT, S.ACTIVE, "2026-03-06"),
        (people["suspended"], S.ACTIVE, S.LAPSED, "2026-03-20"),
        (people["suspended"], S.ACTIVE, S.APPLICANT, "2025-12-31"),  # another year
        (outsider, S.REGISTERED, S.APPLICANT, "2026-03-07"),  # another union
    ]
    for member, old, new, day in events:
        MembershipEvent.objects.create(member=member, from_state=old, to_state=new, at=at(day))
