"""Sign-up, cancellation, the waiting list and its e-mails."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from activities import services
from activities.models import Activity, Registration
from notifications.models import Notification
from tests.activities.factories import ActivityFactory

S = Registration.Status


def signup(activity, member):
    return services.registration_signup(activity=activity, member=member, by=member.user)


def statuses(activity):
    return {r.member.name: r.status for r in activity.registrations.select_related("member")}


def queue(activity):
    return list(
        activity.registrations.filter(status=S.WAITING).order_by("position").values_list("member__name", flat=True)
    )


def test_a_free_place_is_confirmed_and_e_mailed(activity, worker, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = signup(activity, worker)
    assert registration.status == S.CONFIRMED
    assert [m.to for m in mailoutbox] == [["worker@example.cn"]]
    assert "报名成功" in mailoutbox[0].subject  # the worker's language is Chinese
    assert activity.title in mailoutbox[0].body
    assert list(registration.events.values_list("from_state", "to_state", "by")) == [("", S.CONFIRMED, worker.user.pk)]


def test_when_full_the_worker_joins_the_waiting_list_and_learns_their_number(
    activity, make_members, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third, fourth = make_members(4)
    signup(activity, first)
    signup(activity, second)
    with django_capture_on_commit_callbacks(execute=True):
        assert signup(activity, third).status == S.WAITING
        assert signup(activity, fourth).status == S.WAITING
    assert queue(activity) == [third.name, fourth.name]
    assert "候补" in mailoutbox[-1].subject
    assert "第 2 位" in mailoutbox[-1].body


def test_without_a_waiting_list_a_full_activity_refuses(tree, make_members):
    activity = ActivityFactory(unit=tree["union_a"], capacity=1, waiting_list=False)
    first, second = make_members(2)
    signup(activity, first)
    with pytest.raises(ValidationError, match="满"):
        signup(activity, second)
    assert activity.registrations.count() == 1


def test_a_worker_cannot_sign_up_twice(activity, worker):
    signup(activity, worker)
    with pytest.raises(ValidationError):
        signup(activity, worker)
    assert activity.registrations.count() == 1


def test_the_database_refuses_a_second_registration_for_the_same_member(activity, worker):
    Registration.objects.create(activity=activity, member=worker, status=S.CONFIRMED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(activity=activity, member=worker, status=S.CANCELLED)


def test_the_database_refuses_a_capacity_of_zero_and_an_end_before_the_start(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(unit=tree["union_a"], capacity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        start = timezone.now() + timedelta(days=1)
        ActivityFactory(unit=tree["union_a"], starts_at=start, ends_at=start - timedelta(hours=1))


def test_cancelling_a_place_promotes_the_first_waiting_worker_and_e_mails_them(
    activity, make_members, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third, fourth = make_members(4)
    for member in (first, second, third, fourth):
        signup(activity, member)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first.activity_registrations.get(), by=first.user)
    assert statuses(activity) == {
        first.name: S.CANCELLED,
        second.name: S.CONFIRMED,
        third.name: S.CONFIRMED,
        fourth.name: S.WAITING,
    }
    assert queue(activity) == [fourth.name]
    assert [m.to for m in mailoutbox] == [[third.user.email]]
    assert "递补" in mailoutbox[0].subject
    event = third.activity_registrations.get().events.last()
    assert (event.from_state, event.to_state) == (S.WAITING, S.CONFIRMED)


def test_promotion_follows_the_order_of_sign_up(activity, make_members):
    members = make_members(6)
    for member in members:
        signup(activity, member)
    waiting = [m.name for m in members[2:]]
    assert queue(activity) == waiting
    for holder in members[:2]:
        services.registration_cancel(registration=holder.activity_registrations.get(), by=holder.user)
    assert queue(activity) == waiting[2:]
    assert activity.registrations.filter(status=S.CONFIRMED).count() == 2


def test_leaving_the_waiting_list_keeps_the_others_in_order(activity, make_members):
    members = make_members(5)
    for member in members:
        signup(activity, member)
    services.registration_cancel(registration=members[3].activity_registrations.get(), by=members[3].user)
    assert queue(activity) == [members[2].name, members[4].name]
    assert activity.registrations.filter(status=S.CONFIRMED).count() == 2


def test_signing_up_again_after_cancelling_joins_the_end_of_the_queue(activity, make_members):
    members = make_members(4)
    for member in members:
        signup(activity, member)
    services.registration_cancel(registration=members[2].activity_registrations.get(), by=members[2].user)
    again = signup(activity, members[2])
    assert again.status == S.WAITING
    assert queue(activity) == [members[3].name, members[2].name]


def test_raising_the_capacity_promotes_in_order(activity, make_members, officer):
    members = make_members(5)
    for member in members:
        signup(activity, member)
    promoted = services.activity_capacity_change(activity=activity, capacity=4, by=officer)
    assert [r.member.name for r in promoted] == [members[2].name, members[3].name]
    assert queue(activity) == [members[4].name]


def test_the_capacity_cannot_go_below_the_places_taken(activity, make_members, officer):
    for member in make_members(2):
        signup(activity, member)
    with pytest.raises(ValidationError):
        services.activity_capacity_change(activity=activity, capacity=1, by=officer)
    activity.refresh_from_db()
    assert activity.capacity == 2


def test_only_an_officer_of_the_unit_changes_the_capacity(activity, sibling_officer, worker):
    for by in (sibling_officer, worker.user):
        with pytest.raises(PermissionDenied):
            services.activity_capacity_change(activity=activity, capacity=5, by=by)


def test_sign_up_waits_for_its_window(tree, worker):
    opens = timezone.now() + timedelta(days=1)
    activity = ActivityFactory(unit=tree["union_a"], signup_opens_at=opens, signup_closes_at=opens + timedelta(days=1))
    with pytest.raises(ValidationError, match="报名"), translation.override("zh-hans"):
        signup(activity, worker)
    with time_machine.travel(opens + timedelta(minutes=1)):
        assert signup(activity, worker).status == S.CONFIRMED


def test_sign_up_closes_at_its_closing_time(tree, worker):
    closes = timezone.now() + timedelta(hours=1)
    activity = ActivityFactory(unit=tree["union_a"], signup_closes_at=closes)
    with time_machine.travel(closes + timedelta(seconds=1)), pytest.raises(ValidationError):
        signup(activity, worker)


@pytest.mark.parametrize("status", [Activity.Status.DRAFT, Activity.Status.CANCELLED])
def test_drafts_and_cancelled_activities_take_no_sign_ups(tree, worker, status):
    activity = ActivityFactory(unit=tree["union_a"], status=status)
    with pytest.raises(ValidationError):
        signup(activity, worker)


def test_a_worker_cannot_cancel_online_after_the_cut_off(activity, worker, officer):
    registration = signup(activity, worker)
    late = activity.starts_at - activity.cancellation_cutoff + timedelta(minutes=1)
    with time_machine.travel(late):
        with pytest.raises(ValidationError):
            services.registration_cancel(registration=registration, by=worker.user)
        # the officer still can, until the start
        services.registration_cancel(registration=registration, by=officer, note="本人电话请假")
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert registration.events.last().note == "本人电话请假"


def test_an_officer_cancelling_a_place_tells_the_worker(
    activity, worker, officer, mailoutbox, django_capture_on_commit_callbacks
):
    registration = signup(activity, worker)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, by=officer, note="名额调整")
    assert len(mailoutbox) == 1 and "名额调整" in mailoutbox[0].body


def test_another_worker_cannot_cancel_my_registration(activity, worker, other_worker):
    registration = signup(activity, worker)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, by=other_worker.user)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_an_officer_may_sign_a_member_up_but_only_in_their_subtree(activity, worker, officer, sibling_officer):
    with pytest.raises(PermissionDenied):
        services.registration_signup(activity=activity, member=worker, by=sibling_officer)
    registration = services.registration_signup(activity=activity, member=worker, by=officer)
    assert registration.events.get().by == officer


def test_each_mail_is_queued_once_per_change(activity, worker):
    registration = signup(activity, worker)
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == 1 and keys[0].startswith(f"activity-registration:signup:{registration.pk}:")
    assert registration.events.get().to_state == S.CONFIRMED
    services.registration_cancel(registration=registration, by=worker.user)
    signup(activity, worker)  # signing up again is a new change: a mail of its own
    assert Notification.objects.filter(key__startswith=f"activity-registration:signup:{registration.pk}:").count() == 2


def test_cancelling_the_activity_e_mails_everyone_signed_up(
    activity, make_members, officer, mailoutbox, django_capture_on_commit_callbacks
):
    members = make_members(3)
    for member in members:
        signup(activity, member)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.activity_cancel(activity=activity, by=officer, reason="台风预警，活动取消")
    assert told == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.user.email for m in members)
    assert all("台风预警" in m.body and "取消" in m.subject for m in mailoutbox)
    assert set(activity.registrations.values_list("status", flat=True)) == {S.CANCELLED}
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED


def test_cancelling_an_activity_needs_a_reason_and_the_permission(activity, officer, worker, sibling_officer):
    with pytest.raises(ValidationError):
        services.activity_cancel(activity=activity, by=officer, reason=" ")
    with pytest.raises(PermissionDenied):
        services.activity_cancel(activity=activity, by=sibling_officer, reason="理由")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED


def test_publishing_a_draft(tree, officer):
    draft = ActivityFactory(unit=tree["union_a"], status=Activity.Status.DRAFT)
    services.activity_publish(activity=draft, by=officer)
    draft.refresh_from_db()
    assert draft.status == Activity.Status.PUBLISHED
    with pytest.raises(ValidationError):
        services.activity_publish(activity=draft, by=officer)
