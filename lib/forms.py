"""Small helpers for forms, whatever the area."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export.forms import SelectableFieldsExportForm


def label_split_datetimes(form: forms.BaseForm) -> None:
    """Give the date and the time box of each split date-time field a name of its own.

    Django's admin draws such a field as two inputs under one ``<label>``,
    which points at neither: a screen reader announces two unnamed boxes.
    """
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.SplitDateTimeWidget):
            date, time = widget.widgets
            date.attrs.setdefault("aria-label", _("%(field)s: date") % {"field": field.label})
            time.attrs.setdefault("aria-label", _("%(field)s: time") % {"field": field.label})


class LabelledExportForm(SelectableFieldsExportForm):
    """django-import-export's export form, each column offered by the name it has in the file.

    The library labels a checkbox with the field's Python name ("Starts At (开始时间)"): an
    officer should read the column's own translated name.
    """

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is not None and field.column_name and str(field.column_name) != field_name:
            return capfirst(str(field.column_name))
        return super()._get_field_label(resource, field_name)
