from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.forms import SelectableFieldsExportForm

from .models import ImportJob


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file or an Excel workbook (.xlsx) with one header line. Columns may be headed in Chinese or "
            "English; see the column list below."
        ),
    )


class ImportConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(
        label=_("Import only the rows without errors and leave the others out"), required=False
    )


class ScopedExportForm(SelectableFieldsExportForm):
    """The export form, with each column named as in the officer's language."""

    def _get_field_label(self, resource, field_name: str) -> str:
        labels = dict(getattr(resource, "COLUMNS", []))
        if field_name in labels:
            return capfirst(str(labels[field_name]))
        return super()._get_field_label(resource, field_name)
