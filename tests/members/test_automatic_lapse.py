"""Automatic lapse after N unpaid months, warned a month before, once per member and month (issue 21 §3)."""

from datetime import date
from decimal import Decimal

import pytest

from members.lapses import lapse_run
from members.models import DuesRecord, Member
from members.tasks import lapse_run_task
from notifications.models import Notification
from tests.factories import ActiveMemberFactory

S = Member.Status


@pytest.fixture
def union_lapses_after_three(tree):
    tree["union_a"].lapse_after_unpaid_months = 3
    tree["union_a"].save()
    return tree["union_a"]


def paid(member, *months):
    for month in months:
        DuesRecord.objects.create(member=member, period=month, amount=Decimal("10"))


def warnings() -> list[str]:
    return list(
        Notification.objects.filter(template="membership-lapse-warning").order_by("pk").values_list("key", flat=True)
    )


def status(member) -> str:
    member.refresh_from_db()
    return member.status


def test_nothing_lapses_while_the_union_has_not_turned_it_on(tree):
    member = ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2020, 1, 1))
    run = lapse_run(day=date(2026, 6, 10))
    assert (run.warned, run.lapsed) == (0, 0)
    assert status(member) == S.ACTIVE


def test_a_member_is_warned_a_month_before_and_lapses_if_still_unpaid(
    union_lapses_after_three, tree, mailoutbox, django_capture_on_commit_callbacks
):
    member = ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2020, 1, 1), user__email="m@example.cn")
    paid(member, date(2026, 2, 1))
    # On 10 April: March unpaid (one month), nothing yet.
    assert lapse_run(day=date(2026, 4, 10)).warned == 0
    # On 10 May: March and April unpaid: one more and the membership lapses.
    with django_capture_on_commit_callbacks(execute=True):
        assert lapse_run(day=date(2026, 5, 10)).warned == 1
    assert status(member) == S.ACTIVE
    assert warnings() == [f"membership-lapse-warning:{member.pk}:2026-04"]
    assert "2026年5月" in mailoutbox[-1].subject
    # On 10 June: May unpaid too: it lapses, recorded and told.
    with django_capture_on_commit_callbacks(execute=True):
        run = lapse_run(day=date(2026, 6, 10))
    assert (run.warned, run.lapsed) == (0, 1)
    assert status(member) == S.LAPSED
    event = member.events.get()
    assert event.by is None and "3" in event.note
    assert "membership-status" in Notification.objects.values_list("template", flat=True)


def test_the_warning_is_sent_once_per_member_and_month_however_often_the_job_runs(union_lapses_after_three, tree):
    member = ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2020, 1, 1))
    paid(member, date(2026, 2, 1))
    for _ in range(3):
        lapse_run_task(day="2026-05-10")
    lapse_run_task(day="2026-05-20")
    assert warnings() == [f"membership-lapse-warning:{member.pk}:2026-04"]
    member.refresh_from_db()
    assert member.lapse_warned_for == date(2026, 4, 1)


def test_paying_after_the_warning_keeps_the_membership(union_lapses_after_three, tree):
    member = ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2020, 1, 1))
    paid(member, date(2026, 2, 1))
    lapse_run(day=date(2026, 5, 10))
    paid(member, date(2026, 5, 1))
    assert lapse_run(day=date(2026, 6, 10)).lapsed == 0
    assert status(member) == S.ACTIVE


def test_a_member_long_unpaid_when_the_setting_is_turned_on_is_warned_first(union_lapses_after_three, tree):
    member = ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2020, 1, 1))  # never paid
    run = lapse_run(day=date(2026, 6, 10))
    assert (run.warned, run.lapsed) == (1, 0)
    assert status(member) == S.ACTIVE
    run = lapse_run(day=date(2026, 7, 10))
    assert (run.warned, run.lapsed) == (0, 1)
    assert status(member) == S.LAPSED


def test_months_before_joining_do_not_count(union_lapses_after_three, tree):
    member = ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2026, 4, 15))
    assert lapse_run(day=date(2026, 5, 10)).warned == 0  # April only
    assert lapse_run(day=date(2026, 6, 10)).warned == 1  # April and May
    assert status(member) == S.ACTIVE


def test_only_the_unions_members_and_only_active_ones_with_an_address_are_handled(union_lapses_after_three, tree):
    ActiveMemberFactory(unit=tree["branch_b"], joined_on=date(2020, 1, 1))  # union B has not turned it on
    ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2020, 1, 1), status=S.SUSPENDED)
    ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2020, 1, 1), user=None, email="")
    assert lapse_run(day=date(2026, 6, 10)).warned == 0


def test_the_queries_stay_flat_as_members_double(union_lapses_after_three, tree, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run_with(count):
        Member.objects.all().delete()
        Notification.objects.all().delete()
        for _ in range(count):
            ActiveMemberFactory(unit=tree["branch_a"], joined_on=date(2020, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            assert lapse_run(day=date(2026, 6, 10)).warned == count
        return len(queries)

    assert run_with(4) == run_with(8)
