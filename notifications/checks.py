"""Start-up checks that the timeouts the outbox relies on fit together."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def outbox_timeouts(app_configs=None, **kwargs):
    errors = []
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    visibility = options.get("visibility_timeout")
    time_limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", None)
    if visibility is not None and time_limit is not None and time_limit >= visibility:
        errors.append(
            Error(
                "CELERY_TASK_TIME_LIMIT must be shorter than the broker's visibility_timeout.",
                hint="Otherwise Redis hands a task that is still running to a second worker.",
                id="notifications.E001",
            )
        )
    email_timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    if email_timeout and settings.OUTBOX_CLAIM_TIMEOUT < 3 * email_timeout:
        errors.append(
            Error(
                "OUTBOX_CLAIM_TIMEOUT must be at least three times EMAIL_TIMEOUT.",
                hint="A row still being sent would otherwise be claimed and sent again by the sweep.",
                id="notifications.E002",
            )
        )
    return errors
