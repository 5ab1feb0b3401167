"""Needs surveys: officers ask the members of a unit (and the units below it)
what they want, with single- and multiple-choice questions and free text.

A survey is named or anonymous. An anonymous answer keeps the rule of
anonymous feedback (``lib.anonymity``), in the shape of the data:

- a ``SurveyResponse`` of an anonymous survey holds no member (a check made
  by the service, and the admin never shows one), a random id and a date,
  never a time, so neither order nor clock ties it to a person;
- "one answer per member" is kept by ``SurveyRespondent``: a keyed digest of
  the member's id, its salt derived from the survey, unique per survey, and
  not linked to the answer it stands for (no key, no time);
- nothing here is tracked by simple-history (its middleware would stamp the
  logged-in user on each saved row).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.anonymity import anonymous_day


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for answers")
        CLOSED = "closed", _("closed for answers")

    unit = models.ForeignKey(
        "members.OrgUnit",
        verbose_name=_("asked in"),
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("The members of this unit and of every unit below it are asked."),
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), max_length=2000, blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Nobody, not even the officers, can see who gave which answer. Cannot be changed once answered."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    closes_on = models.DateField(_("closes on"), null=True, blank=True, help_text=_("Last day to answer."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # How many answered, kept by the answer service (one UPDATE): lists show it without counting.
    response_count = models.PositiveIntegerField(pgettext_lazy("survey", "answers"), default=0, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "unit"], name="survey_status_unit_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:answer", args=[self.pk])

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.status == self.Status.OPEN and (self.closes_on is None or day <= self.closes_on)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("one choice")
        MULTIPLE = "multiple", _("several choices")
        TEXT = "text", _("free text")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]

    def __str__(self):
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind != self.Kind.TEXT


class Choice(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("choice"), max_length=200)
    # The draft activity an officer made of this choice, if any.
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity draft"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "id"]

    def __str__(self):
        return self.text


class SurveyResponse(models.Model):
    """One member's answers to a survey: named (``member``) or anonymous (no member)."""

    # Random, so ids reveal nothing about the order of answers.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    # A day, not a moment.
    answered_on = models.DateField(_("answered on"), default=anonymous_day)

    class Meta:
        verbose_name = pgettext_lazy("survey", "answer")
        verbose_name_plural = pgettext_lazy("survey", "answers")
        ordering = ["survey", "answered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"], condition=Q(member__isnull=False), name="survey_one_named_response"
            ),
        ]

    def __str__(self):
        return f"{self.survey} · {self.answered_on:%Y-%m-%d}"


class Answer(models.Model):
    """One question's answer in a response: a chosen choice (one row per choice) or a text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("text"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers to questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(choice__isnull=False, text="") | Q(choice__isnull=True) & ~Q(text=""),
                name="survey_answer_choice_or_text",
            ),
            models.UniqueConstraint(fields=["response", "choice"], name="survey_answer_choice_once"),
        ]
        indexes = [models.Index(fields=["question", "choice"], name="survey_answer_question_idx")]

    def __str__(self):
        return str(self.choice or self.text[:40])


class SurveyRespondent(models.Model):
    """That someone answered a survey, as a keyed digest of their member id
    (``lib.anonymity.member_digest``, salt derived from the survey): the door
    that lets each member answer once. No link to the response, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "digest"], name="survey_one_response_per_member")]

    def __str__(self):
        return str(self.survey_id)
