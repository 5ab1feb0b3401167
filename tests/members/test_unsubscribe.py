import pytest
from django.test import Client
from django.urls import reverse

from members import notify
from members import services as member_services
from members.models import Member
from notifications.models import Notification
from tests.notifications.helpers import greetings_queued_on_a_birthday, sweep_after_grace


@pytest.fixture
def link(worker):
    return reverse("mail:unsubscribe", args=[notify.unsubscribe_token_for(member=worker)])


def test_opening_the_link_asks_first_and_changes_nothing(client, worker, link):
    response = client.get(link)
    assert response.status_code == 200
    assert "李娟" in response.content.decode()
    worker.refresh_from_db()
    assert worker.wants_optional_mail


def test_confirming_on_the_page_unsubscribes(client, worker, link):
    response = client.post(link)
    assert response.status_code == 200
    worker.refresh_from_db()
    assert not worker.wants_optional_mail


def test_a_mail_providers_one_click_post_needs_no_cookie_or_csrf_token(worker, link):
    response = Client(enforce_csrf_checks=True).post(
        link, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    worker.refresh_from_db()
    assert not worker.wants_optional_mail


@pytest.mark.parametrize("token", ["nonsense", "1:forged-signature", ""])
def test_a_forged_or_mangled_token_is_not_found(client, worker, token):
    url = f"/notifications/unsubscribe/{token}/" if token else "/notifications/unsubscribe//"
    assert client.post(url).status_code == 404
    worker.refresh_from_db()
    assert worker.wants_optional_mail


def test_a_token_cannot_be_turned_into_another_members(client, worker, other_worker):
    token = notify.unsubscribe_token_for(member=worker)
    value, signature = token.split(":", 1)
    forged = f"{other_worker.pk}:{signature}"
    assert client.post(reverse("mail:unsubscribe", args=[forged])).status_code == 404
    other_worker.refresh_from_db()
    assert other_worker.wants_optional_mail


def test_an_unsubscribed_member_gets_no_greeting_but_still_gets_transactional_mail(
    worker, officer, mailoutbox, django_capture_on_commit_callbacks
):
    member_services.optional_mail_set(member=worker, wanted=False)
    with django_capture_on_commit_callbacks(execute=True):
        greetings_queued_on_a_birthday(worker)
        member_services.membership_change(member=worker, to=Member.Status.SUSPENDED, by=officer, note="欠费")
    assert [m.to for m in mailoutbox] == [["worker@example.cn"]]
    assert "会籍" in mailoutbox[0].subject


def test_a_greeting_queued_before_unsubscribing_is_not_sent(worker, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        greetings_queued_on_a_birthday(worker)
    member_services.optional_mail_set(member=worker, wanted=False)
    assert sweep_after_grace() == 0
    assert mailoutbox == []
    assert Notification.objects.get().status == Notification.Status.SKIPPED


def test_the_profile_shows_the_setting_and_saves_it(client, worker):
    client.force_login(worker.user)
    page = client.get(reverse("members:profile")).content.decode()
    assert 'name="wants_optional_mail"' in page
    assert 'id="id_wants_optional_mail" aria-describedby="id_wants_optional_mail_helptext" checked' in page
    response = client.post(reverse("mail:preferences"), {})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert not worker.wants_optional_mail
    page = client.get(reverse("members:profile")).content.decode()
    assert 'aria-describedby="id_wants_optional_mail_helptext" checked' not in page
    client.post(reverse("mail:preferences"), {"wants_optional_mail": "on"})
    worker.refresh_from_db()
    assert worker.wants_optional_mail


def test_the_preferences_page_needs_a_login(client):
    response = client.get(reverse("mail:preferences"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_choice_is_kept_in_the_members_history(worker):
    member_services.optional_mail_set(member=worker, wanted=False)
    assert [h.wants_optional_mail for h in worker.history.order_by("history_date")][-1] is False
