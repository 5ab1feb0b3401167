"""History of changes in the admin (django-simple-history), kept in scope.

``SimpleHistoryAdmin`` shows an object's history even when the object is
outside the officer's queryset (it falls back to the last historical copy),
and lets anyone with the change permission revert to an old copy, which
would bypass the services' rules (a member's status, a request's state).
``ScopedHistoryAdmin`` shows history only of objects the officer may open,
read-only.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    def _check_in_scope(self, request, object_id) -> None:
        pk_name = self.model._meta.pk.attname
        if not self.get_queryset(request).filter(**{pk_name: unquote(object_id)}).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_in_scope(request, object_id)
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True
