import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feedback import services
from feedback.models import Feedback, FeedbackEvent
from notifications.models import Notification


def test_a_named_author_is_e_mailed_the_answer(named_item, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_answer(feedback=named_item, by=officer, text="已与食堂协商，延长到七点。")
    named_item.refresh_from_db()
    assert named_item.state == Feedback.State.ANSWERED
    assert [m.to for m in mailoutbox] == [["worker@example.cn"]]
    assert "已与食堂协商，延长到七点。" in mailoutbox[0].body
    assert mailoutbox[0].subject == f"工会已答复你的意见建议“{named_item.title}”"  # the author's language
    assert f"/feedback/{named_item.pk}/" in mailoutbox[0].body
    assert Notification.objects.get().status == Notification.Status.SENT


def test_an_anonymous_author_is_never_e_mailed(anonymous_item, officer, mailoutbox, django_capture_on_commit_callbacks):
    item, _ = anonymous_item
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_answer(feedback=item, by=officer, text="已安排检修。")
        services.feedback_publish(feedback=item, by=officer, official_answer="已检修完毕。")
        services.feedback_transition(feedback=item, to="adopted", by=officer)
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_the_answer_is_recorded_with_who_and_clears_the_reply_flag(named_item, officer):
    services.feedback_author_reply(feedback=named_item, text="补充一下")
    services.feedback_answer(feedback=named_item, by=officer, text="收到")
    named_item.refresh_from_db()
    assert named_item.awaiting_answer is False
    assert list(named_item.events.values_list("kind", "from_state", "to_state", "by")) == [
        ("answer", "received", "answered", officer.pk)
    ]
    assert list(named_item.messages.values_list("position", "from_author", "officer")) == [
        (1, True, None),
        (2, False, officer.pk),
    ]


def test_publishing_needs_an_official_answer(named_item, officer):
    with pytest.raises(ValidationError):
        services.feedback_publish(feedback=named_item, by=officer, official_answer="  ")
    named_item.refresh_from_db()
    assert named_item.published is False


def test_the_database_refuses_a_published_item_without_an_official_answer(named_item):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.filter(pk=named_item.pk).update(published=True)


def test_publishing_puts_an_open_item_on_the_board_as_answered_and_tells_a_named_author(
    named_item, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_publish(feedback=named_item, by=officer, official_answer="食堂收餐延至19:00。")
    named_item.refresh_from_db()
    assert (named_item.published, named_item.state, named_item.published_by) == (True, "answered", officer)
    assert named_item.official_answer == "食堂收餐延至19:00。"
    assert "食堂收餐延至19:00。" in mailoutbox[0].body
    assert named_item.events.get().kind == FeedbackEvent.Kind.PUBLISH


def test_an_item_can_be_taken_off_the_board_and_keeps_its_supports(named_item, officer, other_worker):
    services.feedback_publish(feedback=named_item, by=officer, official_answer="已采纳")
    services.feedback_support(feedback=named_item, member=other_worker)
    services.feedback_unpublish(feedback=named_item, by=officer, note="涉及个人信息")
    named_item.refresh_from_db()
    assert named_item.published is False
    assert named_item.supports.count() == 1
    with pytest.raises(ValidationError):
        services.feedback_unpublish(feedback=named_item, by=officer)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["considering"], True),
        (["adopted"], False),  # a decision needs an answer first
        (["considering", "received"], False),  # no way back to "received"
        (["considering", "adopted"], False),
    ],
)
def test_only_legal_transitions_are_possible(named_item, officer, path, allowed):
    try:
        for to in path:
            services.feedback_transition(feedback=named_item, to=to, by=officer)
    except ValidationError:
        assert not allowed
    else:
        assert allowed
    named_item.refresh_from_db()
    assert named_item.events.count() == (len(path) if allowed else len(path) - 1)


def test_answered_needs_an_answer(named_item, officer):
    with pytest.raises(ValidationError):
        services.feedback_transition(feedback=named_item, to="answered", by=officer)
    services.feedback_answer(feedback=named_item, by=officer, text="收到")
    services.feedback_transition(feedback=named_item, to="considering", by=officer)
    services.feedback_transition(feedback=named_item, to="answered", by=officer)


def test_decisions_are_final_and_not_adopted_needs_a_reason(
    named_item, officer, mailoutbox, django_capture_on_commit_callbacks
):
    services.feedback_answer(feedback=named_item, by=officer, text="研究中")
    with pytest.raises(ValidationError):
        services.feedback_transition(feedback=named_item, to="not_adopted", by=officer, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_transition(feedback=named_item, to="not_adopted", by=officer, note="食堂人手不足")
    assert "食堂人手不足" in mailoutbox[-1].body
    for to in Feedback.State.values:
        with pytest.raises(ValidationError):
            services.feedback_transition(feedback=named_item, to=to, by=officer)
    with pytest.raises(ValidationError):
        services.feedback_author_reply(feedback=named_item, text="还能再考虑吗")


def test_an_unknown_state_is_refused(named_item, officer):
    with pytest.raises(ValidationError):
        services.feedback_transition(feedback=named_item, to="lost", by=officer)


def test_officers_of_another_union_and_workers_cannot_handle_the_item(named_item, sibling_officer, worker):
    for by in (sibling_officer, worker.user):
        with pytest.raises(PermissionDenied):
            services.feedback_answer(feedback=named_item, by=by, text="越权")
        with pytest.raises(PermissionDenied):
            services.feedback_transition(feedback=named_item, to="considering", by=by)
        with pytest.raises(PermissionDenied):
            services.feedback_publish(feedback=named_item, by=by, official_answer="越权")
    assert not named_item.messages.exists()


def test_officers_above_the_unit_handle_it(named_item, chair):
    services.feedback_transition(feedback=named_item, to="considering", by=chair)


def test_bulk_transition_moves_what_it_may_and_explains_the_rest(named_item, anonymous_item, officer):
    item, _ = anonymous_item
    services.feedback_answer(feedback=named_item, by=officer, text="好的")
    moved, errors = services.feedback_bulk_transition(
        items=Feedback.objects.filter(pk__in=[named_item.pk, item.pk]), to="adopted", by=officer
    )
    assert moved == 1
    assert len(errors) == 1 and item.reference in errors[0]
