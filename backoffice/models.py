import os
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


@deconstructible(path="backoffice.models.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under ``settings.PRIVATE_MEDIA_ROOT``, read at use time; never served by URL."""

    @property
    def base_location(self):
        return os.fspath(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Import files are private and have no URL.")


def import_file_path(instance, filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()[:6]
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


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
        permissions = [("view_statistics", _("Can view the statistics"))]

    def __str__(self):
        return f"{self.unit} {self.year}"


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
        return f"backoffice:import-job:{self.pk}:progress"

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
