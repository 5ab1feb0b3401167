import os
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from lib.models import StateChange
from lib.phones import phone_display, phone_or_blank
from lib.storage import PrivateStorage


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email and not extra.get("phone"):
            raise ValueError("An e-mail address or a mobile number is required.")
        user = self.model(email=self.normalize_email(email).lower() if email else None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """An account. Workers log in by e-mail or mobile number; officers act for one unit."""

    username = None
    first_name = None
    last_name = None
    # NULL, not "", for an account opened with a mobile number only: unique among those who have one.
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    # E.164 (lib.phones); unique among verified numbers (an unverified one may be a typo of someone else's).
    phone = models.CharField(_("mobile number"), max_length=20, blank=True, default="")
    phone_verified = models.BooleanField(_("mobile number verified"), default=False)
    display_name = models.CharField(_("name"), max_length=100, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    officer_unit = models.ForeignKey(
        "members.OrgUnit",
        verbose_name=_("acts for unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        help_text=_("An officer sees this unit and everything below it."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    # The admin search's indexes (members.search; migration 0003_search_indexes, PostgreSQL).
    SEARCH_INDEXES = {"email": "doubled"}
    objects = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=Q(phone_verified=True), name="user_verified_phone_unique"
            ),
        ]

    def __str__(self):
        return self.display_name or self.email or self.phone

    def save(self, *args, **kwargs):
        if not self.email:
            self.email = None  # "" would be one more account with the same address
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.display_name or self.email or self.phone

    def get_short_name(self):
        return self.display_name or self.email or self.phone


class OrgUnit(MP_Node):
    """One node of the organisation tree: federation → union → branch → group.

    Stored as a materialised path, so "this unit and everything below it" is
    one indexed ``path LIKE 'prefix%'`` whatever the size of the tree.
    """

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("federation")
        UNION = "union", _("grassroots union")
        BRANCH = "branch", _("branch")
        GROUP = "group", _("group")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Read on the member's grassroots union (``Member.union``); empty: no automatic lapse.
    lapse_after_unpaid_months = models.PositiveSmallIntegerField(
        _("lapse after unpaid months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(24)],
        help_text=_(
            "For a grassroots union: a member with this many months in a row without dues lapses automatically, "
            "warned a month before. Empty: never (the default)."
        ),
    )
    node_order_by = ["name"]

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")

    def __str__(self):
        return self.name

    def subtree_q(self, field: str = "") -> Q:
        """A filter for objects whose unit (at ``field``) is this unit or below it."""
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path__startswith": self.path})

    def contains(self, other: "OrgUnit | None") -> bool:
        return other is not None and other.path.startswith(self.path)

    @property
    def grassroots_union(self) -> "OrgUnit":
        """The grassroots union this unit belongs to (itself if it is one)."""
        if self.kind in (self.Kind.UNION, self.Kind.FEDERATION):
            return self
        for ancestor in reversed(OrgUnit.objects.get_ancestors(self)):
            if ancestor.kind == self.Kind.UNION:
                return ancestor
        return OrgUnit.objects.get_root(self)


class Member(models.Model):
    """A worker's profile and their membership of the union."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered (not a member)")
        APPLICANT = "applicant", _("applied")
        ACTIVE = "active", _("active member")
        REJECTED = "rejected", _("rejected")
        SUSPENDED = "suspended", _("suspended")
        LAPSED = "lapsed", _("lapsed")
        WITHDRAWN = "withdrawn", _("withdrawn")
        TRANSFERRED = "transferred", _("transferred out")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    employee_number = models.CharField(_("employee number"), max_length=40, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisational unit"), on_delete=models.PROTECT, related_name="members"
    )
    # The grassroots union above ``unit``: employee numbers are unique within it.
    union = models.ForeignKey(
        OrgUnit,
        verbose_name=_("grassroots union"),
        on_delete=models.PROTECT,
        related_name="union_members",
        editable=False,
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    retired = models.BooleanField(_("retired"), default=False)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    privacy_consent_at = models.DateTimeField(_("privacy notice accepted at"), null=True, blank=True)
    status = models.CharField(
        _("membership status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    membership_number = models.CharField(_("membership number"), max_length=20, null=True, blank=True, unique=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    card_token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe, editable=False)
    wants_optional_mail = models.BooleanField(
        _("receive greetings and reminders by e-mail"),
        default=False,
        help_text=_("Birthday greetings and dues reminders. Notices about your own requests are always sent."),
    )

    class Channel(models.TextChoices):
        AUTO = "auto", _("automatic: e-mail if I have an address, else text message")
        EMAIL = "email", _("e-mail only")
        SMS = "sms", _("text message only")
        BOTH = "both", _("e-mail and text message")

    channel = models.CharField(
        _("how the union reaches you"), max_length=10, choices=Channel.choices, default=Channel.AUTO
    )
    wants_optional_sms = models.BooleanField(
        _("receive greetings and reminders by text message"),
        default=False,
        help_text=_("Replying TD to one of our texts turns this off."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # The dues month the last lapse warning was about: claimed before the warning is queued,
    # so each member is warned once per month (members.lapses).
    lapse_warned_for = models.DateField(_("lapse warning sent for"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["card_token"])

    # The admin search's indexes (members.search; migration 0003_search_indexes, PostgreSQL).
    SEARCH_INDEXES = dict.fromkeys(["name", "membership_number", "employee_number", "phone", "email"], "doubled")

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name", "id"]
        # The admin's search indexes (PostgreSQL only) are in migration 0003_search_indexes.
        indexes = [models.Index(fields=["name", "id"], name="member_changelist_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "employee_number"],
                condition=~Q(employee_number=""),
                name="member_employee_number_unique_in_union",
            ),
        ]
        permissions = [
            ("approve_member", _("Can approve or reject membership applications")),
            ("export_member", _("Can export member rosters")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.union = self.unit.grassroots_union
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:profile")

    @property
    def is_active_member(self) -> bool:
        return self.status == self.Status.ACTIVE

    def age_on(self, day) -> int:
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def contact_email(self) -> str:
        if self.user_id and self.user.email:
            return self.user.email
        return self.email

    @property
    def contact_phone(self) -> str:
        """The account's verified number, else the profile's (as the roster or the worker gave it), in E.164."""
        if self.user_id and self.user.phone_verified and self.user.phone:
            return self.user.phone
        return phone_or_blank(self.phone) if self.phone else ""

    def reach(self) -> tuple[str, str]:
        """(address, number) the union writes to, by the member's choice of channel; "" for a channel not used.

        Automatic: e-mail where there is an address, else a text message.
        """
        email, phone = self.contact_email, self.contact_phone
        channel = self.channel
        if channel == self.Channel.AUTO:
            return (email, "") if email else ("", phone)
        if channel == self.Channel.EMAIL:
            return email, ""
        if channel == self.Channel.SMS:
            return ("", phone) if phone else (email, "")  # no number: e-mail rather than nothing
        return email, phone

    @property
    def phone_shown(self) -> str:
        return phone_display(self.phone)

    @property
    def channels_label(self) -> str:
        """Which channels reach this member now, for their page and officers'."""
        email, phone = self.reach()
        labels = [str(label) for value, label in ((email, _("e-mail")), (phone, _("text message"))) if value]
        return " + ".join(labels) or str(_("not reachable (no address, no number)"))


class MembershipEvent(StateChange):
    """One change of a member's status: who, when, from, to and why."""

    subject_field = "member"
    subject_state = "status"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=Member.Status.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Member.Status.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")


class MembershipTransfer(models.Model):
    """A member moving to another grassroots union: asked by the union they leave, accepted by the one they join.

    While it waits the member is "transferred out" and still in their old unit; when the
    receiving union accepts, the same member row (their history, dues and requests with it)
    moves into the unit the receiving officer chose, and is active again. The row stays
    visible to the officers of both sides.
    """

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("transfer", "waiting for the receiving union")
        ACCEPTED = "accepted", pgettext_lazy("transfer", "accepted")
        DECLINED = "declined", pgettext_lazy("transfer", "declined")
        CANCELLED = "cancelled", pgettext_lazy("transfer", "cancelled")

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_union = models.ForeignKey(
        OrgUnit,
        verbose_name=_("receiving union"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
        limit_choices_to={"kind": OrgUnit.Kind.UNION},
    )
    to_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("into unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(state="pending"), name="one_pending_transfer_per_member"
            ),
            models.CheckConstraint(condition=~Q(state="accepted") | Q(to_unit__isnull=False), name="accepted_has_unit"),
        ]

    def __str__(self):
        return f"{self.member} → {self.to_union}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING


class DuesRecord(models.Model):
    """Union dues (会费) paid by a member for one period (a month)."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="dues")
    period = models.DateField(_("period"), help_text=_("The first day of the month paid for."))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dues record")
        verbose_name_plural = _("dues records")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["member", "period"], name="dues_one_record_per_period"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="dues_amount_not_negative",
                violation_error_message=_("A dues amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.period:%Y-%m}"


class DeletionRequest(models.Model):
    """A member's request that the union erase their personal data."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("carried out")
        DECLINED = "declined", _("declined")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="deletion_requests"
    )
    reason = models.TextField(_("reason"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="open"), name="one_open_deletion_request_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.member} ({self.get_status_display()})"


def import_file_path(instance, filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()[:6]
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ImportJob(models.Model):
    """One uploaded roster or dues file, from its check to its import.

    The file is checked first (nothing is saved), the officer sees the
    preview and row errors and confirms; the import then runs as one
    transaction, so it is all or nothing.
    """

    class Kind(models.TextChoices):
        MEMBERS = "members", _("member roster")
        DUES = "dues", _("dues records")

    class Status(models.TextChoices):
        CHECKING = "checking", _("being checked")
        READY = "ready", _("ready to import")
        HAS_ERRORS = "has_errors", _("has rows with errors")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", pgettext_lazy("import", "failed")
        CANCELLED = "cancelled", pgettext_lazy("import", "cancelled")

    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), storage=PrivateStorage(), upload_to=import_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    unit = models.ForeignKey(
        "members.OrgUnit",
        verbose_name=_("organisational unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit of the officer who uploaded the file; the import stays inside it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CHECKING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [{"row": 3, "messages": ["性别: …"]}, …]: the first rows with errors, for the page.
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    # Every row number with an error: these are left out when the officer imports the good rows.
    bad_rows = models.JSONField(default=list, blank=True, editable=False)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    skip_bad_rows = models.BooleanField(_("import only the rows without errors"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def error_count(self) -> int:
        return len(self.bad_rows)

    @property
    def good_row_count(self) -> int:
        return max(self.total_rows - len(self.bad_rows), 0)

    def progress_key(self) -> str:
        return f"members:import-job:{self.pk}:progress"

    @property
    def progress_percent(self) -> int:
        """How far the running step is, 0-100.

        The import step runs inside one transaction, so its progress cannot be
        read from this row until it commits; it is kept in the cache instead.
        """
        done = self.processed_rows
        if self.status == self.Status.IMPORTING:
            done = cache.get(self.progress_key(), 0)
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * done / self.total_rows))


class OutreachContact(models.Model):
    """An officer's follow-up of a member who took part in nothing for a long time
    (the outreach list): a call or visit, a care visit opened, an invitation sent."""

    class Outcome(models.TextChoices):
        CONTACTED = "contacted", pgettext_lazy("outreach", "contacted")
        CARE_VISIT = "care_visit", pgettext_lazy("outreach", "care visit opened")
        INVITED = "invited", pgettext_lazy("outreach", "invited to an activity")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="outreach_contacts"
    )
    outcome = models.CharField(_("follow-up"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # What the follow-up led to, as the officer reads it: the activity's title, the care case.
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("outreach contact")
        verbose_name_plural = _("outreach contacts")
        indexes = [models.Index(fields=["member", "-at"], name="members_outreach_member_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["contacted", "care_visit", "invited"]),
                name="members_outreach_outcome_known",
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.get_outcome_display()}"
