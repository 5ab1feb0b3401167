"""Periodic jobs: each app declares its own, one installer puts them into beat.

An app lists its jobs in ``<app>/schedules.py`` as ``SCHEDULES`` (name: task,
when, description). ``collect_schedules`` gathers those of every installed
app; ``install_schedules`` (after each ``migrate``) puts them into
django-celery-beat's tables, where officers can see them and change their
timing in the admin. A job that exists already is left as the officers set it.

No job is scheduled with a Celery ETA: what is due later is found in the
database by a job that runs often enough (Redis would hand an ETA message
waiting longer than its visibility timeout to a second worker).
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction

TIMEZONE = "Asia/Shanghai"


def collect_schedules() -> dict[str, dict]:
    """Every installed app's ``SCHEDULES``; a name declared twice is an error."""
    collected: dict[str, dict] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.schedules"
        if find_spec(module_name) is None:
            continue
        for name, spec in getattr(import_module(module_name), "SCHEDULES", {}).items():
            if name in collected:
                raise ValueError(f"Periodic job {name!r} is declared twice ({module_name}).")
            collected[name] = spec
    return collected


@transaction.atomic
def install_schedules() -> int:
    """Create the periodic task of every declared job that has none yet. Returns how many."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for name, spec in collect_schedules().items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"task": spec["task"], "description": spec["description"]}
        if "every_seconds" in spec:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=spec["every_seconds"], period=IntervalSchedule.SECONDS
            )
        else:
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                **spec["crontab"], timezone=spec.get("timezone", TIMEZONE)
            )
        PeriodicTask.objects.create(name=name, **fields)
        created += 1
    return created
