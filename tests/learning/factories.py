"""Learning factories: published material and a course with questions, as officers make them."""

import factory
from django.utils import timezone

from learning.models import Choice, Course, CourseStep, Material, Question


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    unit = None  # required: the unit it is published for
    category = Material.Category.CONTRACT
    title = factory.Sequence(lambda n: f"劳动合同知识{n}")
    summary = "入职要签书面合同。"
    body = "<p>用人单位自用工之日起一个月内应当与你订立书面劳动合同。</p>"
    status = Material.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def course_with_questions(*, unit, steps: int = 2, pass_mark: int = 50, **kwargs) -> Course:
    """A published course of ``steps`` materials, each with a single-choice question
    (right answer "对") and a multiple-choice one (right answers "甲" and "乙")."""
    course = Course.objects.create(
        unit=unit,
        category=Material.Category.CONTRACT,
        title=kwargs.pop("title", "劳动合同入门"),
        pass_mark=pass_mark,
        status=Course.Status.PUBLISHED,
        published_at=timezone.now(),
        **kwargs,
    )
    for position in range(1, steps + 1):
        step = CourseStep.objects.create(course=course, material=MaterialFactory(unit=unit), position=position)
        single = Question.objects.create(step=step, text=f"第{position}部分单选题", position=0)
        Choice.objects.create(question=single, text="对", correct=True)
        Choice.objects.create(question=single, text="错")
        multiple = Question.objects.create(step=step, text=f"第{position}部分多选题", multiple=True, position=1)
        for text, correct in (("甲", True), ("乙", True), ("丙", False)):
            Choice.objects.create(question=multiple, text=text, correct=correct)
    return course


def right_answers(step) -> dict[int, set[int]]:
    return {q.pk: {c.pk for c in q.choices.all() if c.correct} for q in step.questions.all()}


def wrong_answers(step) -> dict[int, set[int]]:
    return {q.pk: {c.pk for c in q.choices.all() if not c.correct} for q in step.questions.all()}
