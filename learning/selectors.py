"""Reads: who may read which material and course, progress, discussion, figures.

THE rule (``_readable_q``): a worker reads what is published for their own unit
or a unit above it (the federation's material concerns every union below);
an officer without a member profile, what is published in their part of the
tree and above it; a superuser, everything published. The library, a
material's page and file, a course, its steps and the welfare guidance links
all read through ``materials_visible_to`` and ``courses_visible_to``.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from members.models import Member
from members.scoping import officer_unit, sees_everything
from members.selectors import ancestor_paths, member_for_user

from .models import Course, CourseStep, Enrolment, Material, Post, Question, StepDone

P = Material.Status.PUBLISHED


def _readable_q(user, field: str = "unit") -> Q | None:
    """Units whose published material ``user`` reads (None: all of them; empty: none)."""
    if sees_everything(user):
        return None
    member = member_for_user(user)
    if member is not None:
        return Q(**{f"{field}__path__in": [*ancestor_paths(member.unit), member.unit.path]})
    unit = officer_unit(user)
    if unit is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__in": ancestor_paths(unit)}) | Q(**{f"{field}__path__startswith": unit.path})


def courses_visible_to(user) -> QuerySet[Course]:
    q = _readable_q(user)
    courses = Course.objects.filter(status=P)
    return courses if q is None else courses.filter(q)


def materials_visible_to(user) -> QuerySet[Material]:
    """Published material of the units ``user`` reads, and any that is a step of a course they read."""
    q = _readable_q(user)
    materials = Material.objects.filter(status=P)
    if q is None:
        return materials
    in_course = CourseStep.objects.filter(material=OuterRef("pk"), course__in=courses_visible_to(user))
    return materials.filter(q | Q(Exists(in_course)))


LIST_FIELDS = ["title", "summary", "category", "kind", "minutes", "published_at", "unit__name"]


def library(*, user, category: str = "") -> tuple[QuerySet[Course], QuerySet[Material]]:
    """The library page: courses and materials ``user`` reads, newest first, optionally of one category."""
    courses = courses_visible_to(user).select_related("unit").annotate(step_count=Count("steps"))
    materials = materials_visible_to(user).select_related("unit").only(*LIST_FIELDS)
    if category in Material.Category.values:
        courses, materials = courses.filter(category=category), materials.filter(category=category)
    member = member_for_user(user)
    if member is not None:
        mine = Enrolment.objects.filter(course=OuterRef("pk"), member=member)
        courses = courses.annotate(started=Exists(mine), completed=Exists(mine.filter(completed_at__isnull=False)))
        materials = materials.annotate(opened=Exists(member.learning_opens.filter(material=OuterRef("pk"))))
    return courses.order_by("-published_at", "-id"), materials.order_by("-published_at", "-id")


def material_for_viewer(*, user, pk) -> Material | None:
    return materials_visible_to(user).select_related("unit").filter(pk=pk).first()


def course_for_viewer(*, user, pk) -> Course | None:
    return courses_visible_to(user).select_related("unit").filter(pk=pk).first()


def step_for_viewer(*, user, pk) -> CourseStep | None:
    """A step of a course ``user`` reads, with its material, questions and choices."""
    return (
        CourseStep.objects.filter(course__in=courses_visible_to(user), pk=pk)
        .select_related("course", "material")
        .prefetch_related(Prefetch("questions", Question.objects.prefetch_related("choices")))
        .first()
    )


def course_steps(*, course: Course, enrolment: Enrolment | None) -> list[CourseStep]:
    """The steps of a course in order, each with ``done`` and ``missed`` (questions answered wrong)
    for the member's enrolment: two queries whatever the number of steps."""
    steps = course.steps.select_related("material").only(
        "position", "course_id", "material__title", "material__kind", "material__minutes"
    )
    if enrolment is not None:
        steps = steps.annotate(
            done=Exists(StepDone.objects.filter(enrolment=enrolment, step=OuterRef("pk"))),
            missed=Count(
                "questions__answers",
                filter=Q(questions__answers__enrolment=enrolment, questions__answers__correct=False),
            ),
        )
    return list(steps.order_by("position"))


def enrolment_of(*, member: Member | None, course: Course) -> Enrolment | None:
    if member is None:
        return None
    return Enrolment.objects.filter(member=member, course=course).first()


def completions(*, member: Member) -> QuerySet[Enrolment]:
    """The member's completion records, newest first (profile, card, "my learning")."""
    return (
        Enrolment.objects.filter(member=member, completed_at__isnull=False)
        .select_related("course")
        .order_by("-completed_at")
    )


def thread_posts(*, thread, member: Member | None) -> list[Post]:
    """The discussion of a material or a course: its questions, each with its visible answers
    (the union's first). A reported post is hidden from everyone but its author until reviewed."""
    field = "material" if isinstance(thread, Material) else "course"
    shown = Q(state=Post.State.VISIBLE)
    if member is not None:
        shown |= Q(state=Post.State.REPORTED, author=member)
    replies = Post.objects.filter(shown).select_related("author").order_by("-union_answer", "created_at", "id")
    if member is not None:
        reported = Post.objects.filter(reports__member=member, pk=OuterRef("pk"))
        replies = replies.annotate(reported_by_me=Exists(reported))
    questions = (
        Post.objects.filter(shown, **{field: thread}, reply_to__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", replies))
        .order_by("-created_at", "-id")
    )
    if member is not None:
        questions = questions.annotate(
            reported_by_me=Exists(Post.objects.filter(reports__member=member, pk=OuterRef("pk")))
        )
    return list(questions)


def post_for_member(*, member: Member, pk) -> Post | None:
    """A visible post in a thread the member reads (what they may report or answer)."""
    user = member.user
    return (
        Post.objects.filter(pk=pk, state=Post.State.VISIBLE)
        .filter(Q(material__in=materials_visible_to(user)) | Q(course__in=courses_visible_to(user)))
        .select_related("material", "course", "author")
        .first()
    )


def missed_questions(courses: QuerySet[Course], members: QuerySet[Member]) -> QuerySet[Question]:
    """Questions of ``courses`` with how many of ``members`` answered them and missed them the first time."""
    answers = Q(answers__enrolment__member__in=members)
    return (
        Question.objects.filter(step__course__in=courses)
        .annotate(
            answered=Count("answers", filter=answers),
            missed=Count("answers", filter=answers & Q(answers__first_correct=False)),
        )
        .filter(missed__gt=0)
        .select_related("step__course")
        .order_by("-missed", "pk")
    )
