"""Activities the union runs, who signs up for them, and what happened.

The rules (who may sign up, capacity, waiting list, lottery, check-in) live
in ``activities/services/`` (one module per rule); the models hold the facts and the invariants
the database can guard.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from lib.models import StateChange
from members.models import Member, OrgUnit


class ActivityQuerySet(models.QuerySet):
    def with_counts(self) -> "ActivityQuerySet":
        """Annotate ``places_taken`` and ``waiting_count`` in the same query."""
        return self.annotate(
            places_taken=Count("registrations", filter=Q(registrations__status__in=Registration.PLACE_STATUSES)),
            waiting_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
        )

    def published(self) -> "ActivityQuerySet":
        return self.filter(status=Activity.Status.PUBLISHED)


class Activity(models.Model):
    """One event: a learning session, a hike, a care visit, a choir rehearsal..."""

    class Category(models.TextChoices):
        LEARNING = "learning", _("learning")
        CULTURE_SPORT = "culture_sport", _("culture & sport")
        CARE = "care", _("care")
        VOLUNTEERING = "volunteering", _("volunteering")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    class Allocation(models.TextChoices):
        FIRST_COME = "first_come", _("first come, first served")
        LOTTERY = "lottery", _("lottery when the sign-up closes")

    class RetiredRule(models.TextChoices):
        ANY = "", _("anyone, retired or not")
        ONLY = "only", _("retired members only")
        OR_OLDER = "or_older", _("retired members, or members of at least the minimum age")

    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    description = models.TextField(pgettext_lazy("activity", "description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="activities",
        help_text=_("The unit that runs the activity. It is open to the members of this unit and all units below it."),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    signup_opens_at = models.DateTimeField(
        _("sign-up opens at"), null=True, blank=True, help_text=_("Leave empty to open sign-up on publication.")
    )
    signup_closes_at = models.DateTimeField(
        _("sign-up closes at"), null=True, blank=True, help_text=_("Leave empty to keep sign-up open until the start.")
    )
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    waiting_list = models.BooleanField(
        _("waiting list"), default=True, help_text=_("When full, further sign-ups join a waiting list.")
    )
    allocation = models.CharField(
        _("allocation of places"), max_length=20, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    reminder_lead = models.DurationField(
        _("reminder before the start"),
        default=timedelta(hours=24),
        help_text=_("How long before the start participants get a reminder, e.g. 24:00:00 for a day."),
    )
    cancellation_cutoff = models.DurationField(
        _("cancellation cut-off"),
        default=timedelta(hours=2),
        help_text=_("Workers may cancel their place online until this long before the start."),
    )

    # Eligibility: rules an officer sets per activity, checked on sign-up and shown before it.
    members_only = models.BooleanField(
        _("members only"), default=True, help_text=_("Only active union members may sign up.")
    )
    gender = models.CharField(
        _("gender"), max_length=1, choices=Member.Gender.choices, blank=True, help_text=_("Leave empty for everyone.")
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, help_text=_("Age on the day of the activity.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, help_text=_("Age on the day of the activity.")
    )
    retired = models.CharField(
        _("retired members"), max_length=10, choices=RetiredRule.choices, blank=True, default=RetiredRule.ANY
    )
    eligible_units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("only for these units"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole unit that runs it. Each unit includes everything below it."),
    )

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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    history = HistoricalRecords(m2m_fields=[eligible_units])

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=models.F("max_age")),
                name="activity_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(signup_opens_at__isnull=True)
                | Q(signup_closes_at__isnull=True)
                | Q(signup_opens_at__lt=models.F("signup_closes_at")),
                name="activity_signup_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(signup_closes_at__isnull=True) | Q(signup_closes_at__lte=models.F("starts_at")),
                name="activity_signup_closes_before_start",
            ),
        ]
        permissions = [
            ("cancel_activity", _("Can cancel activities and e-mail everyone signed up")),
            ("draw_activity", _("Can draw the places of a lottery")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The maximum age must not be below the minimum age.")
        if self.signup_opens_at and self.signup_closes_at and self.signup_opens_at >= self.signup_closes_at:
            errors["signup_closes_at"] = _("Sign-up must close after it opens.")
        if self.signup_closes_at and self.starts_at and self.signup_closes_at > self.starts_at:
            errors["signup_closes_at"] = _("Sign-up must close before the activity starts.")
        if self.retired == self.RetiredRule.OR_OLDER and self.min_age is None:
            errors["min_age"] = _("Give the minimum age from which members who are not retired may join.")
        if self.allocation == self.Allocation.LOTTERY and not self.signup_closes_at:
            errors["signup_closes_at"] = _("A lottery needs a closing time for sign-up: places are drawn then.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_lottery(self) -> bool:
        return self.allocation == self.Allocation.LOTTERY

    @property
    def signup_closes(self):
        """When sign-up ends: its closing time, or the start."""
        return self.signup_closes_at or self.starts_at

    @property
    def local_date(self):
        """The calendar day of the activity, in the portal's time zone (ages are taken on it)."""
        return timezone.localtime(self.starts_at).date()

    @property
    def taken(self) -> int:
        if hasattr(self, "places_taken"):
            return self.places_taken
        return self.registrations.filter(status__in=Registration.PLACE_STATUSES).count()

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def fill_rate(self) -> int:
        """Percentage of places taken."""
        return round(100 * self.taken / self.capacity) if self.capacity else 0

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class Registration(models.Model):
    """One worker's place (or wish for one) in one activity."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in the draw")
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("on the waiting list")
        NOT_DRAWN = "not_drawn", _("not drawn")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("did not come")

    # Statuses that hold one of the activity's places.
    PLACE_STATUSES = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)
    # Statuses of a worker who is still "in": signing up again makes no sense.
    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITING, Status.ATTENDED, Status.NO_SHOW)

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="registrations"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="activity_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    position = models.PositiveIntegerField(
        _("waiting list position"), null=True, blank=True, help_text=_("Lower numbers are promoted first.")
    )
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["activity_id", "status", "position", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "activity"], name="registration_one_per_member_and_activity"),
            models.UniqueConstraint(
                fields=["activity", "position"],
                condition=Q(status="waiting"),
                name="registration_waiting_position_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(position__isnull=False), name="registration_waiting_has_position"
            ),
        ]
        indexes = [models.Index(fields=["activity", "status", "position"], name="registration_queue_idx")]
        permissions = [
            ("check_in_registration", _("Can check members in and record no-shows")),
            ("export_registration", _("Can export participant lists")),
        ]

    def __str__(self):
        return f"{self.member} · {self.activity}"

    def get_absolute_url(self):
        return reverse("activities:registration", args=[self.pk])

    @property
    def holds_place(self) -> bool:
        return self.status in self.PLACE_STATUSES


class RegistrationEvent(StateChange):
    """One change of a registration: who, when, from, to and why."""

    subject_field = "registration"
    subject_state = "status"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=Registration.Status.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=Registration.Status.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("registration change")
        verbose_name_plural = _("registration changes")


class EligibilityOverride(models.Model):
    """An officer lets one member sign up although the activity's rules say no."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="overrides"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="activity_overrides"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("eligibility exception")
        verbose_name_plural = _("eligibility exceptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="override_one_per_member_and_activity"),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self):
        return f"{self.member} · {self.activity}"


class LotteryDraw(models.Model):
    """The record of one lottery: its seed, its input and its outcome, so
    anyone can re-run it and get the same result."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="lottery_draw"
    )
    seed = models.CharField(_("seed"), max_length=40)
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    places = models.PositiveIntegerField(_("places drawn"))
    entrants = models.PositiveIntegerField(_("entrants"))
    # [{"registration": id, "member": id, "name": str, "prior_places": n, "rank": n, "outcome": status}, ...]
    result = models.JSONField(_("result"), default=list)
    explanation = models.TextField(_("explanation"))

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")
        ordering = ["-drawn_at"]

    def __str__(self):
        return f"{self.activity} · {self.drawn_at:%Y-%m-%d}"


class Rating(models.Model):
    """An attendee's verdict on an activity, after it."""

    registration = models.OneToOneField(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=_("1 (poor) to 5 (excellent)")
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.registration}: {self.score}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's private calendar feed. The token is the only key to it;
    renewing it (or deleting the row) revokes every old link."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.member)

    def get_absolute_url(self):
        return reverse("activities:feed", args=[self.token])
