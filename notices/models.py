"""公示: approved grants of schemes that require it, published before they are paid.

A grant of a scheme whose ``NoticeRule`` says "publish before paying" gets a
``GrantNotice`` when it is approved (``notices.signals``), unless the case is
confidential. The notice shows the masked name, the unit, the scheme, the amount
and the reason category, never the case text. During its period members of the
unit and of the units above may raise a named ``Objection``; the chair decides
each with a recorded reason. Welfare refuses to mark the grant paid until the
period has ended with no objection upheld or undecided (``services.payment_check``).
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DECIDE_OBJECTION = "notices.decide_objection"


class NoticeRule(models.Model):
    """Whether grants of a benefit scheme are published before paying, and for how long."""

    scheme = models.OneToOneField(
        "welfare.BenefitScheme", verbose_name=_("benefit scheme"), on_delete=models.CASCADE, related_name="notice_rule"
    )
    publish_before_paying = models.BooleanField(_("publish before paying"), default=True)
    notice_days = models.PositiveSmallIntegerField(
        _("notice period (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Working days (Monday to Friday) during which members may object."),
    )

    class Meta:
        verbose_name = _("notice rule")
        verbose_name_plural = _("notice rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_days__gte=1, notice_days__lte=30), name="notices_rule_days_in_range"
            ),
        ]

    def __str__(self):
        return str(self.scheme)


class ReasonCategory(models.TextChoices):
    ILLNESS = "illness", pgettext_lazy("notices", "illness")
    BEREAVEMENT = "bereavement", pgettext_lazy("notices", "bereavement")
    DISASTER = "disaster", pgettext_lazy("notices", "disaster")
    EDUCATION = "education", pgettext_lazy("notices", "education")
    FAMILY = "family", pgettext_lazy("notices", "family event")
    HARDSHIP = "hardship", pgettext_lazy("notices", "hardship")
    OTHER = "other", pgettext_lazy("notices", "other")


# The reason category shown for a grant of each welfare request type.
REASON_FOR_TYPE = {
    "illness": ReasonCategory.ILLNESS,
    "bereavement": ReasonCategory.BEREAVEMENT,
    "disaster": ReasonCategory.DISASTER,
    "education": ReasonCategory.EDUCATION,
    "childbirth": ReasonCategory.FAMILY,
    "marriage": ReasonCategory.FAMILY,
    "hardship": ReasonCategory.HARDSHIP,
}


class GrantNotice(models.Model):
    """One approved grant on the notice board: only what may be public, copied at publication."""

    request = models.OneToOneField(
        "welfare.WelfareRequest", verbose_name=_("welfare request"), on_delete=models.CASCADE, related_name="notice"
    )
    unit = models.ForeignKey(
        "members.OrgUnit", verbose_name=_("organisational unit"), on_delete=models.PROTECT, related_name="+"
    )
    masked_name = models.CharField(_("name (masked)"), max_length=20)
    scheme_name = models.CharField(_("scheme"), max_length=80)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    reason_category = models.CharField(_("reason category"), max_length=20, choices=ReasonCategory.choices)
    starts_on = models.DateField(_("published from"))
    ends_on = models.DateField(_("objections until"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("grant notice")
        verbose_name_plural = _("grant notices")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="notices_period_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="notices_period_not_empty"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="notices_amount_positive"),
        ]

    def __str__(self):
        return f"{self.masked_name} · {self.scheme_name} · ¥{self.amount}"

    def is_open_for_objections(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on

    def has_ended(self, today: date | None = None) -> bool:
        return self.ends_on < (today or timezone.localdate())


class Objection(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("notices", "waiting for the chair")
        UPHELD = "upheld", pgettext_lazy("notices", "upheld")
        DISMISSED = "dismissed", pgettext_lazy("notices", "dismissed")

    notice = models.ForeignKey(
        GrantNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="objections"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="notice_objections"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_at", "id"]
        permissions = [("decide_objection", _("Can decide objections to grant notices"))]
        constraints = [
            models.UniqueConstraint(fields=["notice", "member"], name="notices_one_objection_per_member"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "upheld", "dismissed"]), name="notices_state_known"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | (Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="notices_decision_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.notice} · {self.member}"
