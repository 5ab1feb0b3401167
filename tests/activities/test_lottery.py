"""The lottery: fewer places in the last 12 months first, reproducible, explained."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from activities import services
from activities.models import LotteryDraw, Registration
from notifications.models import Notification
from tests.activities.factories import ActivityFactory

S = Registration.Status


def enter(activity, members):
    return [services.registration_signup(activity=activity, member=m, by=m.user) for m in members]


def after_closing(activity):
    return time_machine.travel(activity.signup_closes_at + timedelta(minutes=1), tick=False)


def give_places(tree, member, n):
    """``n`` places held by ``member`` in activities of the last months."""
    for i in range(n):
        past = ActivityFactory(
            unit=tree["union_a"],
            starts_at=timezone.now() - timedelta(days=30 + i),
            ends_at=timezone.now() - timedelta(days=30 + i) + timedelta(hours=2),
        )
        Registration.objects.create(activity=past, member=member, status=S.ATTENDED)


def test_entries_wait_for_the_draw(lottery, make_members):
    registrations = enter(lottery, make_members(3))
    assert {r.status for r in registrations} == {S.PENDING}


def test_members_with_fewer_places_last_year_are_drawn_first(tree, lottery, make_members, officer):
    frequent, regular, newcomer, another_newcomer = make_members(4)
    give_places(tree, frequent, 3)
    give_places(tree, regular, 1)
    enter(lottery, [frequent, regular, newcomer, another_newcomer])
    with after_closing(lottery):
        draw = services.lottery_draw(activity=lottery, by=officer)
    winners = set(lottery.registrations.filter(status=S.CONFIRMED).values_list("member", flat=True))
    assert winners == {newcomer.pk, another_newcomer.pk}
    order = [row["member"] for row in sorted(draw.result, key=lambda row: row["rank"])]
    assert order[2:] == [regular.pk, frequent.pk]
    waiting = lottery.registrations.filter(status=S.WAITING).order_by("position").values_list("member", flat=True)
    assert list(waiting) == [regular.pk, frequent.pk]


def test_places_older_than_12_months_do_not_count(tree, lottery, make_members, officer):
    old_timer, other = make_members(2)
    long_ago = ActivityFactory(
        unit=tree["union_a"],
        starts_at=timezone.now() - timedelta(days=400),
        ends_at=timezone.now() - timedelta(days=400) + timedelta(hours=1),
    )
    Registration.objects.create(activity=long_ago, member=old_timer, status=S.ATTENDED)
    enter(lottery, [old_timer, other])
    with after_closing(lottery):
        draw = services.lottery_draw(activity=lottery, by=officer)
    assert {row["prior_places"] for row in draw.result} == {0}


def test_the_same_seed_and_entrants_give_the_same_order():
    entrants = [(i, i % 3) for i in range(1, 40)]
    first = services.lottery_order(entrants=entrants, seed="三八节2027")
    again = services.lottery_order(entrants=list(reversed(entrants)), seed="三八节2027")
    other = services.lottery_order(entrants=entrants, seed="another seed")
    assert first == again
    assert first != other
    # priority holds whatever the seed
    priors = dict(entrants)
    assert [priors[i] for i in first] == sorted(priors[i] for i in first)


def test_a_recorded_draw_can_be_rerun_and_checked(lottery, make_members, officer):
    enter(lottery, make_members(6))
    with after_closing(lottery):
        draw = services.lottery_draw(activity=lottery, by=officer, seed="fixed-seed")
    assert draw.seed == "fixed-seed"
    assert services.lottery_verify(draw=draw)
    draw.result[0]["rank"], draw.result[1]["rank"] = draw.result[1]["rank"], draw.result[0]["rank"]
    assert not services.lottery_verify(draw=draw)


def test_the_draw_is_explained_to_the_officer(lottery, make_members, officer):
    enter(lottery, make_members(5))
    with after_closing(lottery), translation.override("en"):
        draw = services.lottery_draw(activity=lottery, by=officer, seed="abc123")
    assert "5 members entered the draw for 2 places." in draw.explanation
    assert "abc123" in draw.explanation
    assert "Members with 0 earlier places: 5 entered, 2 got a place." in draw.explanation
    assert (draw.places, draw.entrants, draw.by) == (2, 5, officer)


def test_everybody_learns_the_result_by_e_mail(
    lottery, make_members, officer, mailoutbox, django_capture_on_commit_callbacks
):
    enter(lottery, make_members(3))
    mailoutbox.clear()
    with after_closing(lottery), django_capture_on_commit_callbacks(execute=True):
        services.lottery_draw(activity=lottery, by=officer)
    drawn = Notification.objects.filter(template__in=["activity-drawn", "activity-not-drawn"])
    assert sorted(drawn.values_list("template", flat=True)) == [
        "activity-drawn",
        "activity-drawn",
        "activity-not-drawn",
    ]
    assert len(mailoutbox) == 3
    loser = lottery.registrations.get(status=S.WAITING).member
    (mail,) = [m for m in mailoutbox if m.to == [loser.user.email]]
    assert "候补第 1 位" in mail.body


def test_places_are_drawn_only_after_sign_up_closes_and_only_once(lottery, make_members, officer):
    enter(lottery, make_members(3))
    with pytest.raises(ValidationError):
        services.lottery_draw(activity=lottery, by=officer)
    with after_closing(lottery):
        services.lottery_draw(activity=lottery, by=officer)
        with pytest.raises(ValidationError):
            services.lottery_draw(activity=lottery, by=officer)
    assert LotteryDraw.objects.count() == 1


def test_after_the_draw_a_cancellation_promotes_from_the_drawn_queue(lottery, make_members, officer):
    members = make_members(4)
    enter(lottery, members)
    with after_closing(lottery):
        services.lottery_draw(activity=lottery, by=officer)
        winner = lottery.registrations.filter(status=S.CONFIRMED).first()
        first_waiting = lottery.registrations.filter(status=S.WAITING).order_by("position").first()
        services.registration_cancel(registration=winner, by=winner.member.user)
    first_waiting.refresh_from_db()
    assert first_waiting.status == S.CONFIRMED


def test_without_a_waiting_list_the_others_are_not_drawn(lottery, make_members, officer):
    lottery.waiting_list = False
    lottery.save()
    enter(lottery, make_members(3))
    with after_closing(lottery):
        services.lottery_draw(activity=lottery, by=officer)
    assert sorted(lottery.registrations.values_list("status", flat=True)) == sorted(
        [S.CONFIRMED, S.CONFIRMED, S.NOT_DRAWN]
    )


def test_the_scheduler_draws_lotteries_whose_sign_up_has_closed(lottery, make_members):
    enter(lottery, make_members(3))
    assert services.lottery_draw_due() == 0
    with after_closing(lottery):
        assert services.lottery_draw_due() == 1
        assert services.lottery_draw_due() == 0
    assert lottery.registrations.filter(status=S.CONFIRMED).count() == 2


def test_an_entrant_sees_the_seed_their_place_and_can_check_the_draw_from_the_page(
    lottery, make_members, officer, client
):
    import random
    import re

    members = make_members(4)
    enter(lottery, members)
    with after_closing(lottery):
        draw = services.lottery_draw(activity=lottery, by=officer)
        client.force_login(members[0].user)
        page = client.get(f"/activities/{lottery.pk}/").content.decode()
    mine = next(row for row in draw.result if row["member"] == members[0].pk)
    assert f'<code class="seed">{draw.seed}</code>' in page
    assert f"你的抽签编号 {mine['registration']} 排在第 {mine['rank']} 位" in page
    assert "我们用同一个种子重新抽了一次，顺序完全相同。" in page
    assert not any(other.name in page for other in members[1:])  # numbers, never names
    # Follow the recipe printed on the page with the table printed on the page.
    table = re.findall(r"<tr(?: class=\"mine\")?><td>(\d+)</td><td>(\d+)(?: \(你\))?</td><td>(\d+)</td>", page)
    entries = sorted((int(number), int(prior)) for _rank, number, prior in table)
    rng = random.Random(draw.seed)
    tie = {number: rng.random() for number, _prior in entries}
    by_recipe = [number for number, prior in sorted(entries, key=lambda e: (e[1], tie[e[0]]))]
    shown = [int(number) for _rank, number, _prior in sorted(table, key=lambda row: int(row[0]))]
    assert by_recipe == shown


def test_the_list_card_says_sign_up_closed_and_drawn_not_drawn_when_sign_up_closes(
    lottery, make_members, officer, client
):
    entrant, latecomer = make_members(2)
    enter(lottery, [entrant])
    client.force_login(latecomer.user)
    assert "2 个名额，报名截止后抽签" in client.get("/activities/").content.decode()
    with after_closing(lottery):
        assert "报名已截止" in client.get("/activities/").content.decode()
        services.lottery_draw(activity=lottery, by=officer)
        page = client.get("/activities/").content.decode()
    assert "报名已截止：名额已抽出" in page
    assert "报名截止后抽签" not in page
