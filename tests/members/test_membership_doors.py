"""The officers' doors on a membership: suspend, restore, lapse, withdraw (issue 21 §3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members import services
from members.models import Member
from notifications.models import Notification

S = Member.Status


def test_an_officer_suspends_a_member_with_a_reason_recorded_and_told(
    worker, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_door(member=worker, door="suspend", by=officer, reason="违反会员纪律，暂停会籍三个月")
    worker.refresh_from_db()
    assert worker.status == S.SUSPENDED
    event = worker.events.get()
    assert (event.from_state, event.to_state, event.by, event.note) == (
        S.ACTIVE,
        S.SUSPENDED,
        officer,
        "违反会员纪律，暂停会籍三个月",
    )
    assert [m.to for m in mailoutbox] == [["worker@example.cn"]]
    assert "暂停会籍三个月" in mailoutbox[0].body
    assert Notification.objects.get().template == "membership-status"


def test_a_restored_member_is_told_their_status_not_welcomed_again(
    worker, officer, mailoutbox, django_capture_on_commit_callbacks
):
    number = worker.membership_number
    services.membership_door(member=worker, door="suspend", by=officer, reason="暂停")
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_door(member=worker, door="restore", by=officer, reason="期满恢复")
    worker.refresh_from_db()
    assert worker.status == S.ACTIVE
    assert worker.membership_number == number
    assert list(Notification.objects.values_list("template", flat=True).order_by("pk")) == [
        "membership-status",
        "membership-status",
    ]


@pytest.mark.parametrize(
    ("door", "start", "end"),
    [
        ("suspend", S.ACTIVE, S.SUSPENDED),
        ("restore", S.SUSPENDED, S.ACTIVE),
        ("restore", S.LAPSED, S.ACTIVE),
        ("lapse", S.ACTIVE, S.LAPSED),
        ("lapse", S.SUSPENDED, S.LAPSED),
        ("withdraw", S.ACTIVE, S.WITHDRAWN),
        ("withdraw", S.SUSPENDED, S.WITHDRAWN),
    ],
)
def test_each_door_opens_from_its_statuses(door, start, end, worker, officer):
    Member.objects.filter(pk=worker.pk).update(status=start)
    services.membership_door(member=worker, door=door, by=officer, reason="理由")
    worker.refresh_from_db()
    assert worker.status == end


@pytest.mark.parametrize(
    ("door", "start"),
    [
        ("suspend", S.SUSPENDED),
        ("suspend", S.APPLICANT),
        ("restore", S.ACTIVE),
        ("restore", S.APPLICANT),  # an application is approved, not restored
        ("restore", S.WITHDRAWN),
        ("lapse", S.LAPSED),
        ("withdraw", S.TRANSFERRED),
        ("suspend", S.TRANSFERRED),
    ],
)
def test_a_door_is_refused_from_any_other_status(door, start, worker, officer):
    Member.objects.filter(pk=worker.pk).update(status=start)
    worker.refresh_from_db()
    with pytest.raises(ValidationError):
        services.membership_door(member=worker, door=door, by=officer, reason="理由")
    worker.refresh_from_db()
    assert worker.status == start
    assert not worker.events.exists()


def test_every_door_needs_a_reason(worker, officer):
    with pytest.raises(ValidationError):
        services.membership_door(member=worker, door="suspend", by=officer, reason="   ")
    worker.refresh_from_db()
    assert worker.status == S.ACTIVE


def test_an_officer_of_another_union_or_the_worker_cannot_open_a_door(worker, sibling_officer):
    for by in (sibling_officer, worker.user):
        with pytest.raises(PermissionDenied):
            services.membership_door(member=worker, door="suspend", by=by, reason="理由")
    worker.refresh_from_db()
    assert worker.status == S.ACTIVE


def test_the_transfer_statuses_are_not_reached_through_a_plain_change(worker, officer):
    with pytest.raises(ValidationError):
        services.membership_change(member=worker, to=S.TRANSFERRED, by=officer, note="转走")


def test_only_the_lapse_job_changes_a_membership_without_an_officer(worker):
    with pytest.raises(PermissionDenied):
        services.membership_change(member=worker, to=S.SUSPENDED, by=None, note="x", automatic=True)
    services.membership_change(member=worker, to=S.LAPSED, by=None, note="自动失效", automatic=True)
    worker.refresh_from_db()
    assert worker.status == S.LAPSED
    assert worker.events.get().by is None


def test_bulk_suspension_reports_the_members_it_could_not_suspend(worker, other_worker, outsider, officer):
    Member.objects.filter(pk=other_worker.pk).update(status=S.LAPSED)
    done, errors = services.membership_bulk_door(
        members=Member.objects.filter(pk__in=[worker.pk, other_worker.pk, outsider.pk]).order_by("pk"),
        door="suspend",
        by=officer,
        reason="集体违纪",
    )
    assert done == 1
    assert len(errors) == 2  # lapsed already; outsider is in another union
    assert set(Member.objects.filter(status=S.SUSPENDED).values_list("pk", flat=True)) == {worker.pk}
