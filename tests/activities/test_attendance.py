"""Check-in (admin bulk action, member card scan) and no-shows."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activities import services
from activities.models import Registration
from members.services import member_card_token

S = Registration.Status


@pytest.fixture
def confirmed(activity, worker):
    return services.registration_signup(activity=activity, member=worker, by=worker.user)


def at_start(activity):
    return time_machine.travel(activity.starts_at - timedelta(minutes=30), tick=False)


def test_an_officer_checks_a_confirmed_member_in(activity, confirmed, officer):
    with at_start(activity):
        services.registration_check_in(registration=confirmed, by=officer)
    confirmed.refresh_from_db()
    assert confirmed.status == S.ATTENDED
    assert confirmed.checked_in_by == officer
    assert confirmed.events.last().to_state == S.ATTENDED


def test_check_in_opens_two_hours_before_the_start(activity, confirmed, officer):
    with pytest.raises(ValidationError):
        services.registration_check_in(registration=confirmed, by=officer)


def test_a_waiting_member_cannot_be_checked_in(activity, make_members, officer):
    members = make_members(3)
    for member in members:
        services.registration_signup(activity=activity, member=member, by=member.user)
    waiting = activity.registrations.get(status=S.WAITING)
    with at_start(activity), pytest.raises(ValidationError):
        services.registration_check_in(registration=waiting, by=officer)


def test_an_officer_of_another_union_cannot_check_in(activity, confirmed, sibling_officer, worker):
    with at_start(activity):
        for by in (sibling_officer, worker.user):
            with pytest.raises(PermissionDenied):
                services.registration_check_in(registration=confirmed, by=by)


def test_no_shows_are_recorded_after_the_activity(activity, make_members, officer):
    came, stayed_away = make_members(2)
    for member in (came, stayed_away):
        services.registration_signup(activity=activity, member=member, by=member.user)
    with at_start(activity):
        services.registration_check_in(registration=came.activity_registrations.get(), by=officer)
        with pytest.raises(ValidationError):
            services.no_shows_record(activity=activity, by=officer)
    with time_machine.travel(activity.ends_at + timedelta(minutes=5), tick=False):
        assert services.no_shows_record(activity=activity, by=officer) == 1
        assert services.no_shows_record_due() == 0
    assert came.activity_registrations.get().status == S.ATTENDED
    assert stayed_away.activity_registrations.get().status == S.NO_SHOW


def test_the_scheduler_records_no_shows_of_ended_activities(activity, confirmed):
    with time_machine.travel(activity.ends_at + timedelta(hours=1), tick=False):
        assert services.no_shows_record_due() == 1
    confirmed.refresh_from_db()
    assert confirmed.status == S.NO_SHOW


def test_a_no_show_can_still_be_checked_in_afterwards(activity, confirmed, officer):
    with time_machine.travel(activity.ends_at + timedelta(minutes=5), tick=False):
        services.no_shows_record(activity=activity, by=officer)
        services.registration_check_in(registration=confirmed, by=officer)
    confirmed.refresh_from_db()
    assert confirmed.status == S.ATTENDED


def test_the_admin_checks_in_selected_participants(staff_client, activity, make_members, officer):
    members = make_members(3)
    for member in members:
        services.registration_signup(activity=activity, member=member, by=member.user)
    ids = list(activity.registrations.values_list("pk", flat=True))
    with at_start(activity):
        response = staff_client(officer).post(
            reverse("admin:activities_registration_changelist"),
            {"action": "check_in_selected", "_selected_action": ids},
            follow=True,
        )
    assert response.status_code == 200
    assert activity.registrations.filter(status=S.ATTENDED).count() == 2
    messages = [str(m) for m in response.context["messages"]]
    assert "已为 2 人签到。" in messages
    assert any(m.startswith(members[2].name) and "没有已确认的名额" in m for m in messages)  # the waiting one


def test_scanning_a_member_card_lists_the_officers_activities_and_checks_in(
    client, activity, confirmed, officer, worker, staff_client
):
    token = member_card_token(worker)
    client = staff_client(officer)
    with at_start(activity):
        page = client.get(reverse("members:card-scan", args=[token]))
        assert page.status_code == 200
        assert activity.title in page.content.decode()
        assert reverse("activities:check-in", args=[token]) in page.content.decode()
        response = client.post(reverse("activities:check-in", args=[token]), {"registration": confirmed.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:card-scan", args=[token])
    confirmed.refresh_from_db()
    assert confirmed.status == S.ATTENDED


def test_the_scan_page_offers_nothing_before_check_in_opens(activity, confirmed, officer, worker, staff_client):
    token = member_card_token(worker)
    page = staff_client(officer).get(reverse("activities:check-in", args=[token]))
    assert page.status_code == 200
    assert 'name="registration"' not in page.content.decode()


def test_a_posted_registration_outside_the_list_is_refused(
    activity, confirmed, officer, worker, other_worker, staff_client
):
    other = services.registration_signup(activity=activity, member=other_worker, by=other_worker.user)
    token = member_card_token(worker)
    with at_start(activity):
        client = staff_client(officer)
        client.post(reverse("activities:check-in", args=[token]), {"registration": other.pk})
        client.post(reverse("activities:check-in", args=[token]), {"registration": "not a number"})
    other.refresh_from_db()
    assert other.status == S.CONFIRMED


def test_a_bad_or_foreign_card_is_a_404(activity, confirmed, worker, sibling_officer, staff_client, client):
    token = member_card_token(worker)
    assert staff_client(sibling_officer).get(reverse("activities:check-in", args=[token])).status_code == 404
    assert staff_client(sibling_officer).get(reverse("activities:check-in", args=["forged"])).status_code == 404
    client.force_login(worker.user)
    assert client.get(reverse("activities:check-in", args=[token])).status_code == 404
