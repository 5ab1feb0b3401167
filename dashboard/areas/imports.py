"""Imports waiting for the officer's decision, on the dashboard."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from members.models import ImportJob
from members.scoping import scope_queryset

from .. import panels
from ..panels import Figure, Panel, changelist_url

S = ImportJob.Status


def imports_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm("members.view_importjob"):
        return None
    counts = scope_queryset(ImportJob.objects.all(), user).aggregate(
        waiting=Count("pk", filter=Q(status__in=[S.READY, S.HAS_ERRORS])),
        running=Count("pk", filter=Q(status__in=[S.CHECKING, S.IMPORTING])),
    )
    if not counts["waiting"] and not counts["running"]:
        return None
    return Panel(
        title=_("Imports"),
        figures=[
            Figure(
                _("checked files waiting for your decision"),
                counts["waiting"],
                changelist_url("members", "importjob", status__in=f"{S.READY},{S.HAS_ERRORS}"),
                alert=True,
            ),
            Figure(
                _("imports running"),
                counts["running"],
                changelist_url("members", "importjob", status__in=f"{S.CHECKING},{S.IMPORTING}"),
            ),
        ],
        order=80,
    )


panels.register("imports", imports_panel)
