"""The officers' back office for learning: scoped to their part of the tree, changes through services."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learning import services
from learning.models import Material, Post
from tests.learning.factories import MaterialFactory, course_with_questions
from tests.welfare import files


def test_an_officer_sees_and_publishes_only_their_part_of_the_tree(staff_client, officer, tree):
    mine = MaterialFactory(unit=tree["branch_a"], status=Material.Status.DRAFT)
    MaterialFactory(unit=tree["branch_b"], status=Material.Status.DRAFT)
    client = staff_client(officer)
    response = client.get(reverse("admin:learning_material_changelist"))
    assert list(response.context["cl"].queryset) == [mine]
    client.post(
        reverse("admin:learning_material_changelist"),
        {"action": "publish", "_selected_action": [mine.pk]},
    )
    mine.refresh_from_db()
    assert mine.status == Material.Status.PUBLISHED and mine.published_at


def test_an_officer_adds_an_article_and_its_text_is_sanitised(staff_client, officer, tree):
    client = staff_client(officer)
    response = client.post(
        reverse("admin:learning_material_add"),
        {
            "unit": tree["union_a"].pk,
            "category": "wages",
            "kind": "article",
            "title": "加班费",
            "body": "<p>150%<script>x()</script></p>",
            "minutes": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    material = Material.objects.get()
    assert material.body == "<p>150%</p>" and material.created_by == officer


def test_a_pdf_is_checked_by_its_content(staff_client, officer, tree):
    client = staff_client(officer)
    base = {"unit": tree["union_a"].pk, "category": "safety", "kind": "pdf", "title": "规程", "minutes": 10}
    fake = SimpleUploadedFile("rules.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = client.post(reverse("admin:learning_material_add"), {**base, "file": fake})
    assert response.status_code == 200 and "file" in response.context["adminform"].form.errors
    response = client.post(reverse("admin:learning_material_add"), {**base, "file": files.pdf("规程.pdf")})
    assert response.status_code == 302
    assert Material.objects.get().content_type == "application/pdf"


def test_an_officer_reviews_a_reported_post_and_marks_the_unions_answer(
    staff_client, officer, worker, other_worker, tree
):
    material = MaterialFactory(unit=tree["root"])
    question = services.post_create(member=other_worker, thread=material, text="问")
    answer = services.post_create(member=worker, thread=material, text="答", reply_to=question)
    services.post_report(post=question, member=worker, reason="")
    client = staff_client(officer)
    url = reverse("admin:learning_post_changelist")
    client.post(url, {"action": "keep", "_selected_action": [question.pk]})
    client.post(url, {"action": "mark_union_answer", "_selected_action": [answer.pk]})
    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.state == Post.State.VISIBLE and answer.union_answer and answer.marked_by == officer


def test_another_unions_officer_does_not_see_the_posts(staff_client, sibling_officer, worker, tree):
    services.post_create(member=worker, thread=MaterialFactory(unit=tree["root"]), text="问")
    response = staff_client(sibling_officer).get(reverse("admin:learning_post_changelist"))
    assert list(response.context["cl"].queryset) == []


def test_the_course_list_counts_who_started_and_finished(staff_client, officer, worker, other_worker, tree):
    from tests.learning.factories import right_answers

    course = course_with_questions(unit=tree["union_a"], steps=1)
    step = course.steps.get()
    services.course_start(course=course, member=other_worker)
    enrolment = services.course_start(course=course, member=worker)
    services.step_answer(enrolment=enrolment, step=step, answers=right_answers(step))
    response = staff_client(officer).get(reverse("admin:learning_course_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.started_count, row.finished_count) == (2, 1)
    for name in ("learning_course_change", "learning_question_changelist", "learning_enrolment_changelist"):
        args = [course.pk] if name.endswith("change") else []
        assert staff_client(officer).get(reverse(f"admin:{name}", args=args)).status_code == 200
