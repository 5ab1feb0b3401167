"""Activities workers propose: what, when, for whom; others in scope co-sign.

Past a threshold of co-signers (``ProposalThreshold`` of the unit or the
nearest unit above it, else the ``PROPOSALS_THRESHOLD`` setting) the officers
of the unit are told; an officer turns the proposal into an activity draft or
answers why not, and the proposer and co-signers read the answer.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import Activity


class Proposal(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("collecting co-signers")
        DRAFTED = "drafted", _("turned into an activity")
        DECLINED = "declined", _("not taken up")

    proposer = models.ForeignKey(
        "members.Member",
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    unit = models.ForeignKey(
        "members.OrgUnit",
        verbose_name=_("for whom"),
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("The members of this unit and the units below it; they may co-sign."),
    )
    title = models.CharField(_("what to do"), max_length=120)
    description = models.TextField(pgettext_lazy("proposal", "description"), max_length=2000)
    when = models.CharField(_("when"), max_length=100, help_text=_("For example: a Saturday in May, after work."))
    category = models.CharField(
        _("kind of activity"),
        max_length=20,
        choices=Activity.Category.choices,
        default=Activity.Category.OTHER,
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now, editable=False)
    # Kept by the co-sign service under the proposal's row lock.
    supporter_count = models.PositiveIntegerField(_("co-signers"), default=0, editable=False)
    threshold_reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True, editable=False)
    answer = models.TextField(_("answer of the union"), max_length=2000, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
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
        verbose_name = _("activity proposal")
        verbose_name_plural = _("activity proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "unit"], name="proposal_state_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | Q(decided_at__isnull=False), name="proposal_decided_has_time"
            ),
            models.CheckConstraint(condition=~Q(state="declined") | ~Q(answer=""), name="proposal_declined_has_answer"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ProposalSupport(models.Model):
    """A member's co-signature; one per member and proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("activity proposal"), on_delete=models.CASCADE, related_name="supports"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("co-signer"), on_delete=models.CASCADE, related_name="proposal_supports"
    )
    created_at = models.DateTimeField(_("co-signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="proposal_one_support_per_member")]

    def __str__(self):
        return f"{self.member} → {self.proposal}"


class ProposalThreshold(models.Model):
    """How many co-signers a proposal for this unit (and the units below it without
    their own) needs before the officers are told."""

    unit = models.OneToOneField(
        "members.OrgUnit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="proposal_threshold"
    )
    supporters = models.PositiveSmallIntegerField(
        _("co-signers needed"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )

    class Meta:
        verbose_name = _("co-signer threshold")
        verbose_name_plural = _("co-signer thresholds")
        constraints = [models.CheckConstraint(condition=Q(supporters__gte=1), name="proposal_threshold_positive")]

    def __str__(self):
        return f"{self.unit}: {self.supporters}"
