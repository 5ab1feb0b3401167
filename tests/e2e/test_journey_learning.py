"""Journey 6: a worker opens a short course, reads, answers (a mistake first), passes, and
sees the completion on their profile and card; on the way they ask in the discussion."""

from learning.models import Enrolment, Post
from tests.e2e.conftest import JOURNEY, log_in
from tests.learning.factories import course_with_questions

pytestmark = JOURNEY

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's


def _answer(person, step, *, right: bool) -> None:
    for question in step.questions.all():
        for choice in question.choices.all():
            if choice.correct == right:
                person.main.locator(f"input[value='{choice.pk}']").check()
                if not question.multiple:
                    break
    person.submit("form[method=post]:not([action])")


def test_a_worker_takes_a_course_passes_and_shows_the_completion(journey, worker, tree):
    course = course_with_questions(unit=tree["union_a"], steps=2, pass_mark=100, title="劳动合同入门")
    first, second = course.steps.prefetch_related("questions__choices").order_by("position")
    learner = journey.person("learner")
    log_in(learner, worker.user.email, PASSWORD)
    learner.check("profile")
    learner.from_home("/learning/")
    learner.check("library")
    learner.click(f"main a[href='/learning/courses/{course.pk}/']")
    learner.check("course")

    # A question in the course's discussion, with the worker's name.
    learner.main.locator("#discussion textarea[name=text]").first.fill("试用期可以延长吗？")
    learner.submit("#discussion form[action$='/discuss/']")
    learner.check("course-with-question")
    assert Post.objects.get().author == worker

    learner.submit(f"form[action='/learning/courses/{course.pk}/start/']")
    learner.check("part-1")
    _answer(learner, first, right=True)
    learner.check("part-2")
    _answer(learner, second, right=False)  # below the pass mark: back to the course
    learner.check("course-with-mistakes")
    assert Enrolment.objects.get().completed_at is None
    learner.click(f"main a[href='/learning/steps/{second.pk}/']")
    learner.check("part-2-again")
    _answer(learner, second, right=True)
    learner.check("completion-record")
    enrolment = Enrolment.objects.get()
    assert enrolment.completed_at and enrolment.reference in learner.main.inner_text()

    learner.goto("/me/")
    learner.check("profile-with-completion")
    assert course.title in learner.main.inner_text()
    learner.goto("/me/card/")
    learner.check("card-with-completion")
    assert enrolment.reference in learner.main.inner_text()
