from feedback import services
from feedback.models import Feedback
from members.services import member_export_data


def test_download_my_data_holds_named_items_and_supports_but_no_anonymous_one(
    named_item, anonymous_item, worker, officer
):
    item, _ = anonymous_item
    services.feedback_answer(feedback=named_item, by=officer, text="已处理")
    services.feedback_publish(feedback=named_item, by=officer, official_answer="已采纳")
    services.feedback_support(feedback=named_item, member=worker)
    data = member_export_data(member=worker)["feedback"]
    assert [i["title"] for i in data["items"]] == [named_item.title]
    assert data["items"][0]["messages"] == [
        {"from_me": False, "on": named_item.submitted_on.isoformat(), "text": "已处理"}
    ]
    assert [s["title"] for s in data["supported"]] == [named_item.title]
    assert item.title not in str(data)


def test_the_demo_has_chinese_items_one_anonymous_and_one_published_with_supports(db):
    from feedback.demo import DEMO_FOLLOWUP_CODE
    from feedback.demo import seed as feedback_seed
    from members.demo import seed as members_seed

    members_seed()
    feedback_seed()
    feedback_seed()  # idempotent
    items = Feedback.objects.all()
    assert items.count() == 6
    assert items.filter(anonymous=True, author=None).exists()
    assert any(item.supports.count() >= 3 for item in items.filter(published=True))
    assert services.feedback_for_code(code=DEMO_FOLLOWUP_CODE).title == "二号线防护栏松动"
