from django import forms
from django.utils.translation import gettext_lazy as _

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
