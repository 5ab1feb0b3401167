"""The check-in screen at the door: card number or scanned card, who it is, place or not, live counts, undo."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from activities.models import Registration
from members.services import member_card_token

S = Registration.Status


def at_start(activity):
    return time_machine.travel(activity.starts_at - timedelta(minutes=30), tick=False)


@pytest.fixture
def door(activity):
    return reverse("admin:activities_activity_door", args=[activity.pk])


@pytest.fixture
def three_and_one_waiting(activity, make_members):
    activity.capacity = 3
    activity.save()
    members = make_members(4)
    for member in members:
        services.registration_signup(activity=activity, member=member, by=member.user)
    return members


def _status(activity, member):
    return Registration.objects.get(activity=activity, member=member).status


def test_a_volunteer_checks_three_members_in_by_card_number_and_undoes_one(
    activity, three_and_one_waiting, officer, staff_client, door
):
    client = staff_client(officer)
    first, second, third, waiting = three_and_one_waiting
    with at_start(activity):
        for member in (first, second, third):
            response = client.post(door, {"card": member.membership_number.lower()})
            assert response.status_code == 200
            assert "door-checked_in" in response.content.decode() and member.name in response.content.decode()
        assert response.context["counts"] == {"expected": 3, "checked_in": 3, "waiting": 1}
        undo = Registration.objects.get(activity=activity, member=second)
        response = client.post(door, {"undo": undo.pk})
    assert response.context["counts"]["checked_in"] == 2
    assert [_status(activity, m) for m in (first, second, third)] == [S.ATTENDED, S.CONFIRMED, S.ATTENDED]
    undo.refresh_from_db()
    assert undo.checked_in_at is None and undo.events.last().to_state == S.CONFIRMED


def test_the_screen_says_who_is_on_the_waiting_list_and_who_is_already_in(
    activity, three_and_one_waiting, officer, staff_client, door
):
    client = staff_client(officer)
    first, *_, waiting = three_and_one_waiting
    with at_start(activity):
        page = client.post(door, {"card": waiting.membership_number}).content.decode()
        assert "door-no_place" in page and waiting.name in page and "候补" in page
        client.post(door, {"card": first.membership_number})
        assert "door-already" in client.post(door, {"card": first.membership_number}).content.decode()
    assert _status(activity, waiting) == S.WAITING


def test_a_scanned_card_address_finds_the_member(activity, three_and_one_waiting, officer, staff_client, door):
    member = three_and_one_waiting[0]
    scanned = "https://portal.example.cn" + reverse("members:card-scan", args=[member_card_token(member)])
    with at_start(activity):
        page = staff_client(officer).post(door, {"card": scanned}).content.decode()
    assert "door-checked_in" in page
    assert _status(activity, member) == S.ATTENDED


def test_an_unknown_card_or_a_stranger_from_another_union_says_nothing_about_them(
    activity, three_and_one_waiting, outsider, officer, staff_client, door
):
    client = staff_client(officer)
    with at_start(activity):
        for text in ("GH0000000000", outsider.membership_number, "x" * 300, "/card/scan/forged/"):
            page = client.post(door, {"card": text}).content.decode()
            assert "door-unknown" in page
            assert outsider.name not in page


def test_huge_input_gets_a_message_not_an_error(activity, officer, staff_client, door):
    response = staff_client(officer).post(door, {"card": "9" * 5000})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert staff_client(officer).post(door, {"undo": "9" * 40}).status_code == 404


def test_an_officer_of_another_union_does_not_find_the_activity(activity, sibling_officer, staff_client, door):
    assert staff_client(sibling_officer).get(door).status_code == 404
    counts = reverse("admin:activities_activity_door_counts", args=[activity.pk])
    assert staff_client(sibling_officer).get(counts).status_code == 404


def test_the_counts_are_served_for_the_live_refresh(activity, three_and_one_waiting, officer, staff_client):
    url = reverse("admin:activities_activity_door_counts", args=[activity.pk])
    assert staff_client(officer).get(url).json() == {"expected": 3, "checked_in": 0, "waiting": 1}


def test_undo_refuses_a_member_who_is_not_checked_in(activity, three_and_one_waiting, officer):
    registration = Registration.objects.get(activity=activity, member=three_and_one_waiting[0])
    with pytest.raises(ValidationError):
        services.registration_check_in_undo(registration=registration, by=officer)


def test_the_screen_costs_the_same_queries_when_check_ins_double(activity, make_members, officer, staff_client, door):
    activity.capacity = 40
    activity.save()
    client = staff_client(officer)

    def add_and_check_in(n):
        with at_start(activity):
            for member in make_members(n):
                registration = services.registration_signup(activity=activity, member=member, by=member.user)
                services.registration_check_in(registration=registration, by=officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(door).status_code == 200
        return len(queries)

    add_and_check_in(3)
    before = count()
    add_and_check_in(6)
    assert count() == before
