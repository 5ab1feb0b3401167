"""Periodic jobs of the activities area. Thin: each calls one service.

Their schedules are declared with the portal's other jobs in
``notifications/schedules.py`` (lotteries every 5 minutes, no-shows hourly).
"""

from celery import shared_task

from . import services


@shared_task(name="activities.lottery_draw_due", acks_late=True, ignore_result=True)
def lottery_draw_due_task() -> int:
    # Safe to run twice: an activity is drawn once (the draw is a unique row, taken under the activity lock).
    return services.lottery_draw_due()


@shared_task(name="activities.no_shows_record_due", acks_late=True, ignore_result=True)
def no_shows_record_due_task() -> int:
    # Safe to run twice: only registrations still "confirmed" after the end are marked.
    return services.no_shows_record_due()
