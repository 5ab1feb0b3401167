"""Every periodic job of the portal, declared in one place.

``install_schedules`` puts them into django-celery-beat's tables (after each
``migrate``), where officers can see them and change their timing in the
admin. A job that exists already is left as the officers set it.
"""

from django.db import transaction

# name: (task, crontab fields or interval seconds, description)
SCHEDULES = {
    "Outbox sweep": {
        "task": "notifications.sweep",
        "every_seconds": 60,
        "description": "Send e-mails left pending (broker down, worker killed) and retry failed sends.",
    },
}


@transaction.atomic
def install_schedules() -> int:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for name, spec in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"task": spec["task"], "description": spec["description"]}
        if "every_seconds" in spec:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=spec["every_seconds"], period=IntervalSchedule.SECONDS
            )
        else:
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                **spec["crontab"], timezone=spec.get("timezone", "Asia/Shanghai")
            )
        PeriodicTask.objects.create(name=name, **fields)
        created += 1
    return created
