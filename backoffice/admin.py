from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from lib.errors import error_text
from members.scoping import UnitScopedAdminMixin

from . import services
from .forms import ImportConfirmForm, ImportUploadForm
from .models import Budget, ImportJob
from .resources import RESOURCES


@admin.register(Budget)
class BudgetAdmin(UnitScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["unit", "year", "amount", "note"]
    list_filter = ["year"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "note"]
    autocomplete_fields = ["unit"]
    ordering = ["-year", "unit__path"]


@admin.register(ImportJob)
class ImportJobAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    """Uploads of rosters and dues: check, preview, confirm, progress."""

    list_display = ["original_name", "kind", "status", "progress", "total_rows", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    search_fields = ["original_name"]
    date_hierarchy = "created_at"

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.progress_percent}%"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_urls(self):
        return [
            path(
                "<int:pk>/confirm/", self.admin_site.admin_view(self.confirm_view), name="backoffice_importjob_confirm"
            ),
            path("<int:pk>/cancel/", self.admin_site.admin_view(self.cancel_view), name="backoffice_importjob_cancel"),
        ] + super().get_urls()

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = services.import_job_create(
                    kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error("file", error_text(exc))
            else:
                return redirect(reverse("admin:backoffice_importjob_change", args=[job.pk]))
        columns = {
            kind: [(name, label, name in resource.REQUIRED) for name, label in resource.COLUMNS]
            for kind, resource in RESOURCES.items()
        }
        return TemplateResponse(
            request,
            "admin/backoffice/importjob/upload.html",
            self._context(
                request, form=form, title=_("Import a file"), columns=columns, kinds=dict(ImportJob.Kind.choices)
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(self.get_queryset(request).select_related("created_by", "confirmed_by"), pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/backoffice/importjob/job.html",
            self._context(
                request,
                job=job,
                original=job,
                title=str(job),
                counts=services.import_counts_text(job.counts),
                imported=services.import_counts_text(job.counts.get("imported", {})),
                confirm_form=ImportConfirmForm(),
                may_confirm=self.has_add_permission(request),
            ),
        )

    def confirm_view(self, request, pk):
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            form = ImportConfirmForm(request.POST)
            form.is_valid()
            try:
                services.import_job_confirm(
                    job=job, by=request.user, skip_bad_rows=form.cleaned_data.get("skip_bad_rows", False)
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(request, _("The import has started."))
        return redirect(reverse("admin:backoffice_importjob_change", args=[job.pk]))

    def cancel_view(self, request, pk):
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            try:
                services.import_job_cancel(job=job, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(request, _("The import was cancelled; nothing was saved."))
        return redirect(reverse("admin:backoffice_importjob_change", args=[job.pk]))
