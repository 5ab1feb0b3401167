"""Worker feedback: suggestions, complaints and praise, named or anonymous.

An anonymous item keeps no link to its author. The rules that make that true
live here, in the shape of the data, not only in the code that writes it:

- the row holds only the unit, never the person (a check constraint);
- the author's side carries dates, never times, so nothing shown to officers
  narrows the moment of writing to less than a day;
- primary keys are random (UUID), so neither the order of ids nor their gaps
  tell officers which item came just before or after a named one;
- simple-history does not track anonymous items at all (its middleware
  records the logged-in user of every save); officers' changes to them are
  recorded in ``FeedbackEvent``, which names only the officer.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from lib.models import StateChange


class NamedOnlyHistoricalRecords(HistoricalRecords):
    """History of named items only.

    Simple-history's ``HistoryRequestMiddleware`` stamps every saved version
    with the request's user and the exact time; for an anonymous item that
    would be the author (replying through the follow-up page while logged in)
    or the minute of submission. So anonymous items get no historical rows,
    not on save and not on delete.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        if getattr(instance, "anonymous", False):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance, using=None, **kwargs):
        if getattr(instance, "anonymous", False):
            return
        super().post_delete(instance, using=using, **kwargs)


class FeedbackCategory(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion for improvement")
    SAFETY = "safety", _("workplace safety")
    CANTEEN = "canteen", _("canteen & facilities")
    HOURS = "hours", _("working hours")
    UNION = "union", _("union work")
    COMPLAINT = "complaint", _("complaint")
    PRAISE = "praise", _("praise")


class FeedbackState(models.TextChoices):
    RECEIVED = "received", _("received")
    CONSIDERING = "considering", _("under consideration")
    ANSWERED = "answered", _("answered")
    ADOPTED = "adopted", _("adopted")
    NOT_ADOPTED = "not_adopted", _("not adopted")


class Feedback(models.Model):
    """One suggestion, concern, complaint or word of praise from a worker."""

    Category = FeedbackCategory
    State = FeedbackState

    # Random, so ids reveal nothing about the order of submissions.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey(
        "members.OrgUnit",
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=5000)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    author = models.ForeignKey(
        "members.Member",
        verbose_name=pgettext_lazy("feedback", "author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    # A day, not a moment: see the module docstring.
    submitted_on = models.DateField(_("submitted on"), default=timezone.localdate, db_index=True)
    # HMAC of the anonymous author's follow-up code; the code itself is never stored.
    followup_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED, db_index=True)
    published = models.BooleanField(_("published on the board"), default=False, db_index=True)
    official_answer = models.TextField(_("official answer"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The author wrote since the officers last answered.
    awaiting_answer = models.BooleanField(_("new reply from the author"), default=False)
    # How many members support it, kept by feedback/signals.py with every support
    # saved or deleted: the board sorts by it, and counting supports for every
    # item on a board before picking a page of them was most of the board's time.
    supporter_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)

    history = NamedOnlyHistoricalRecords(excluded_fields=["followup_digest", "awaiting_answer", "supporter_count"])

    # The admin search's indexes (members.search; migration 0003_search_indexes, PostgreSQL).
    SEARCH_INDEXES = dict.fromkeys(["title", "body", "official_answer"], "trigram")

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback")
        ordering = ["-submitted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False, followup_digest__isnull=True)
                | Q(anonymous=True, author__isnull=True, followup_digest__isnull=False),
                name="feedback_anonymous_has_no_author",
            ),
            models.CheckConstraint(
                condition=Q(published=False) | ~Q(official_answer=""),
                name="feedback_published_has_official_answer",
            ),
            models.CheckConstraint(
                condition=Q(state__in=FeedbackState.values),
                name="feedback_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["published", "published_at"], name="feedback_board_idx"),
            models.Index(fields=["-submitted_on", "id"], name="feedback_changelist_order_idx"),
            # A member's board is the published items of a few units, found by their ids; the sort
            # keys and the category in the index too, so a page is chosen and counted from the
            # index alone (selectors.board_page): only the page's rows are read from the table.
            models.Index(
                fields=["unit", "-supporter_count", "-published_at", "id", "category"],
                condition=Q(published=True),
                name="feedback_board_page_idx",
            ),
        ]
        permissions = [
            ("answer_feedback", _("Can answer feedback")),
            ("publish_feedback", _("Can publish feedback on the board")),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("feedback:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """A short reference to quote on the phone or in a meeting."""
        return self.pk.hex[:8].upper() if self.pk else ""

    @property
    def is_decided(self) -> bool:
        return self.state in (self.State.ADOPTED, self.State.NOT_ADOPTED)


class FeedbackMessage(models.Model):
    """One message of the private conversation between the author and officers.

    Dated to the day and ordered by a per-item counter: an author's reply
    must not be placed in time by its id or a clock.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="messages")
    position = models.PositiveIntegerField(_("position"))
    from_author = models.BooleanField(_("from the author"))
    # Set for officers' messages only; the author is never recorded.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=5000)
    written_on = models.DateField(_("written on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["feedback", "position"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "position"], name="feedback_message_position_unique"),
            models.CheckConstraint(
                condition=Q(from_author=False) | Q(officer__isnull=True),
                name="feedback_author_message_has_no_officer",
            ),
        ]

    def __str__(self):
        return f"{self.feedback.reference} #{self.position}"


class FeedbackEvent(StateChange):
    """One officer decision on an item: who, when, from, to and why."""

    class Kind(models.TextChoices):
        STATE = "state", _("state changed")
        ANSWER = "answer", _("answered the author")
        PUBLISH = "publish", _("published on the board")
        UNPUBLISH = "unpublish", _("withdrawn from the board")

    subject_field = "feedback"

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(pgettext_lazy("feedback event", "what"), max_length=20, choices=Kind.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=Feedback.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Feedback.State.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("feedback decision")
        verbose_name_plural = _("feedback decisions")

    def __str__(self):
        # An answer or a publication leaves the state as it was: the kind says what happened.
        return f"{self.feedback.reference}: {self.get_kind_display()}"


class FeedbackSupport(models.Model):
    """A member's support for a published item; one per member and item."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="feedback_supports")
    created_at = models.DateTimeField(_("supported at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["feedback", "member"], name="feedback_one_support_per_member"),
        ]

    def __str__(self):
        return f"{self.member} → {self.feedback.reference}"
