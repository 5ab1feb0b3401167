import re

import pytest

from feedback import services
from feedback.models import Feedback
from tests.factories import UserFactory


def _form(client, **data):
    nonce = client.get("/feedback/new/").context["form"].initial["nonce"]
    return {"category": "canteen", "title": "食堂菜价", "body": "最近菜价涨了不少。", "nonce": nonce, **data}


def test_a_named_item_is_saved_with_its_author_and_unit(worker, client):
    client.force_login(worker.user)
    response = client.post("/feedback/new/", _form(client))
    item = Feedback.objects.get()
    # Answered like an anonymous post (200, no redirect), with the way to the item.
    assert response.status_code == 200
    assert f'href="{item.get_absolute_url()}"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert (item.author, item.unit, item.anonymous, item.state) == (worker, worker.unit, False, "received")


def test_an_anonymous_item_shows_its_code_once(worker, client):
    client.force_login(worker.user)
    response = client.post("/feedback/new/", _form(client, anonymous="on"))
    code = re.search(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", response.content.decode()).group(0)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert services.feedback_for_code(code=code) == Feedback.objects.get()
    # Not in the session, and nowhere to be fetched again.
    assert code not in str(dict(client.session))
    assert code not in client.get("/feedback/mine/").content.decode()


def test_bad_input_is_explained_and_nothing_is_saved(worker, client):
    client.force_login(worker.user)
    response = client.post("/feedback/new/", _form(client, title="   ", category="nonsense"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "category"}
    assert not Feedback.objects.exists()


def test_sending_the_same_form_twice_saves_one_item(worker, client):
    client.force_login(worker.user)
    data = _form(client)
    client.post("/feedback/new/", data)
    second = client.post("/feedback/new/", data, follow=True)
    assert Feedback.objects.count() == 1
    assert "already sent" in second.content.decode() or "已经提交" in second.content.decode()


def test_anonymous_items_are_rate_limited_with_a_clear_message(worker, client, settings):
    settings.FEEDBACK_ANONYMOUS_PER_DAY = 2
    settings.LANGUAGE_CODE = "en"
    worker.user.language = "en"
    worker.user.save()
    client.force_login(worker.user)
    for _ in range(2):
        assert client.post("/feedback/new/", _form(client, anonymous="on")).status_code == 200
    response = client.post("/feedback/new/", _form(client, anonymous="on"))
    assert response.status_code == 200
    assert Feedback.objects.count() == 2
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "You have already sent 2 anonymous items today, the most we accept in one day. "
        "Please send this one tomorrow, or send it with your name."
    ]
    # A named item still goes through; and the limit is per worker.
    assert client.post("/feedback/new/", _form(client)).status_code == 200
    assert Feedback.objects.filter(anonymous=False).count() == 1


def test_the_rate_limit_is_per_worker_and_per_day(worker, other_worker, settings, time_machine):
    settings.FEEDBACK_ANONYMOUS_PER_DAY = 1
    time_machine.move_to("2026-03-02 10:00 +08:00")

    def send(member):
        return services.feedback_submit(member=member, category="hours", title="加班", body="太多", anonymous=True)

    send(worker)
    with pytest.raises(services.RateLimited):
        send(worker)
    send(other_worker)
    time_machine.move_to("2026-03-03 08:00 +08:00")
    send(worker)
    assert Feedback.objects.count() == 3


def test_an_anonymous_submission_writes_one_row_and_counts_in_the_cache_only(worker):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.feedback_submit(member=worker, category="hours", title="加班", body="太多", anonymous=True)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and '"feedback_feedback"' in writes[0]
    assert cache.get(services._anonymous_counter_key(worker)) == 1


def test_a_user_without_a_profile_is_sent_to_fill_it_in(client, db):
    client.force_login(UserFactory())
    response = client.get("/feedback/new/")
    assert response.status_code == 302
    assert response["Location"] == "/me/profile/new/"


def test_the_submit_page_needs_a_login(client, db):
    assert client.get("/feedback/new/").status_code == 302
