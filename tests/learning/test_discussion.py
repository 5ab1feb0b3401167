"""The discussion under a material or a course: named posts, the union's answer, reports."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from learning import services
from learning.models import Post
from tests.learning.factories import MaterialFactory


@pytest.fixture
def material(tree):
    return MaterialFactory(unit=tree["root"], title="试用期的规矩")


@pytest.fixture
def question(material, other_worker):
    return services.post_create(member=other_worker, thread=material, text="试用期可以延长吗？")


def _page(client, material) -> str:
    return client.get(reverse("learning:material", args=[material.pk])).content.decode()


def test_a_worker_asks_and_answers_with_their_name(client, material, worker, question):
    client.force_login(worker.user)
    url = reverse("learning:material-discuss", args=[material.pk])
    client.post(url, {"text": "不可以，只能约定一次。", "reply_to": question.pk})
    reply = Post.objects.get(reply_to=question)
    assert reply.author == worker and reply.unit == worker.unit
    html = _page(client, material)
    assert "试用期可以延长吗？" in html and "不可以，只能约定一次。" in html and worker.name in html


def test_the_union_answer_is_shown_first_and_the_asker_is_told(
    client, material, worker, other_worker, question, officer, mailoutbox, django_capture_on_commit_callbacks
):
    services.post_create(member=worker, thread=material, text="我也想知道", reply_to=question)
    answer = services.post_create(member=worker, thread=material, text="只能约定一次。", reply_to=question)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_mark_union_answer(post=answer, by=officer)
    client.force_login(other_worker.user)
    posts = client.get(reverse("learning:material", args=[material.pk])).context["posts"]
    assert [r.text for r in posts[0].replies.all()][0] == "只能约定一次。"
    assert [m.to for m in mailoutbox] == [[other_worker.contact_email]]


def test_only_an_answer_by_someone_in_reach_can_be_marked_the_unions(
    material, question, worker, officer, sibling_officer
):
    with pytest.raises(ValidationError):
        services.post_mark_union_answer(post=question, by=officer)  # a question, not an answer
    answer = services.post_create(member=worker, thread=material, text="只能一次。", reply_to=question)
    with pytest.raises(PermissionDenied):
        services.post_mark_union_answer(post=answer, by=sibling_officer)  # union B's officer


def test_a_reported_post_is_hidden_from_others_until_an_officer_shows_it_again(
    client, material, worker, outsider, question, other_worker, officer
):
    client.force_login(worker.user)
    client.post(reverse("learning:post-report", args=[question.pk]), {"reason": "广告"})
    question.refresh_from_db()
    assert question.state == Post.State.REPORTED
    assert "试用期可以延长吗？" not in _page(client, material)
    client.force_login(other_worker.user)  # the author still sees it, marked as hidden
    assert "试用期可以延长吗？" in _page(client, material)
    services.post_review(post=question, by=officer, keep=True)
    client.force_login(worker.user)
    assert "试用期可以延长吗？" in _page(client, material)
    assert not question.reports.exists()


def test_a_removed_post_is_gone_for_everyone(client, material, question, officer, worker, other_worker):
    services.post_report(post=question, member=worker, reason="辱骂")
    services.post_review(post=question, by=officer, keep=False)
    for member in (worker, other_worker):
        client.force_login(member.user)
        assert "试用期可以延长吗？" not in _page(client, material)


def test_nobody_reports_their_own_post(client, material, question, other_worker):
    client.force_login(other_worker.user)
    client.post(reverse("learning:post-report", args=[question.pk]))
    question.refresh_from_db()
    assert question.state == Post.State.VISIBLE


def test_an_empty_or_huge_post_changes_nothing(client, material, worker):
    client.force_login(worker.user)
    url = reverse("learning:material-discuss", args=[material.pk])
    for data in (
        {"text": "   "},
        {"text": "长" * 2001},
        {"text": "好", "reply_to": "9" * 30},
        {"text": "好", "reply_to": "x"},
    ):
        response = client.post(url, data)
        assert response.status_code == 302
    assert not Post.objects.exists()


def test_an_answer_to_a_question_of_another_thread_is_refused(client, material, question, worker, tree):
    other = MaterialFactory(unit=tree["root"])
    client.force_login(worker.user)
    client.post(reverse("learning:material-discuss", args=[other.pk]), {"text": "答", "reply_to": question.pk})
    assert not Post.objects.filter(reply_to=question).exists()


def test_erasing_a_member_takes_their_posts_and_learning_record_and_nothing_of_others(
    material, question, worker, other_worker, officer
):
    from members import erasure

    mine = services.post_create(member=worker, thread=material, text="合同到期不续签有补偿吗？")
    theirs = services.post_create(member=worker, thread=material, text="只能约定一次。", reply_to=question)
    kept = services.post_create(member=other_worker, thread=material, text="我也想知道")

    erasure.erase(worker, by=officer)

    assert not Post.objects.filter(pk__in=[mine.pk, theirs.pk]).exists()
    assert Post.objects.filter(pk__in=[question.pk, kept.pk]).count() == 2
