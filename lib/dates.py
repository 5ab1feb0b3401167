"""Calendar arithmetic the periodic jobs share."""

from datetime import date, timedelta

from django.utils import timezone


def month_start(day: date, months_back: int = 0) -> date:
    """The first day of ``day``'s month, ``months_back`` months earlier."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def day_or_today(day: str | None) -> date:
    """A job's reference day: beat passes nothing (today, in the portal's time
    zone); an officer may re-run a job for a day with kwargs {"day": "2026-05-01"}."""
    return date.fromisoformat(day) if day else timezone.localdate()


def add_working_days(day: date, days: int) -> date:
    """The date ``days`` working days (Monday to Friday) after ``day``.

    Public holidays and the weekend days China works instead (调休) are not known
    here: a notice period counted over the Spring Festival is the same length in
    weekdays, which is on the safe side (longer, never shorter) only for holidays.
    """
    step = 0
    while step < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            step += 1
    return day
