"""Care cases: 慰问 as a visit to a member (or their family), not a parcel.

A case is opened by an officer, by the approval of a welfare request of a kind
that calls for a visit (``care.signals``), or by a worker for a colleague. It is
due within a number of days that depends on its kind, has an assigned officer
and companions, the worker's wishes (a worker may decline), what was done and
brought, and a follow-up date. Changes go through ``care.services``; who may see
a case is ``care.selectors.cases_visible_to``.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.models import StateChange

VIEW_CONFIDENTIAL = "care.view_confidential_case"


class Kind(models.TextChoices):
    BEREAVEMENT = "bereavement", pgettext_lazy("care", "bereavement")
    ILLNESS = "illness", pgettext_lazy("care", "illness")
    HOSPITAL = "hospital", pgettext_lazy("care", "hospital stay")
    CHILDBIRTH = "childbirth", pgettext_lazy("care", "childbirth")
    HARDSHIP = "hardship", pgettext_lazy("care", "hardship")
    RETIREMENT = "retirement", pgettext_lazy("care", "retirement")
    MILESTONE = "milestone", pgettext_lazy("care", "milestone")


# Calendar days from opening within which the visit is due.
DUE_DAYS = {
    Kind.BEREAVEMENT: 2,
    Kind.HOSPITAL: 3,
    Kind.ILLNESS: 7,
    Kind.HARDSHIP: 7,
    Kind.CHILDBIRTH: 14,
    Kind.MILESTONE: 14,
    Kind.RETIREMENT: 30,
}

# Welfare request types whose approval opens a care case, and its kind.
KIND_FOR_REQUEST_TYPE = {"bereavement": Kind.BEREAVEMENT, "illness": Kind.ILLNESS}


class Wish(models.TextChoices):
    """How the worker would like to be visited; "none" is a worker declining the visit."""

    UNKNOWN = "", pgettext_lazy("care", "not asked yet")
    HOME = "home", pgettext_lazy("care", "a visit at home")
    HOSPITAL = "hospital", pgettext_lazy("care", "a visit in hospital")
    PHONE = "phone", pgettext_lazy("care", "a phone call")
    NONE = "none", pgettext_lazy("care", "no visit, thank you")


class State(models.TextChoices):
    OPEN = "open", pgettext_lazy("care", "to visit")
    DONE = "done", pgettext_lazy("care", "visited")
    DECLINED = "declined", pgettext_lazy("care", "declined by the worker")
    CANCELLED = "cancelled", pgettext_lazy("care", "cancelled")


class Origin(models.TextChoices):
    OFFICER = "officer", pgettext_lazy("care", "opened by an officer")
    WELFARE = "welfare", pgettext_lazy("care", "opened by a welfare approval")
    COLLEAGUE = "colleague", pgettext_lazy("care", "reported by a colleague")


class CareCase(models.Model):
    Kind = Kind
    Wish = Wish
    State = State
    Origin = Origin

    member = models.ForeignKey(
        "members.Member", verbose_name=_("worker"), on_delete=models.PROTECT, related_name="care_cases"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    about = models.CharField(
        _("who is concerned"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the worker; otherwise the family member, e.g. 母亲."),
    )
    reason = models.TextField(_("what happened"), max_length=2000, blank=True)
    origin = models.CharField(_("source"), max_length=20, choices=Origin.choices)
    welfare_request = models.OneToOneField(
        "welfare.WelfareRequest",
        verbose_name=_("welfare request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_case",
    )
    reported_by = models.ForeignKey(
        "members.Member",
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    due_on = models.DateField(_("visit due by"))
    confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("Only the assigned officer and welfare officers see it.")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_care_cases",
    )
    companions = models.CharField(_("companions"), max_length=200, blank=True)
    wish = models.CharField(_("the worker's wish"), max_length=10, choices=Wish.choices, blank=True)
    wish_note = models.CharField(_("the worker's note"), max_length=300, blank=True)
    remind_worker = models.BooleanField(
        _("remind the worker the day before"),
        default=False,
        help_text=_("Only when the worker asked for it: nothing else is sent to them."),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    what_was_done = models.TextField(_("what was done"), max_length=2000, blank=True)
    brought = models.CharField(_("what was brought"), max_length=200, blank=True)
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("officer reminded at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("care case")
        verbose_name_plural = _("care cases")
        ordering = ["due_on", "id"]
        permissions = [("view_confidential_case", _("Can see confidential care cases"))]
        indexes = [models.Index(fields=["state", "due_on"], name="care_state_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="care_state_known"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="care_kind_known"),
            models.CheckConstraint(condition=Q(wish__in=Wish.values), name="care_wish_known"),
            models.CheckConstraint(condition=Q(due_on__gte=F("opened_on")), name="care_due_after_opening"),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(visited_on__isnull=False), name="care_done_has_visit_date"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.member}"

    @property
    def is_open(self) -> bool:
        return self.state == State.OPEN

    @property
    def is_confidential(self) -> bool:
        """Same rule as ``selectors.CONFIDENTIAL_Q`` (load ``welfare_request`` with the case)."""
        request = self.welfare_request if self.welfare_request_id else None
        return self.confidential or (request is not None and request.is_confidential)

    def is_overdue(self, today: date | None = None) -> bool:
        return self.state == State.OPEN and self.due_on < (today or timezone.localdate())

    @property
    def on_time(self) -> bool | None:
        """Visited by the due date; ``None`` while not visited."""
        if self.visited_on is None:
            return None
        return self.visited_on <= self.due_on

    @staticmethod
    def overdue_q(today: date | None = None) -> Q:
        return Q(state=State.OPEN, due_on__lt=today or timezone.localdate())


class CareChange(StateChange):
    """One change of a case's state, with who made it and why."""

    subject_field = "case"

    case = models.ForeignKey(CareCase, on_delete=models.CASCADE, related_name="changes")
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("care case change")
        verbose_name_plural = _("care case changes")
