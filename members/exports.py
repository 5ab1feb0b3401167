"""Exports from admin changelists (CSV and Excel), for any area's admin."""

from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from .forms import ScopedExportForm


class ScopedExportMixin(ExportMixin):
    """Export the officer's filtered changelist, never beyond their scope.

    The rows are the changelist's own queryset (so ``UnitScopedAdminMixin``
    and any confidentiality rule of ``get_queryset`` apply); the resource gets
    the officer as ``user`` so it can leave out columns they may not see.
    """

    export_formats = [CSV, XLSX]
    export_form_class = ScopedExportForm
    # The permission ("app.codename") an officer needs to export.
    export_permission = ""

    def has_export_permission(self, request):
        return bool(self.export_permission) and request.user.has_perm(self.export_permission)

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}
