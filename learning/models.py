"""The library (materials), short courses and their discussion.

A material or a course belongs to the unit of the officer who published it
and is read by the members of that unit and the units below it
(``selectors.materials_visible_to``). Articles are rich text kept sanitised;
PDFs and videos are private files served by a view that checks who asks.
"""

import os
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.storage import PrivateStorage

from .text import reading_minutes, sanitise_html


class Category(models.TextChoices):
    CONTRACT = "contract", _("labour contract")
    WAGES = "wages", _("wages and working hours")
    SAFETY = "safety", _("occupational safety")
    INSURANCE = "insurance", _("social insurance")
    UNION = "union", _("the union's rules")
    SKILLS = "skills", _("skills")
    HEALTH = "health", _("health")
    POLICY = "policy", _("policy")


# The categories of rights and duties (the rest: skills, health, policy).
RIGHTS_CATEGORIES = (Category.CONTRACT, Category.WAGES, Category.SAFETY, Category.INSURANCE, Category.UNION)


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


def material_file_path(instance, filename: str) -> str:
    # A random name: the worker's view serves it under the title, never by this path.
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"learning/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Material(models.Model):
    """One piece of the library: an article, a PDF or a video."""

    Category = Category
    Status = Status

    class Kind(models.TextChoices):
        ARTICLE = "article", _("article")
        PDF = "pdf", _("PDF")
        VIDEO = "video", _("video")

    unit = models.ForeignKey(
        "members.OrgUnit", verbose_name=_("published for"), on_delete=models.PROTECT, related_name="materials"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(
        _("text"),
        max_length=50000,
        blank=True,
        help_text=_("Headings, paragraphs, lists, tables and links; anything else is removed when saved."),
    )
    file = models.FileField(
        _("file"), storage=PrivateStorage(), upload_to=material_file_path, max_length=200, blank=True
    )
    content_type = models.CharField(_("content type"), max_length=60, blank=True, editable=False)
    minutes = models.PositiveSmallIntegerField(
        _("reading time (minutes)"),
        default=0,
        validators=[MaxValueValidator(600)],
        help_text=_("For a PDF or a video; an article's is worked out from its text."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The learning sessions (activities) that discuss it; activities know nothing of learning.
    sessions = models.ManyToManyField(
        "activities.Activity",
        verbose_name=_("learning sessions"),
        blank=True,
        related_name="learning_materials",
        limit_choices_to={"category": "learning"},
    )
    # The welfare and rights request types whose guidance links to it.
    request_types = models.ManyToManyField(
        "welfare.RequestType",
        verbose_name=_("guidance of request types"),
        blank=True,
        related_name="learning_materials",
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "unit", "category"], name="learning_material_list_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(kind="article") | ~Q(file=""),
                name="learning_published_file_material_has_a_file",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The one place an article's text is cleaned: whoever saves it (admin, demo, import).
        self.body = sanitise_html(self.body)
        if self.kind == self.Kind.ARTICLE:
            self.minutes = reading_minutes(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("learning:material", args=[self.pk])

    @property
    def is_rights(self) -> bool:
        return self.category in RIGHTS_CATEGORIES


class MaterialOpen(models.Model):
    """A member opened a material: first and last time (the outreach list asks "this year?")."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="learning_opens"
    )
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="opens")
    first_opened_at = models.DateTimeField(_("first opened"), default=timezone.now)
    last_opened_at = models.DateTimeField(_("last opened"), default=timezone.now)

    class Meta:
        verbose_name = _("material opened")
        verbose_name_plural = _("materials opened")
        constraints = [models.UniqueConstraint(fields=["member", "material"], name="learning_one_open_per_member")]
        indexes = [models.Index(fields=["member", "last_opened_at"], name="learning_open_member_idx")]

    def __str__(self):
        return f"{self.member} · {self.material}"


class Course(models.Model):
    """A short course: materials in order, a few questions after each, a pass mark."""

    Status = Status

    unit = models.ForeignKey(
        "members.OrgUnit", verbose_name=_("published for"), on_delete=models.PROTECT, related_name="courses"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="learning_pass_mark_range")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("learning:course", args=[self.pk])


class CourseStep(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="steps")
    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.PROTECT, related_name="course_steps"
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("course step")
        verbose_name_plural = _("course steps")
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="learning_step_position_unique"),
            models.UniqueConstraint(fields=["course", "material"], name="learning_step_material_unique"),
        ]

    def __str__(self):
        return f"{self.course} · {self.position}. {self.material}"


class Question(models.Model):
    step = models.ForeignKey(CourseStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    multiple = models.BooleanField(_("several answers are right"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["step", "position", "id"]

    def __str__(self):
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=200)
    correct = models.BooleanField(_("right"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "id"]

    def __str__(self):
        return self.text


class Enrolment(models.Model):
    """A member's progress through a course and, once passed, their completion record."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    # Percent of questions right once every step is done; kept as the last result.
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "course"], name="learning_one_enrolment_per_course"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(score__isnull=False), name="learning_completed_has_score"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.course}"

    @property
    def reference(self) -> str:
        """The completion record's number, to quote or check."""
        return f"L{self.course_id:03d}-{self.pk:06d}"


class StepDone(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="steps_done")
    step = models.ForeignKey(CourseStep, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "step"], name="learning_step_done_once")]

    def __str__(self):
        return f"{self.enrolment} · {self.step.position}"


class Answer(models.Model):
    """A member's answer to one question: the latest result, and whether the first was right."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    correct = models.BooleanField(_("right"))
    # "The questions most often missed" counts the first answers, not the retries.
    first_correct = models.BooleanField(_("right the first time"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["enrolment", "question"], name="learning_one_answer")]

    def __str__(self):
        return f"{self.enrolment} · {self.question}"


class Post(models.Model):
    """A question or an answer in the discussion of a material or a course. Named: the author is shown."""

    class State(models.TextChoices):
        VISIBLE = "visible", _("visible")
        REPORTED = "reported", _("reported, hidden pending review")
        REMOVED = "removed", _("removed")

    material = models.ForeignKey(
        Material, verbose_name=_("material"), null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    # The author's unit, copied: the officers over the author review their posts and mark their
    # answers (a federation's article is discussed by members of many unions).
    unit = models.ForeignKey("members.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        "members.Member", verbose_name=_("author"), on_delete=models.CASCADE, related_name="learning_posts"
    )
    reply_to = models.ForeignKey(
        "self", verbose_name=_("answer to"), null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField(_("text"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.VISIBLE, db_index=True)
    union_answer = models.BooleanField(_("the union's answer"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(material__isnull=False, course__isnull=True)
                | Q(material__isnull=True, course__isnull=False),
                name="learning_post_in_one_thread",
            ),
            models.CheckConstraint(
                condition=Q(union_answer=False) | Q(reply_to__isnull=False), name="learning_union_answer_is_a_reply"
            ),
        ]
        permissions = [("moderate_post", _("Can review reported posts and mark the union's answer"))]

    def __str__(self):
        return self.text[:40]

    @property
    def thread(self):
        return self.material if self.material_id else self.course


class PostReport(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="learning_one_report_per_member")]

    def __str__(self):
        return f"{self.member} → {self.post}"
