from feedback import services
from feedback.models import FeedbackMessage


def test_the_follow_up_code_opens_the_item_and_its_answer_without_logging_in(anonymous_item, officer, client):
    item, code = anonymous_item
    services.feedback_answer(feedback=item, by=officer, text="已通知安全科今天检修。")
    response = client.post("/feedback/follow-up/", {"code": code})
    page = response.content.decode()
    assert response.status_code == 200
    assert item.title in page
    assert "已通知安全科今天检修。" in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_code_is_forgiving_about_case_separators_and_look_alikes(anonymous_item, client):
    item, code = anonymous_item
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert item.title in client.post("/feedback/follow-up/", {"code": typed}).content.decode()


def test_a_wrong_code_shows_a_clear_message_and_nothing_else(anonymous_item, client):
    item, code = anonymous_item
    wrong = ("Z" if code[0] != "Z" else "Y") + code[1:]
    response = client.post("/feedback/follow-up/", {"code": wrong})
    page = response.content.decode()
    assert response.status_code == 200
    assert item.title not in page
    assert response.context["code_form"].errors["code"]


def test_a_malformed_code_is_refused_with_a_message(client):
    response = client.post("/feedback/follow-up/", {"code": "abc"})
    assert response.status_code == 200
    assert response.context["code_form"].errors["code"]


def test_many_wrong_codes_from_one_address_are_slowed_down(anonymous_item, client, settings):
    item, code = anonymous_item
    for _ in range(services.WRONG_CODES_PER_WINDOW):
        client.post("/feedback/follow-up/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    response = client.post("/feedback/follow-up/", {"code": code})
    assert response.status_code == 429
    assert item.title not in response.content.decode()


def test_the_author_replies_with_the_code_and_officers_see_the_reply_flagged(anonymous_item, client):
    item, code = anonymous_item
    response = client.post("/feedback/follow-up/", {"code": code, "text": "补充：是二号线东侧。"})
    assert response.status_code == 200
    message = FeedbackMessage.objects.get(feedback=item)
    assert (message.from_author, message.officer_id, message.text) == (True, None, "补充：是二号线东侧。")
    item.refresh_from_db()
    assert item.awaiting_answer is True


def test_a_reply_with_a_wrong_code_saves_nothing(anonymous_item, client):
    client.post("/feedback/follow-up/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "text": "冒充的回复"})
    assert not FeedbackMessage.objects.exists()


def test_an_empty_reply_is_refused_on_the_page(anonymous_item, client):
    item, code = anonymous_item
    response = client.post("/feedback/follow-up/", {"code": code, "text": "   "})
    assert response.status_code == 200
    assert response.context["reply_form"].errors
    assert not FeedbackMessage.objects.exists()


def test_a_code_only_opens_anonymous_items(named_item):
    # Named items have no code; no string of the right shape opens them.
    assert services.feedback_for_code(code="0000-0000-0000-0000") is None


def test_codes_survive_a_rotation_of_the_secret_key(anonymous_item, settings):
    item, code = anonymous_item
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789"
    assert services.feedback_for_code(code=code) == item
