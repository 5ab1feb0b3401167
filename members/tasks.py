"""Periodic jobs of the members app (schedules in ``members/schedules.py``). Thin and idempotent."""

from celery import shared_task

from lib.dates import day_or_today

from . import imports, lapses, reminders

# The names are those the jobs had when the outbox app ran them: installed
# periodic tasks keep pointing at them.


@shared_task(name="notifications.birthday_greetings", acks_late=True, ignore_result=True)
def birthday_greetings_task(day: str | None = None) -> int:
    return reminders.birthday_greetings_queue(day=day_or_today(day))


@shared_task(name="notifications.dues_reminders", acks_late=True, ignore_result=True)
def dues_reminders_task(day: str | None = None) -> int:
    return reminders.dues_reminders_queue(day=day_or_today(day))


@shared_task(name="members.import_check", acks_late=True, ignore_result=True)
def import_job_check_task(job_id: int) -> None:
    imports.import_job_check(job_id=job_id)


@shared_task(name="members.import_run", acks_late=True, ignore_result=True)
def import_job_run_task(job_id: int) -> None:
    imports.import_job_run(job_id=job_id)


@shared_task(name="members.lapse_run", acks_late=True, ignore_result=True)
def lapse_run_task(day: str | None = None) -> dict:
    run = lapses.lapse_run(day=day_or_today(day))
    return {"warned": run.warned, "lapsed": run.lapsed}
