"""The Celery app. Tasks are discovered in each app's ``tasks.py``.

Beat reads its jobs from django-celery-beat's tables (``DatabaseScheduler``);
each app declares its own in ``<app>/schedules.py`` and ``lib.schedules``
collects and installs them after ``migrate``.
"""

import os
from datetime import datetime

from celery import Celery
from celery import Task as BaseTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.local")


def longest_wait_allowed(app: Celery) -> float | None:
    """Seconds a message may wait in Redis before it is handed out again (None: no limit)."""
    if not str(app.conf.broker_url or "").startswith(("redis://", "rediss://", "redis+socket://")):
        return None
    return float((app.conf.broker_transport_options or {}).get("visibility_timeout", 3600))


class Task(BaseTask):
    """Refuses an ETA or countdown that Redis would redeliver before it is due.

    Redis gives an unacknowledged message to another worker after the
    visibility timeout, even one still waiting for its ETA, so such a task
    would run more than once. Work for a later time belongs in the database
    and a periodic job (see lib.schedules).
    """

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None, **options):
        limit = longest_wait_allowed(self.app)
        if limit is not None:
            wait = options.get("countdown") or 0
            eta = options.get("eta")
            if isinstance(eta, datetime):
                now = datetime.now(eta.tzinfo) if eta.tzinfo else datetime.now()  # noqa: DTZ005 - as naive as the eta
                wait = max(wait, (eta - now).total_seconds())
            if wait >= limit:
                raise ValueError(
                    f"{self.name}: a wait of {wait:.0f} s is not shorter than the broker's visibility "
                    f"timeout ({limit:.0f} s); Redis would run the task twice. Schedule it in the database."
                )
        return super().apply_async(args, kwargs, task_id, producer, link, link_error, **options)


app = Celery("unionportal", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
