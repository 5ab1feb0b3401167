"""Readable history pages for every admin kept by django-simple-history.

The library's page lists the raw stored values: state codes instead of their
labels, "None" for an empty field or an unknown author, and "Deleted 账号
(pk=None)" for an empty or deleted link. ``HistoryAdmin`` shows who, when and
what changed, each change as "label: old → new" with choice labels, "—" for
nothing, and a deleted object by the name it last had.
"""

from django.db import models
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


def readable_value(field, value) -> str:
    """A stored value as an officer reads it."""
    if isinstance(value, DeletedObject):
        return deleted_name(value)
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):  # many-to-many: the related objects' names
        return "、".join(readable_value(field, v) for v in value)
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def deleted_name(deleted: DeletedObject) -> str:
    if deleted.pk is None:
        return EMPTY
    manager = getattr(deleted.model, "history", None)
    if manager is not None:
        last = manager.filter(**{deleted.model._meta.pk.attname: deleted.pk}).order_by("-history_date").first()
        if last is not None:
            return _("%(name)s (deleted)") % {"name": last.instance}
    return _("a deleted %(kind)s, no. %(pk)s") % {"kind": deleted.model._meta.verbose_name, "pk": deleted.pk}


class ReadableChanges(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            value = super().prepare_delta_change_value(change, value)
        return readable_value(field, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin with a history list an officer can read (see the module's docstring)."""

    object_history_list_template = "admin/history/object_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return super().get_history_queryset(request, history_manager, pk_name, object_id).select_related("history_user")
