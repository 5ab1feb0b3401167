"""Welfare and rights requests: a worker asks the union for help, officers answer.

State changes happen only in ``welfare.services.request_transition``; the model
refuses any other write of ``state`` (see ``WelfareRequest.save`` and
``WelfareRequestQuerySet.update``), so the admin, a shell or a careless script
cannot skip the state machine.
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from lib.models import StateChange
from lib.storage import PrivateStorage

from .uploads import EXTENSIONS

VIEW_CONFIDENTIAL = "welfare.view_confidential_request"
APPROVE_OVER_THRESHOLD = "welfare.approve_over_threshold"


def _in_english() -> bool:
    return (translation.get_language() or "").startswith("en")


class RequestType(models.Model):
    """What a worker can ask for, with its service level and the guidance shown when they choose it.

    Editable by officers; the same list serves the whole installation.
    """

    class Category(models.TextChoices):
        AID = "aid", _("aid")
        RIGHTS = "rights", _("rights")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    name = models.CharField(_("type name (Chinese)"), max_length=80)
    name_en = models.CharField(_("type name (English)"), max_length=80, blank=True)
    guidance = models.TextField(
        _("guidance (Chinese)"),
        blank=True,
        help_text=_(
            "Shown to the worker who chooses this type: what the union can do, which documents help, "
            "and for rights cases the relevant rules and where to get legal aid."
        ),
    )
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    days_to_first_response = models.PositiveSmallIntegerField(
        _("days to first response"), default=3, help_text=_("Calendar days from submission.")
    )
    days_to_decision = models.PositiveSmallIntegerField(
        _("days to decision"), default=15, help_text=_("Calendar days from submission.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered to workers"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        ordering = ["category", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_to_decision__gte=F("days_to_first_response")),
                name="welfare_type_decision_after_first_response",
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete("welfare:request-type-choices")  # the admin's type filter

    def delete(self, *args, **kwargs):
        cache.delete("welfare:request-type-choices")
        return super().delete(*args, **kwargs)

    @property
    def label(self) -> str:
        """The name in the active language (English falls back to Chinese)."""
        return self.name_en if _in_english() and self.name_en else self.name

    @property
    def guidance_text(self) -> str:
        return self.guidance_en if _in_english() and self.guidance_en else self.guidance

    @property
    def asks_amount(self) -> bool:
        return self.category == self.Category.AID


class BenefitScheme(models.Model):
    """The money rules of one aid type: standard amount, yearly cap per member, chair's threshold."""

    request_type = models.OneToOneField(
        RequestType,
        verbose_name=_("request type"),
        on_delete=models.CASCADE,
        related_name="scheme",
        limit_choices_to={"category": RequestType.Category.AID},
    )
    standard_amount = models.DecimalField(_("standard amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    yearly_cap = models.DecimalField(
        _("yearly cap per member"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The most one member may be granted of this type in a calendar year. Empty: no cap."),
    )
    chair_threshold = models.DecimalField(
        _("chair's threshold"),
        max_digits=10,
        decimal_places=2,
        default=2000,
        help_text=_("Grants above this amount wait for the chair's approval."),
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benefit scheme")
        verbose_name_plural = _("benefit schemes")
        ordering = ["request_type__position", "request_type_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standard_amount__isnull=True) | Q(standard_amount__gte=0),
                name="welfare_scheme_standard_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(yearly_cap__isnull=True) | Q(yearly_cap__gte=0), name="welfare_scheme_cap_not_negative"
            ),
            models.CheckConstraint(condition=Q(chair_threshold__gte=0), name="welfare_scheme_threshold_not_negative"),
            models.CheckConstraint(
                condition=Q(standard_amount__isnull=True)
                | Q(yearly_cap__isnull=True)
                | Q(standard_amount__lte=F("yearly_cap")),
                name="welfare_scheme_standard_within_cap",
            ),
        ]

    def __str__(self):
        return str(self.request_type)


class StateChangeRefused(ValidationError):
    """Raised when code tries to write a request's state outside ``request_transition``."""


class WelfareRequestQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if "state" in kwargs:
            raise StateChangeRefused(_("Request states change only through the state machine."))
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        if "state" in fields:
            raise StateChangeRefused(_("Request states change only through the state machine."))
        return super().bulk_update(objs, fields, batch_size=batch_size)


class RequestState(models.TextChoices):
    # A context of their own: the membership states share some of these words, translated differently.
    SUBMITTED = "submitted", pgettext_lazy("welfare", "submitted")
    IN_REVIEW = "in_review", pgettext_lazy("welfare", "in review")
    NEEDS_INFO = "needs_info", pgettext_lazy("welfare", "needs information")
    AWAITING_CHAIR = "awaiting_chair", pgettext_lazy("welfare", "waiting for the chair's approval")
    APPROVED = "approved", pgettext_lazy("welfare", "approved")
    PAID = "paid", pgettext_lazy("welfare", "paid")
    CLOSED = "closed", pgettext_lazy("welfare", "closed")
    REJECTED = "rejected", pgettext_lazy("welfare", "rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("welfare", "withdrawn")


class Sensitivity(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("welfare", "normal")
    CONFIDENTIAL = "confidential", pgettext_lazy("welfare", "confidential")


class Priority(models.IntegerChoices):
    LOW = 1, pgettext_lazy("welfare", "low")
    NORMAL = 2, pgettext_lazy("welfare", "normal priority")
    HIGH = 3, pgettext_lazy("welfare", "high")
    URGENT = 4, pgettext_lazy("welfare", "urgent")


class WelfareRequest(models.Model):
    """One worker's request for aid or for help with their rights."""

    State = RequestState
    Sensitivity = Sensitivity
    Priority = Priority

    # States in which the union still owes the worker an answer.
    OPEN_STATES = (State.SUBMITTED, State.IN_REVIEW, State.NEEDS_INFO, State.AWAITING_CHAIR)
    # States whose clock runs: "needs information" waits for the worker, not the office.
    CLOCK_STATES = (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_CHAIR)
    GRANTED_STATES = (State.APPROVED, State.PAID, State.CLOSED)
    FINISHED_STATES = (State.CLOSED, State.REJECTED, State.WITHDRAWN)

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, editable=False)
    member = models.ForeignKey(
        "members.Member", verbose_name=_("worker"), on_delete=models.PROTECT, related_name="welfare_requests"
    )
    request_type = models.ForeignKey(
        RequestType, verbose_name=_("request type"), on_delete=models.PROTECT, related_name="requests"
    )
    description = models.TextField(pgettext_lazy("welfare", "description"))
    amount_requested = models.DecimalField(_("amount asked"), max_digits=10, decimal_places=2, null=True, blank=True)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=12, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_welfare_requests",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    first_response_due = models.DateField(_("first response due"))
    decision_due = models.DateField(_("decision due"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    # While the request waits for the worker's information its clock stands still: the due
    # dates move on by the days it waited when the worker answers (``clock_resume``).
    clock_paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True, editable=False)
    paused_days = models.PositiveIntegerField(
        _("days paused"),
        default=0,
        editable=False,
        help_text=_("Days the request waited for the worker's information."),
    )
    granted_amount = models.DecimalField(_("amount granted"), max_digits=10, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf = models.BooleanField(_("filed by an officer for the worker"), default=False)
    consent_note = models.CharField(
        _("worker's consent"),
        max_length=300,
        blank=True,
        help_text=_("How and when the worker agreed that the union files this request for them."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = WelfareRequestQuerySet.as_manager()

    # The admin search's indexes (members.search; migration 0003_search_indexes, PostgreSQL).
    SEARCH_INDEXES = {"reference": "prefix"}

    class Meta:
        verbose_name = _("welfare request")
        verbose_name_plural = _("welfare requests")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("view_confidential_request", _("Can see confidential welfare requests")),
            ("approve_over_threshold", _("Can approve grants above the chair's threshold")),
        ]
        indexes = [
            models.Index(fields=["state", "decision_due"], name="welfare_state_due_idx"),
            models.Index(fields=["-priority", "-submitted_at"], name="welfare_triage_order_idx"),
            models.Index(fields=["member", "request_type", "state"], name="welfare_member_type_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=RequestState.values), name="welfare_state_known"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="welfare_priority_known"),
            models.CheckConstraint(condition=Q(sensitivity__in=Sensitivity.values), name="welfare_sensitivity_known"),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gte=0),
                name="welfare_amount_requested_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                name="welfare_granted_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(on_behalf=False) | ~Q(consent_note=""), name="welfare_on_behalf_records_consent"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "paid", "closed", "rejected"]) | Q(decided_at__isnull=False),
                name="welfare_decided_states_have_decision",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["awaiting_chair", "paid"]) | Q(granted_amount__gt=0),
                name="welfare_chair_and_paid_have_amount",
            ),
            models.CheckConstraint(
                condition=Q(decision_due__gte=F("first_response_due")), name="welfare_decision_after_first_response"
            ),
        ]

    def __str__(self):
        return self.reference or str(_("new request"))

    # --- the state guard ------------------------------------------------------

    def save(self, *args, **kwargs):
        # The only door for a state change is services.request_transition, which sets this flag.
        if not getattr(self, "_state_change_allowed", False) and "state" not in self.get_deferred_fields():
            if self._state.adding:
                if self.state != self.State.SUBMITTED:
                    raise StateChangeRefused(_("A new request starts as submitted."))
            else:
                saved = getattr(self, "_saved_state", None)
                if saved is None:  # loaded without its state (only(), defer()): ask the database
                    saved = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
                if self.state != saved:
                    raise StateChangeRefused(_("Request states change only through the state machine."))
        super().save(*args, **kwargs)
        self._saved_state = self.state
        self._state_change_allowed = False

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_state = instance.__dict__.get("state")
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._saved_state = self.__dict__.get("state")

    # --- small facts --------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_confidential(self) -> bool:
        return self.sensitivity == self.Sensitivity.CONFIDENTIAL

    # --- the service-level clock --------------------------------------------------
    #
    # Due dates are calendar days. While the request waits for the worker ("needs
    # information") the clock is paused and nothing is overdue; when it resumes, both due
    # dates move on by the days it waited. The stored dates are therefore always the ones
    # that count: the worker's page, the admin, the digest and the dashboard read them.

    @property
    def is_clock_paused(self) -> bool:
        return self.clock_paused_at is not None

    def days_paused_until(self, moment) -> int:
        """Calendar days between the pause and ``moment`` (0 when the clock is running)."""
        if self.clock_paused_at is None:
            return 0
        return max((timezone.localdate(moment) - timezone.localdate(self.clock_paused_at)).days, 0)

    @property
    def days_left_when_resumed(self) -> int:
        """Days the office has left for its decision once the worker answers (while paused)."""
        if self.clock_paused_at is None:
            return 0
        return max((self.decision_due - timezone.localdate(self.clock_paused_at)).days, 0)

    def clock_pause(self, moment) -> None:
        if self.clock_paused_at is None:
            self.clock_paused_at = moment

    def clock_resume(self, moment) -> int:
        """Move both due dates on by the days paused; returns those days."""
        days = self.days_paused_until(moment)
        self.first_response_due += timedelta(days=days)
        self.decision_due += timedelta(days=days)
        self.paused_days += days
        self.clock_paused_at = None
        return days

    def is_overdue(self, today: date | None = None) -> bool:
        """Same rule as ``overdue_q``: the office missed the first answer or the decision."""
        if self.state not in self.CLOCK_STATES:
            return False
        today = today or timezone.localdate()
        missed_first = self.first_response_at is None and self.first_response_due < today
        return missed_first or self.decision_due < today

    @staticmethod
    def overdue_q(today: date | None = None) -> Q:
        today = today or timezone.localdate()
        return Q(state__in=WelfareRequest.CLOCK_STATES) & (
            Q(first_response_at__isnull=True, first_response_due__lt=today) | Q(decision_due__lt=today)
        )


class RequestTransition(StateChange):
    """One change of a request's state: who, when, from, to and the note the worker sees."""

    subject_field = "request"

    request = models.ForeignKey(WelfareRequest, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=20, choices=WelfareRequest.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=WelfareRequest.State.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        constraints = [
            models.CheckConstraint(condition=~Q(from_state=F("to_state")), name="welfare_transition_changes_state"),
        ]


class RequestMessage(models.Model):
    """A message between the worker and the office, or an internal note the worker never sees."""

    request = models.ForeignKey(WelfareRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL
    )
    body = models.TextField(_("message"), blank=True)
    internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Internal notes are never shown to the worker.")
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.request} · {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The worker's file name never reaches the disk: it may hold personal data or tricks.
    extension = EXTENSIONS.get(instance.content_type, "")
    return f"welfare/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}{extension}"


class Attachment(models.Model):
    """A document or photo, stored outside any public root and served only through a checked view."""

    request = models.ForeignKey(WelfareRequest, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        RequestMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=PrivateStorage(), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="welfare_attachment_not_empty")]

    def __str__(self):
        return self.original_name


class Budget(models.Model):
    """The money a unit may grant in welfare aid in one year."""

    unit = models.ForeignKey(
        "members.OrgUnit", verbose_name=_("organisational unit"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly budget")
        verbose_name_plural = _("yearly budgets")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="budget_one_per_unit_and_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}"


class CannedReply(models.Model):
    """A text officers send often ("please send your income certificate"), kept by the officers themselves.

    The case page offers them in its one form; choosing one fills the message
    and, when it names one, the move that usually goes with it.
    """

    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"), max_length=5000)
    suggested_state = models.CharField(
        _("usual move"),
        max_length=20,
        choices=RequestState.choices,
        blank=True,
        help_text=_("The state the case usually goes to with this reply (the officer can change it)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title
