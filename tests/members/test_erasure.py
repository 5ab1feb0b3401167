"""A deletion request carried out: every app erases its part of the member, in one go."""

from decimal import Decimal

from activities import services as activity_services
from activities.models import CalendarFeed, Rating, Registration
from feedback import services as feedback_services
from feedback.models import Feedback, FeedbackMessage
from members import data_export, erasure, services
from notifications.models import Notification
from tests.activities.factories import ActivityFactory
from tests.factories import ActiveMemberFactory
from tests.feedback.factories import FeedbackFactory, PublishedFeedbackFactory
from tests.welfare import factories as welfare
from tests.welfare import files
from welfare.models import Attachment, RequestMessage, RequestTransition, WelfareRequest

S = WelfareRequest.State


def carry_out(member, officer):
    request = services.deletion_request_create(member=member, reason="我离职了，请删除我的资料")
    return services.deletion_request_carry_out(deletion_request=request, by=officer)


def test_every_section_of_download_my_data_has_an_eraser():
    # What the portal hands a member as "their data" is exactly what it erases on request.
    assert set(erasure.names()) == set(data_export._sections)


def test_welfare_texts_and_files_go_but_the_grant_stays(worker, officer, chair, tree):
    welfare.scheme("hardship")
    paid = welfare.request_in_state(S.PAID, member=worker, officer=officer, chair=chair)
    asking = welfare.submit(worker, description="我妻子住院了，医药费负担很重。", files=[files.pdf("诊断书.pdf")])
    welfare.move(asking, S.IN_REVIEW, officer, "请补充住院证明")
    stored = [a.file.name for a in Attachment.objects.filter(request=asking)]
    storage = Attachment._meta.get_field("file").storage
    assert stored and all(storage.exists(name) for name in stored)

    done = carry_out(worker, officer)

    paid.refresh_from_db()
    asking.refresh_from_db()
    # The books still add up: the grant, its amount and its reference stay.
    assert paid.state == S.PAID and paid.granted_amount == Decimal("1000") and paid.reference
    # The worker's words do not.
    for request in (paid, asking):
        assert "住院" not in request.description and "困难" not in request.description
        assert not request.history.filter(description__contains="住院").exists()
    assert not RequestTransition.objects.filter(request=asking, note__contains="住院").exists()
    assert not RequestMessage.objects.filter(request__member=worker, body__contains="住院").exists()
    # The files are gone from the disk and from the request.
    assert not Attachment.objects.filter(request__member=worker).exists()
    assert not any(storage.exists(name) for name in stored)
    # Nobody is left to answer an open request: it is withdrawn, and the change recorded.
    assert asking.state == S.WITHDRAWN
    assert RequestTransition.objects.filter(request=asking, to_state=S.WITHDRAWN, by=officer).exists()
    assert done.reason == ""


def test_named_feedback_loses_its_author_and_private_texts(worker, officer, tree):
    private = FeedbackFactory(author=worker, title="食堂王师傅总是多收钱", body="我每天中午被多收两元。")
    feedback_services.feedback_author_reply(feedback=private, text="我叫李娟，电话13800000000")
    public = PublishedFeedbackFactory(author=worker, title="车间通风", body="夏天太热，建议加风扇。")
    others = FeedbackFactory(title="别人的建议", body="别人写的")

    carry_out(worker, officer)

    private.refresh_from_db()
    public.refresh_from_db()
    others.refresh_from_db()
    assert private.author is None and public.author is None
    assert "王师傅" not in private.title and "多收" not in private.body
    assert not FeedbackMessage.objects.filter(text__contains="13800000000").exists()
    # What the union published and answered on the board stays readable, without a name.
    assert public.title == "车间通风" and public.published
    assert not Feedback.history.filter(id__in=[private.pk, public.pk]).exists()
    assert others.author is not None and others.body == "别人写的"


def test_places_held_are_given_up_and_the_next_worker_moves_up(worker, officer, tree):
    hike = ActivityFactory(capacity=1)
    next_in_line = ActiveMemberFactory(unit=tree["branch_a"], name="周敏")
    mine = activity_services.registration_signup(activity=hike, member=worker)
    theirs = activity_services.registration_signup(activity=hike, member=next_in_line)
    assert (mine.status, theirs.status) == (Registration.Status.CONFIRMED, Registration.Status.WAITING)
    CalendarFeed.objects.create(member=worker)

    carry_out(worker, officer)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Registration.Status.CANCELLED
    assert theirs.status == Registration.Status.CONFIRMED
    assert not CalendarFeed.objects.filter(member=worker).exists()


def test_rating_comments_go_and_scores_stay(worker, officer, tree):
    from datetime import timedelta

    from django.utils import timezone

    past = ActivityFactory(starts_at=timezone.now() - timedelta(days=3))
    registration = Registration.objects.create(activity=past, member=worker, status=Registration.Status.ATTENDED)
    Rating.objects.create(registration=registration, score=4, comment="领队李娟（我）觉得路线太长")

    carry_out(worker, officer)

    rating = Rating.objects.get(registration=registration)
    assert rating.score == 4 and rating.comment == ""
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ATTENDED  # the past stays counted


def test_the_mails_sent_to_the_member_go(worker, officer, tree):
    assert worker.user_id
    Notification.objects.create(
        key="test:1",
        user=worker.user,
        to_email="worker@example.cn",
        template="t",
        language="zh-hans",
        subject="李娟，生日快乐",
        body_text="李娟您好",
    )
    carry_out(worker, officer)
    assert not Notification.objects.filter(to_email="worker@example.cn").exists()
    assert not Notification.objects.filter(body_text__contains="李娟").exists()
