"""A reminder job's queries do not grow with its recipients.

They grow with batches only: ``BATCH_SIZE`` recipients per batch, and on
SQLite Django also splits one INSERT per 999 parameters (about 49 rows of the
outbox, which has 20 columns).
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import DuesRecord, Member
from members.reminders import birthday_greetings_queue, dues_reminders_queue
from notifications.models import Notification
from tests.markers import requires_postgres

JOBS = pytest.mark.parametrize(
    "job, day",
    [(birthday_greetings_queue, date(2026, 5, 2)), (dues_reminders_queue, date(2026, 5, 5))],
    ids=["birthday greetings", "dues reminders"],
)


def add_members(unit, count: int, *, born: date, paid_march: bool = False) -> None:
    start = Member.objects.count()
    members = Member.objects.bulk_create(
        Member(
            name=f"批量{start + n}",
            gender=Member.Gender.FEMALE,
            date_of_birth=born,
            unit=unit,
            union=unit.grassroots_union,
            email=f"bulk{start + n}@example.cn",
            language="en" if n % 2 else "zh-hans",
            status=Member.Status.ACTIVE,
            joined_on=date(2020, 1, 1),
            wants_optional_mail=True,
        )
        for n in range(count)
    )
    if paid_march:
        DuesRecord.objects.bulk_create(DuesRecord(member=m, period=date(2026, 3, 1), amount=10) for m in members)


def queries_of(job, day: date) -> int:
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        job(day=day)
    assert Notification.objects.count() == Member.objects.count()
    return len(captured)


def counts_for(n: int, job, day: date, unit) -> tuple[int, int]:
    add_members(unit, n, born=date(1990, 5, 2), paid_march=True)
    with_n = queries_of(job, day)
    add_members(unit, n, born=date(1991, 5, 2), paid_march=True)
    return with_n, queries_of(job, day)


@JOBS
def test_twice_the_recipients_cost_no_more_queries(job, day, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        with_n, with_2n = counts_for(20, job, day, tree["branch_a"])
    assert with_2n == with_n
    assert with_n <= 8


@requires_postgres
@JOBS
def test_on_postgresql_hundreds_of_recipients_cost_the_same_few_queries(
    job, day, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        with_n, with_2n = counts_for(200, job, day, tree["branch_a"])
    assert with_2n == with_n
    assert with_n <= 8
