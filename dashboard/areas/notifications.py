"""The outbox on the dashboard, for superusers (it holds every member's mail)."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Notification

from .. import panels
from ..panels import Figure, Panel, changelist_url

STUCK_AFTER = timedelta(hours=1)


def outbox_panel(request) -> Panel | None:
    if not request.user.is_superuser:
        return None
    stuck_before = timezone.now() - STUCK_AFTER
    counts = Notification.objects.aggregate(
        failed=Count("pk", filter=Q(status=Notification.Status.FAILED)),
        stuck=Count("pk", filter=Q(status=Notification.Status.PENDING, created_at__lt=stuck_before)),
    )
    return Panel(
        title=_("E-mail outbox"),
        figures=[
            Figure(
                _("e-mails that failed"),
                counts["failed"],
                changelist_url("notifications", "notification", status__exact=Notification.Status.FAILED),
                alert=True,
            ),
            Figure(
                _("e-mails waiting for more than an hour"),
                counts["stuck"],
                changelist_url(
                    "notifications",
                    "notification",
                    status__exact=Notification.Status.PENDING,
                    created_at__lt=stuck_before.isoformat(),
                ),
                alert=True,
            ),
        ],
        order=90,
    )


panels.register("notifications", outbox_panel)
