"""The rules of learning: publishing, opening, taking a course, the discussion."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, User
from members.notify import member_notify
from members.scoping import user_may_see_unit

from .models import Answer, Course, CourseStep, Enrolment, Material, MaterialOpen, Post, PostReport, Question, StepDone

# --- Publishing (officers) -------------------------------------------------------


def _require_officer_over(by: User, unit) -> None:
    if not user_may_see_unit(by, unit):
        raise PermissionDenied(_("You do not act for this unit."))


@transaction.atomic
def material_publish(*, material: Material, by: User) -> Material:
    _require_officer_over(by, material.unit)
    if material.kind != Material.Kind.ARTICLE and not material.file:
        raise ValidationError(_("A PDF or a video needs its file before it is published."))
    if material.kind == Material.Kind.ARTICLE and not material.body.strip():
        raise ValidationError(_("An article needs its text before it is published."))
    material.status = Material.Status.PUBLISHED
    material.published_at = material.published_at or timezone.now()
    material.save(update_fields=["status", "published_at", "body", "minutes"])
    return material


@transaction.atomic
def course_publish(*, course: Course, by: User) -> Course:
    _require_officer_over(by, course.unit)
    steps = list(course.steps.select_related("material"))
    if not steps:
        raise ValidationError(_("A course needs at least one material before it is published."))
    if any(step.material.status != Material.Status.PUBLISHED for step in steps):
        raise ValidationError(_("Publish every material of the course first."))
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at"])
    return course


@transaction.atomic
def withdraw(*, item: Material | Course, by: User) -> Material | Course:
    _require_officer_over(by, item.unit)
    item.status = item.Status.WITHDRAWN
    item.save(update_fields=["status"])
    return item


# --- Reading -----------------------------------------------------------------------


def material_open(*, material: Material, member: Member) -> None:
    """Record that ``member`` opened ``material`` (the outreach list and the figures read it)."""
    now = timezone.now()
    updated = MaterialOpen.objects.filter(member=member, material=material).update(last_opened_at=now)
    if not updated:
        try:
            with transaction.atomic():
                MaterialOpen.objects.create(member=member, material=material, first_opened_at=now, last_opened_at=now)
        except IntegrityError:
            pass  # the same member opened it in another tab a moment ago


# --- Courses -----------------------------------------------------------------------


@transaction.atomic
def course_start(*, course: Course, member: Member) -> Enrolment:
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("This course is not open."))
    enrolment, _created = Enrolment.objects.get_or_create(member=member, course=course)
    return enrolment


def _is_right(question, chosen: set[int]) -> bool:
    right = {choice.pk for choice in question.choices.all() if choice.correct}
    return chosen == right


@transaction.atomic
def step_answer(*, enrolment: Enrolment, step: CourseStep, answers: dict[int, set[int]]) -> Enrolment:
    """Record the member's answers to the questions of ``step`` (question id -> chosen choice ids),
    mark the step done and, once every step is done, score the course: the completion
    record is written when the score reaches the pass mark. Answering again replaces the
    previous result (the first result is kept for the officers' figures)."""
    if step.course_id != enrolment.course_id:
        raise ValidationError(_("This step is not part of your course."))
    questions = list(step.questions.prefetch_related("choices"))
    if any(question.pk not in answers or not answers[question.pk] for question in questions):
        raise ValidationError(_("Please answer every question."))
    existing = {a.question_id: a for a in Answer.objects.filter(enrolment=enrolment, question__in=questions)}
    for question in questions:
        correct = _is_right(question, answers[question.pk])
        answer = existing.get(question.pk)
        if answer is None:
            Answer.objects.create(enrolment=enrolment, question=question, correct=correct, first_correct=correct)
        else:
            Answer.objects.filter(pk=answer.pk).update(correct=correct, attempts=F("attempts") + 1)
    StepDone.objects.get_or_create(enrolment=enrolment, step=step)
    return _score(enrolment)


def _score(enrolment: Enrolment) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().select_related("course", "member").get(pk=enrolment.pk)
    course = enrolment.course
    if enrolment.steps_done.count() < course.steps.count():
        return enrolment
    total = Answer.objects.filter(enrolment=enrolment, question__step__course=course)
    questions = Question.objects.filter(step__course=course).count()
    right = total.filter(correct=True).count()
    enrolment.score = round(100 * right / questions) if questions else 100
    if enrolment.score >= course.pass_mark and enrolment.completed_at is None:
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["score", "completed_at"])
        _notify_completed(enrolment)
    else:
        enrolment.save(update_fields=["score"])
    return enrolment


def _notify_completed(enrolment: Enrolment) -> None:
    member = enrolment.member
    member_notify(
        member=member,
        key=f"learning:completed:{enrolment.pk}",
        template="learning-completed",
        context=lambda: {
            "name": member.name,
            "course": enrolment.course.title,
            "score": enrolment.score,
            "reference": enrolment.reference,
            "certificate_url": settings.SITE_URL + reverse("learning:certificate", args=[enrolment.course_id]),
        },
    )


# --- Discussion --------------------------------------------------------------------


@transaction.atomic
def post_create(*, member: Member, thread: Material | Course, text: str, reply_to: Post | None = None) -> Post:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Please write something."))
    if reply_to is not None and (reply_to.thread != thread or reply_to.reply_to_id is not None):
        raise ValidationError(_("You can only answer a question of this discussion."))
    field = "material" if isinstance(thread, Material) else "course"
    return Post.objects.create(**{field: thread}, unit=member.unit, author=member, text=text, reply_to=reply_to)


@transaction.atomic
def post_report(*, post: Post, member: Member, reason: str = "") -> Post:
    """Report a post: it is hidden at once, pending an officer's review."""
    if post.author_id == member.pk:
        raise ValidationError(_("You cannot report your own post."))
    PostReport.objects.get_or_create(post=post, member=member, defaults={"reason": reason[:200]})
    Post.objects.filter(pk=post.pk, state=Post.State.VISIBLE).update(state=Post.State.REPORTED)
    post.refresh_from_db(fields=["state"])
    return post


@transaction.atomic
def post_review(*, post: Post, by: User, keep: bool) -> Post:
    """An officer's decision on a reported post: shown again (the reports are set aside) or removed."""
    _require_officer_over(by, post.unit)
    post.state = Post.State.VISIBLE if keep else Post.State.REMOVED
    if not keep:
        post.union_answer = False
    post.save(update_fields=["state", "union_answer"])
    if keep:
        post.reports.all().delete()
    return post


@transaction.atomic
def post_mark_union_answer(*, post: Post, by: User) -> Post:
    """Mark an answer as the union's: shown first under its question, and the asker is told."""
    _require_officer_over(by, post.unit)
    if post.reply_to_id is None:
        raise ValidationError(_("Only an answer can be marked as the union's answer."))
    if post.state != Post.State.VISIBLE:
        raise ValidationError(_("A hidden post cannot be the union's answer."))
    if post.union_answer:
        return post
    post.union_answer, post.marked_by = True, by
    post.save(update_fields=["union_answer", "marked_by"])
    question = Post.objects.select_related("author", "material", "course").get(pk=post.reply_to_id)
    asker = question.author
    thread = question.thread
    url = settings.SITE_URL + reverse(
        "learning:material" if question.material_id else "learning:course", args=[thread.pk]
    )
    member_notify(
        member=asker,
        key=f"learning:union-answer:{post.pk}",
        template="learning-union-answer",
        context=lambda: {
            "name": asker.name,
            "title": thread.title,
            "question": question.text,
            "answer": post.text,
            "url": f"{url}#post-{question.pk}",
        },
        optional=True,
    )
    return post


@transaction.atomic
def post_unmark_union_answer(*, post: Post, by: User) -> Post:
    _require_officer_over(by, post.unit)
    post.union_answer, post.marked_by = False, None
    post.save(update_fields=["union_answer", "marked_by"])
    return post


# --- The member's data -------------------------------------------------------------


def member_learning_data(member: Member) -> dict:
    return {
        "opened": [
            {"material": o.material.title, "first": o.first_opened_at.isoformat(), "last": o.last_opened_at.isoformat()}
            for o in member.learning_opens.select_related("material")
        ],
        "courses": [
            {
                "course": e.course.title,
                "started": e.started_at.isoformat(),
                "score": e.score,
                "completed": e.completed_at.isoformat() if e.completed_at else None,
            }
            for e in member.enrolments.select_related("course")
        ],
        "posts": [
            {"text": p.text, "at": p.created_at.isoformat(), "state": p.state} for p in member.learning_posts.all()
        ],
    }


@transaction.atomic
def member_learning_erase(member: Member, by) -> None:
    """A member's erasure: what they opened, their courses and answers, their reports and their posts.

    Posts are named, so they go with their author (answers others wrote under
    the member's question go with it: without the question they say nothing).
    """
    PostReport.objects.filter(member=member).delete()
    Post.objects.filter(author=member).delete()
    Enrolment.objects.filter(member=member).delete()
    MaterialOpen.objects.filter(member=member).delete()
