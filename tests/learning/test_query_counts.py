"""The worker pages and the officers' lists cost the same queries when the rows double."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import services
from tests.factories import ActiveMemberFactory
from tests.learning.factories import MaterialFactory, course_with_questions, right_answers


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


def _add(tree, worker, n: int):
    for _ in range(n):
        material = MaterialFactory(unit=tree["union_a"])
        course = course_with_questions(unit=tree["root"], steps=2)
        enrolment = services.course_start(course=course, member=worker)
        step = course.steps.first()
        services.step_answer(enrolment=enrolment, step=step, answers=right_answers(step))
        author = ActiveMemberFactory(unit=tree["branch_a"])
        question = services.post_create(member=author, thread=material, text="问")
        services.post_create(member=worker, thread=material, text="答", reply_to=question)
        services.post_create(member=author, thread=course, text="课程问题")
        services.post_report(post=services.post_create(member=author, thread=material, text="广告"), member=worker)
    return material, course


def test_the_library_material_and_course_pages_cost_the_same_with_twice_the_rows(client, tree, worker):
    client.force_login(worker.user)
    material, course = _add(tree, worker, 2)
    urls = [
        reverse("learning:library"),
        reverse("learning:mine"),
        reverse("learning:material", args=[material.pk]),
        reverse("learning:course", args=[course.pk]),
        reverse("learning:step", args=[course.steps.first().pk]),
        reverse("members:profile"),
    ]
    for url in urls:
        _count(client, url)
    before = [_count(client, url) for url in urls]
    # Twice the rows, and the threads of the same material and course twice as long.
    _add(tree, worker, 2)
    for _ in range(2):
        author = ActiveMemberFactory(unit=tree["branch_a"])
        question = services.post_create(member=author, thread=material, text="又一个问题")
        services.post_create(member=worker, thread=material, text="又一个回答", reply_to=question)
        services.post_create(member=author, thread=course, text="课程问题")
    assert [_count(client, url) for url in urls] == before


def test_the_officers_lists_and_figures_cost_the_same_with_twice_the_rows(staff_client, officer, tree, worker):
    client = staff_client(officer)
    _add(tree, worker, 2)
    urls = [
        reverse("admin:learning_material_changelist"),
        reverse("admin:learning_course_changelist"),
        reverse("admin:learning_post_changelist"),
        reverse("admin:learning_question_changelist"),
        reverse("admin:learning_enrolment_changelist"),
        reverse("admin:index") + "?recount=1",
        reverse("dashboard:statistics"),
    ]
    for url in urls:
        _count(client, url)
    before = [_count(client, url) for url in urls]
    _add(tree, worker, 2)
    assert [_count(client, url) for url in urls] == before
