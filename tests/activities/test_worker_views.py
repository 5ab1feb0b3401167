"""The worker's pages: list, detail, sign-up and cancel buttons, my activities, ratings."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from activities import services
from activities.models import Activity, EligibilityOverride, Rating, Registration
from members.models import Member
from tests.activities.factories import ActivityFactory
from tests.factories import UserFactory, add_unit

S = Registration.Status


@pytest.fixture
def worker_client(client, worker):
    client.force_login(worker.user)
    return client


def titles(response):
    return [row.activity.title for row in response.context["page"].object_list]


def test_the_list_shows_activities_of_the_workers_part_of_the_tree(worker_client, tree):
    ActivityFactory(unit=tree["root"], title="全市职工书法展")
    ActivityFactory(unit=tree["union_a"], title="甲厂读书会")
    ActivityFactory(unit=tree["union_b"], title="乙厂篮球赛")
    ActivityFactory(unit=tree["union_a"], title="草稿活动", status=Activity.Status.DRAFT)
    response = worker_client.get(reverse("activities:list"))
    assert response.status_code == 200
    assert titles(response) == ["全市职工书法展", "甲厂读书会"]


def test_each_card_names_the_unit_that_runs_the_activity(worker_client, tree):
    ActivityFactory(unit=tree["root"], title="全市职工书法展")
    ActivityFactory(unit=tree["union_a"], title="甲厂读书会")
    shown = cards(worker_client.get(reverse("activities:list")))
    assert tree["root"].name in shown["全市职工书法展"]
    assert tree["union_a"].name in shown["甲厂读书会"]
    assert tree["union_a"].path not in shown["甲厂读书会"]


def test_the_list_also_shows_what_the_worker_signed_up_for_or_was_let_into_elsewhere(
    worker_client, tree, worker, officer, make_members
):
    """A worker who moved from union B keeps seeing B's activity they signed up for, and one
    an officer let them into; nothing else of union B."""
    ActivityFactory(unit=tree["union_b"], title="乙厂篮球赛")
    signed_up = ActivityFactory(unit=tree["union_b"], title="乙厂读书会")
    let_in = ActivityFactory(unit=tree["union_b"], title="乙厂合唱团")
    Registration.objects.create(activity=signed_up, member=worker, status=S.CONFIRMED)
    EligibilityOverride.objects.create(activity=let_in, member=worker, reason="借调到乙厂", by=officer)
    ActivityFactory(unit=tree["union_a"], title="甲厂讲座")
    response = worker_client.get(reverse("activities:list"))
    assert sorted(titles(response)) == sorted(["乙厂读书会", "乙厂合唱团", "甲厂讲座"])
    shown = cards(response)
    assert "我： 已确认" in shown["乙厂读书会"]
    assert "剩余 10 个名额（共 10 个）" in shown["乙厂合唱团"]  # the exception lets them in


def test_the_list_filters_by_category_and_for_me(worker_client, tree):
    ActivityFactory(unit=tree["union_a"], title="读书会", category=Activity.Category.LEARNING)
    ActivityFactory(unit=tree["union_a"], title="篮球赛", category=Activity.Category.CULTURE_SPORT)
    ActivityFactory(
        unit=tree["union_a"], title="男子足球", category=Activity.Category.CULTURE_SPORT, gender=Member.Gender.MALE
    )
    url = reverse("activities:list")
    assert titles(worker_client.get(url, {"category": "culture_sport"})) == ["篮球赛", "男子足球"]
    assert titles(worker_client.get(url, {"category": "culture_sport", "for_me": "on"})) == ["篮球赛"]


def cards(response) -> dict[str, str]:
    """Each card of the list, by the activity's title: its text without tags or extra spaces."""
    page = response.content.decode()
    found = {}
    for card in page.split('<li class="card">')[1:]:
        text = " ".join(re.sub(r"<[^>]+>", " ", card[: card.index("</li>")]).split())
        title = re.search(r"<h2><a [^>]*>([^<]+)</a>", card).group(1)
        found[title] = text
    return found


def test_each_card_says_whether_the_worker_can_take_part_and_why_not(
    worker_client, tree, worker, officer, make_members
):
    signed_up = ActivityFactory(unit=tree["union_a"], title="已报名的讲座")
    services.registration_signup(activity=signed_up, member=worker, by=worker.user)
    ActivityFactory(unit=tree["union_a"], title="男子篮球赛", gender=Member.Gender.MALE)
    excepted = ActivityFactory(unit=tree["union_a"], title="破例的足球赛", gender=Member.Gender.MALE)
    services.eligibility_override_grant(activity=excepted, member=worker, reason="队里缺人", by=officer)
    other_branch = add_unit(tree["union_a"], "甲厂二车间", "branch")
    ActivityFactory(unit=tree["union_a"], title="二车间的培训", eligible_units=[other_branch])
    ActivityFactory(unit=tree["union_a"], title="还有名额的讲座", capacity=10)
    first, second = make_members(2)
    full = ActivityFactory(unit=tree["union_a"], title="满员的登山", capacity=1)
    closed = ActivityFactory(unit=tree["union_a"], title="满员的合唱排练", capacity=1, waiting_list=False)
    for activity in (full, closed):
        services.registration_signup(activity=activity, member=first, by=first.user)
    services.registration_signup(activity=full, member=second, by=second.user)  # waiting: takes no place
    shown = cards(worker_client.get(reverse("activities:list")))
    assert "我： 已确认" in shown["已报名的讲座"]
    assert "你不符合条件： 本活动仅限男会员参加。" in shown["男子篮球赛"]
    assert "剩余 10 个名额（共 10 个）" in shown["破例的足球赛"]
    assert "你不符合条件： 本活动面向甲厂二车间的会员。" in shown["二车间的培训"]
    assert "剩余 10 个名额（共 10 个）" in shown["还有名额的讲座"]
    assert "已满员，可报名候补" in shown["满员的登山"]
    assert shown["满员的合唱排练"].endswith("已满员")


def test_a_lottery_card_says_places_are_drawn(worker_client, lottery):
    assert "2 个名额，报名截止后抽签" in cards(worker_client.get(reverse("activities:list")))[lottery.title]


def test_the_list_pages_through_many_activities_and_keeps_the_filter(worker_client, tree):
    soon = timezone.now() + timedelta(days=3)
    for n in range(25):
        ActivityFactory(
            unit=tree["union_a"],
            title=f"读书会第{n + 1:02d}期",
            starts_at=soon + timedelta(hours=n),
            ends_at=soon + timedelta(hours=n, minutes=90),
        )
    ActivityFactory(unit=tree["union_a"], title="篮球赛", category=Activity.Category.CULTURE_SPORT)
    url = reverse("activities:list")
    first = worker_client.get(url, {"category": "learning"})
    assert titles(first) == [f"读书会第{n:02d}期" for n in range(1, 21)]
    page = first.content.decode()
    assert "第 1 页，共 2 页" in page
    assert 'href="?category=learning&amp;page=2"' in page
    second = worker_client.get(url, {"category": "learning", "page": "2"})
    assert titles(second) == [f"读书会第{n:02d}期" for n in range(21, 26)]
    assert 'href="?category=learning&amp;page=1"' in second.content.decode()
    shown = cards(second)
    assert "剩余 10 个名额（共 10 个）" in shown["读书会第25期"]


def test_the_filter_form_keeps_the_choice_and_says_what_is_wrong(worker_client, activity):
    url = reverse("activities:list")
    page = worker_client.get(url, {"category": "care", "for_me": "on"}).content.decode()
    assert '<option value="care" selected>' in page
    assert 'name="for_me" id="id_for_me" checked' in page
    page = worker_client.get(url, {"category": "<script>"}).content.decode()
    assert 'aria-invalid="true"' in page and "<script>" not in page
    assert '<div class="error" id="id_category_error">' in page


def test_the_list_shrugs_off_bad_filters(worker_client, activity):
    response = worker_client.get(reverse("activities:list"), {"category": "<script>", "page": "999x"})
    assert response.status_code == 200
    assert titles(response) == [activity.title]


def test_the_list_tells_a_worker_without_a_profile_what_to_do(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("activities:list"))
    assert response.status_code == 200
    assert reverse("members:profile-create") in response.content.decode()


def test_the_list_needs_a_login(client, activity):
    assert client.get(reverse("activities:list")).status_code == 302


def test_the_detail_page_says_why_a_worker_cannot_sign_up(worker_client, tree):
    hike = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.MALE)
    page = worker_client.get(reverse("activities:detail", args=[hike.pk])).content.decode()
    assert "本活动仅限男会员参加。" in page
    assert reverse("activities:signup", args=[hike.pk]) not in page


def test_the_detail_page_offers_sign_up_then_cancel(worker_client, activity, worker):
    url = reverse("activities:detail", args=[activity.pk])
    assert reverse("activities:signup", args=[activity.pk]) in worker_client.get(url).content.decode()
    response = worker_client.post(reverse("activities:signup", args=[activity.pk]))
    assert response.status_code == 302 and response["Location"] == url
    assert worker.activity_registrations.get().status == S.CONFIRMED
    page = worker_client.get(url).content.decode()
    assert reverse("activities:cancel", args=[activity.pk]) in page
    worker_client.post(reverse("activities:cancel", args=[activity.pk]))
    assert worker.activity_registrations.get().status == S.CANCELLED


def test_a_refused_sign_up_shows_the_reason_and_saves_nothing(worker_client, tree, worker):
    hike = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.MALE)
    response = worker_client.post(reverse("activities:signup", args=[hike.pk]), follow=True)
    assert response.status_code == 200
    assert "本活动仅限男会员参加。" in [str(m) for m in response.context["messages"]]
    assert not Registration.objects.exists()


def test_sign_up_is_post_only(worker_client, activity):
    assert worker_client.get(reverse("activities:signup", args=[activity.pk])).status_code == 405


def test_an_activity_of_another_union_or_a_draft_is_a_404(worker_client, tree):
    other = ActivityFactory(unit=tree["union_b"])
    draft = ActivityFactory(unit=tree["union_a"], status=Activity.Status.DRAFT)
    for activity in (other, draft):
        for name in ("detail", "calendar", "rate"):
            assert worker_client.get(reverse(f"activities:{name}", args=[activity.pk])).status_code == 404
        for name in ("signup", "cancel"):
            assert worker_client.post(reverse(f"activities:{name}", args=[activity.pk])).status_code == 404
    assert not Registration.objects.exists()


def test_another_workers_registration_cannot_be_seen_or_changed(client, activity, worker, other_worker):
    registration = services.registration_signup(activity=activity, member=worker, by=worker.user)
    client.force_login(other_worker.user)
    assert client.get(reverse("activities:registration", args=[registration.pk])).status_code == 404
    assert client.post(reverse("activities:cancel", args=[activity.pk])).status_code == 404
    page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert worker.name not in page
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_my_registration_page_shows_its_history(worker_client, activity, worker, make_members):
    first, second = make_members(2)
    for member in (first, second, worker):
        services.registration_signup(activity=activity, member=member, by=member.user)
    services.registration_cancel(registration=first.activity_registrations.get(), by=first.user)
    registration = worker.activity_registrations.get()
    page = worker_client.get(reverse("activities:registration", args=[registration.pk])).content.decode()
    timeline = page[page.index('class="timeline"') :]
    assert timeline.index("候补中") < timeline.index("已确认")  # joined the queue, then promoted


def test_my_activities_sorts_upcoming_waiting_and_past(worker_client, tree, worker, make_members):
    upcoming = ActivityFactory(unit=tree["union_a"], title="下周的讲座")
    full = ActivityFactory(unit=tree["union_a"], title="满员的活动", capacity=1)
    past = ActivityFactory(unit=tree["union_a"], title="上个月的运动会")
    services.registration_signup(activity=upcoming, member=worker, by=worker.user)
    (someone,) = make_members(1)
    services.registration_signup(activity=full, member=someone, by=someone.user)
    services.registration_signup(activity=full, member=worker, by=worker.user)
    services.registration_signup(activity=past, member=worker, by=worker.user)
    Activity.objects.filter(pk=past.pk).update(
        starts_at=past.starts_at - timedelta(days=40), ends_at=past.ends_at - timedelta(days=40)
    )
    response = worker_client.get(reverse("activities:mine"))
    context = response.context
    assert [r.activity.title for r in context["upcoming"]] == ["下周的讲座"]
    assert [(r.activity.title, r.queue_position) for r in context["waiting"]] == [("满员的活动", 1)]
    assert [r.activity.title for r in context["past"]] == ["上个月的运动会"]


def test_an_attendee_rates_the_activity_after_it(worker_client, activity, worker, officer):
    registration = services.registration_signup(activity=activity, member=worker, by=worker.user)
    url = reverse("activities:rate", args=[activity.pk])
    with time_machine.travel(activity.starts_at, tick=False):
        services.registration_check_in(registration=registration, by=officer)
    response = worker_client.post(url, {"score": "5", "comment": "讲得很实用"})
    assert response.status_code == 200 and not Rating.objects.exists()  # not over yet
    with time_machine.travel(activity.ends_at + timedelta(hours=1)):
        assert worker_client.post(url, {"score": "9"}).status_code == 200  # bad input: the form again
        response = worker_client.post(url, {"score": "5", "comment": "讲得很实用"})
        assert response.status_code == 302
        worker_client.post(url, {"score": "4", "comment": "改一下"})
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (4, "改一下")


def test_a_worker_who_did_not_come_cannot_rate(worker_client, activity, worker):
    services.registration_signup(activity=activity, member=worker, by=worker.user)
    with time_machine.travel(activity.ends_at + timedelta(hours=1)):
        response = worker_client.post(reverse("activities:rate", args=[activity.pk]), {"score": "1"})
    assert response.status_code == 200
    assert not Rating.objects.exists()


def test_pages_render_in_english_for_an_english_speaking_worker(client, activity, worker):
    worker.user.language = "en"
    worker.user.save()
    client.force_login(worker.user)
    with translation.override("en"):
        page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "Sign up" in page


def test_the_sign_up_button_reads_baoming_not_the_account_word_zhuce(client, activity, worker):
    """Issue 16 item 3: "Sign up" for an activity is 报名; 注册 means creating an account."""
    worker.user.language = "zh-hans"
    worker.user.save()
    client.force_login(worker.user)
    with translation.override("zh-hans"):
        page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
        signup = translation.gettext("Sign up")
    button = re.search(r'<button type="submit" class="primary">([^<]*)</button>', page)
    assert button and button.group(1) == "报名"
    assert signup == "注册"  # the account word keeps its own meaning
