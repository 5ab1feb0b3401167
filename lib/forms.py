"""Small helpers for forms, whatever the area."""

from django import forms
from django.utils.translation import gettext as _


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
