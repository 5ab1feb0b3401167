"""Columns for the back office's lists."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext


def yes_no(value: bool | None) -> str:
    """A yes/no cell in words: the admin's own icons tell a screen reader "True" or "False" in
    English, and each costs a lookup in the static files' manifest (two columns of them were a
    sixth of the feedback list's time)."""
    if value is None:
        return "—"
    word = gettext("yes") if value else gettext("no")
    return format_html('<span class="yes-no yes-no-{}">{}</span>', "yes" if value else "no", word)


def yes_no_column(model, field_name: str):
    """A ``list_display`` entry for a boolean field, headed and sorted as the field itself."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name, ordering=field_name)
    def column(obj):
        return yes_no(getattr(obj, field_name))

    column.__name__ = field_name  # the column's CSS class, as for the field itself
    return column
