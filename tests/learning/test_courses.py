"""Taking a short course: start, read, answer, pass (or answer again), and the record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from learning import services
from learning.models import Answer, Enrolment
from tests.learning.factories import course_with_questions, right_answers, wrong_answers


@pytest.fixture
def course(tree):
    return course_with_questions(unit=tree["union_a"], steps=2, pass_mark=75)


def _steps(course):
    return list(course.steps.prefetch_related("questions__choices").order_by("position"))


def test_answering_every_part_right_completes_the_course_and_mails_the_worker(
    course, worker, mailoutbox, django_capture_on_commit_callbacks
):
    enrolment = services.course_start(course=course, member=worker)
    with django_capture_on_commit_callbacks(execute=True):
        for step in _steps(course):
            enrolment = services.step_answer(enrolment=enrolment, step=step, answers=right_answers(step))
    assert enrolment.score == 100 and enrolment.completed_at is not None
    assert len(mailoutbox) == 1 and course.title in mailoutbox[0].subject


def test_progress_is_kept_between_parts(course, worker):
    enrolment = services.course_start(course=course, member=worker)
    first = _steps(course)[0]
    enrolment = services.step_answer(enrolment=enrolment, step=first, answers=right_answers(first))
    assert enrolment.score is None and enrolment.completed_at is None
    assert enrolment.steps_done.count() == 1
    assert services.course_start(course=course, member=worker) == enrolment  # starting again changes nothing


def test_below_the_pass_mark_there_is_no_record_and_the_worker_can_answer_again(course, worker):
    enrolment = services.course_start(course=course, member=worker)
    first, second = _steps(course)
    services.step_answer(enrolment=enrolment, step=first, answers=right_answers(first))
    enrolment = services.step_answer(enrolment=enrolment, step=second, answers=wrong_answers(second))
    assert enrolment.score == 50 and enrolment.completed_at is None
    enrolment = services.step_answer(enrolment=enrolment, step=second, answers=right_answers(second))
    assert enrolment.score == 100 and enrolment.completed_at is not None
    # The officers' figures keep the first result.
    retried = Answer.objects.filter(enrolment=enrolment, question__step=second)
    assert all(a.correct and not a.first_correct and a.attempts == 2 for a in retried)


def test_a_multiple_choice_question_is_right_only_with_every_right_answer_and_no_wrong_one(course, worker):
    enrolment = services.course_start(course=course, member=worker)
    step = _steps(course)[0]
    single, multiple = step.questions.all()
    right = [c.pk for c in multiple.choices.all() if c.correct]
    wrong = [c.pk for c in multiple.choices.all() if not c.correct]
    for chosen, expected in (({right[0]}, False), ({*right, *wrong}, False), (set(right), True)):
        answers = {**right_answers(step), multiple.pk: chosen}
        services.step_answer(enrolment=enrolment, step=step, answers=answers)
        assert Answer.objects.get(enrolment=enrolment, question=multiple).correct is expected


def test_every_question_must_be_answered(course, worker):
    enrolment = services.course_start(course=course, member=worker)
    step = _steps(course)[0]
    with pytest.raises(ValidationError):
        services.step_answer(enrolment=enrolment, step=step, answers={})
    assert not Answer.objects.exists()


def test_a_step_of_another_course_is_refused(course, worker, tree):
    other = course_with_questions(unit=tree["union_a"], steps=1, title="另一门")
    enrolment = services.course_start(course=course, member=worker)
    step = _steps(other)[0]
    with pytest.raises(ValidationError):
        services.step_answer(enrolment=enrolment, step=step, answers=right_answers(step))


def _form_data(step, answers):
    data = {}
    for question in step.questions.all():
        chosen = [str(pk) for pk in answers[question.pk]]
        data[f"q{question.pk}"] = chosen if question.multiple else chosen[0]
    return data


def test_a_worker_takes_the_course_on_its_pages_and_sees_the_record_on_profile_and_card(client, course, worker):
    client.force_login(worker.user)
    response = client.post(reverse("learning:course-start", args=[course.pk]))
    first, second = _steps(course)
    assert response["Location"] == reverse("learning:step", args=[first.pk])
    response = client.post(reverse("learning:step", args=[first.pk]), _form_data(first, right_answers(first)))
    assert response["Location"] == reverse("learning:step", args=[second.pk])
    response = client.post(reverse("learning:step", args=[second.pk]), _form_data(second, right_answers(second)))
    assert response["Location"] == reverse("learning:certificate", args=[course.pk])
    enrolment = Enrolment.objects.get()
    assert enrolment.reference in client.get(response["Location"]).content.decode()
    for page in ("members:profile", "members:card"):
        html = client.get(reverse(page)).content.decode()
        assert course.title in html and "Courses completed" in html or "已完成的课程" in html


def test_an_unanswered_question_is_shown_again_with_a_message(client, course, worker):
    client.force_login(worker.user)
    client.post(reverse("learning:course-start", args=[course.pk]))
    step = _steps(course)[0]
    response = client.post(reverse("learning:step", args=[step.pk]), {})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Answer.objects.exists()


def test_a_forged_or_huge_choice_is_a_form_error_not_a_server_error(client, course, worker):
    client.force_login(worker.user)
    client.post(reverse("learning:course-start", args=[course.pk]))
    step = _steps(course)[0]
    data = {f"q{q.pk}": "9" * 400 for q in step.questions.all()}
    response = client.post(reverse("learning:step", args=[step.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors


def test_a_step_before_starting_sends_the_worker_to_the_course(client, course, worker):
    client.force_login(worker.user)
    step = _steps(course)[0]
    assert client.get(reverse("learning:step", args=[step.pk]))["Location"] == reverse(
        "learning:course", args=[course.pk]
    )


def test_the_certificate_of_a_course_not_passed_is_not_found(client, course, worker):
    client.force_login(worker.user)
    services.course_start(course=course, member=worker)
    assert client.get(reverse("learning:certificate", args=[course.pk])).status_code == 404


def test_a_withdrawn_course_cannot_be_started(course, worker, officer):
    services.withdraw(item=course, by=officer)
    with pytest.raises(ValidationError):
        services.course_start(course=course, member=worker)
