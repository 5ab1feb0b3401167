from feedback import services
from feedback.models import FeedbackMessage


def test_the_author_reads_their_named_item_and_its_conversation(named_item, worker, officer, client):
    services.feedback_answer(feedback=named_item, by=officer, text="已转后勤。")
    client.force_login(worker.user)
    page = client.get(named_item.get_absolute_url()).content.decode()
    assert named_item.body in page
    assert "已转后勤。" in page


def test_other_workers_cannot_read_a_private_item(named_item, other_worker, outsider, client):
    for intruder in (other_worker, outsider):
        client.force_login(intruder.user)
        assert client.get(named_item.get_absolute_url()).status_code == 404
        assert client.post(f"/feedback/{named_item.pk}/reply/", {"text": "看看"}).status_code == 404
        assert client.post(f"/feedback/{named_item.pk}/support/").status_code == 404
    assert not FeedbackMessage.objects.exists()


def test_nobody_reads_an_unpublished_anonymous_item_on_the_worker_pages(anonymous_item, worker, other_worker, client):
    item, _ = anonymous_item
    for person in (worker, other_worker):  # not even its author: only the code opens it
        client.force_login(person.user)
        assert client.get(item.get_absolute_url()).status_code == 404


def test_a_published_item_is_readable_without_the_private_conversation(named_item, officer, other_worker, client):
    services.feedback_answer(feedback=named_item, by=officer, text="私下答复：已联系食堂经理。")
    services.feedback_publish(feedback=named_item, by=officer, official_answer="公开答复：延长供餐。")
    client.force_login(other_worker.user)
    page = client.get(named_item.get_absolute_url()).content.decode()
    assert "公开答复：延长供餐。" in page
    assert "私下答复" not in page
    assert "李娟" not in page  # the board never names the author


def test_a_published_item_stays_hidden_from_another_union(named_item, officer, outsider, client):
    services.feedback_publish(feedback=named_item, by=officer, official_answer="延长供餐。")
    client.force_login(outsider.user)
    assert client.get(named_item.get_absolute_url()).status_code == 404


def test_the_author_replies_on_their_item(named_item, worker, client):
    client.force_login(worker.user)
    response = client.post(f"/feedback/{named_item.pk}/reply/", {"text": "周末也一样"})
    assert response.status_code == 302
    assert named_item.messages.get().text == "周末也一样"


def test_an_empty_reply_saves_nothing(named_item, worker, client):
    client.force_login(worker.user)
    client.post(f"/feedback/{named_item.pk}/reply/", {"text": ""})
    assert not named_item.messages.exists()


def test_my_feedback_lists_named_items_only(named_item, anonymous_item, worker, other_worker, client):
    item, _ = anonymous_item
    client.force_login(worker.user)
    response = client.get("/feedback/mine/")
    assert list(response.context["items"]) == [named_item]
    client.force_login(other_worker.user)
    assert list(client.get("/feedback/mine/").context["items"]) == []


def test_a_malformed_item_address_is_a_404(worker, client):
    client.force_login(worker.user)
    assert client.get("/feedback/not-a-uuid/").status_code == 404
    assert client.get("/feedback/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_my_feedback_is_a_list_of_cards_each_titled_by_its_link_in_either_language(named_item, worker, client):
    client.force_login(worker.user)
    for language in ("zh-hans", "en"):
        worker.user.language = language
        worker.user.save(update_fields=["language"])
        page = client.get("/feedback/mine/").content.decode()
        assert "<table" not in page  # no four squeezed columns on a phone
        link = f'<a class="card-link" href="{named_item.get_absolute_url()}"><span class="title">{named_item.title}'
        assert link in page
