"""What keeps an anonymous answer anonymous, for every area that takes one.

Feedback (anonymous items) and surveys (anonymous answers) follow the same
rule: the database never holds who wrote what. Where a rule needs to
recognise a person again (a day's counter, "already answered this survey"),
it keeps a keyed digest of the member's id whose salt is derived from what it
counts (the day, the survey): the digest of one survey says nothing about
another, and without ``SECRET_KEY`` nothing leads back to the member. And a
crowd too small to hide in is not shown as anonymous at all.
"""

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

# The fewest people an anonymous answer must hide among: feedback files an item
# under a unit at least this large, a survey shows anonymous results from this many answers.
MIN_CROWD = 5


def member_digest(*, purpose: str, scope: str, member_id, secret: str | None = None) -> str:
    """A keyed digest of ``member_id`` under a salt derived from ``purpose`` and ``scope``
    (a day, a survey): the same member gives unrelated digests in two scopes."""
    return salted_hmac(f"{purpose}:{scope}", str(member_id), secret=secret, algorithm="sha256").hexdigest()[:32]


def member_digests(*, purpose: str, scope: str, member_id) -> list[str]:
    """``member_digest`` under the current secret key and every fallback key, the
    current one first: rotating ``SECRET_KEY`` keeps recognising the member."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [member_digest(purpose=purpose, scope=scope, member_id=member_id, secret=key) for key in keys]


def day_and_expiry(grace: timedelta) -> tuple[date, int]:
    """Today in the project's time zone (not the request's) and the seconds until
    ``grace`` after today ends: everything of one day expires in the same second,
    whenever it was set, so its lifetime tells nothing of the moment."""
    zone = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now().astimezone(zone)
    day = now.date()
    expires = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone) + grace
    return day, max(math.ceil((expires - now).total_seconds()), 1)


def anonymous_day() -> date:
    """The date an anonymous answer carries: a day, never a moment, in the project's time zone."""
    return day_and_expiry(timedelta(0))[0]
