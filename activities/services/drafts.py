"""Activity drafts that start elsewhere: a survey's popular choice, a workers' proposal.

The draft is only a starting point: the officer completes it (time, place,
places, rules) in the admin and publishes it there, with the usual checks.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from members.models import OrgUnit, User

from ..models import Activity
from .base import _check_officer

# A draft's placeholders until the officer sets them: a month ahead, two hours, 30 places.
DRAFT_LEAD = timedelta(days=30)
DRAFT_LENGTH = timedelta(hours=2)
DRAFT_CAPACITY = 30


@transaction.atomic
def activity_draft_create(
    *,
    unit: OrgUnit,
    title: str,
    description: str,
    by: User,
    category: str = Activity.Category.OTHER,
    starts_at: datetime | None = None,
) -> Activity:
    """Create a draft activity run by ``unit`` (not published, so no worker sees it yet).

    ``by`` must be an officer over ``unit`` who may add activities.
    """
    starts_at = starts_at or (timezone.now() + DRAFT_LEAD).replace(minute=0, second=0, microsecond=0)
    activity = Activity(
        unit=unit,
        title=title.strip()[:200],
        description=description.strip(),
        category=category,
        starts_at=starts_at,
        ends_at=starts_at + DRAFT_LENGTH,
        capacity=DRAFT_CAPACITY,
        status=Activity.Status.DRAFT,
        created_by=by,
    )
    _check_officer(by=by, activity=activity, perm="activities.add_activity")
    activity.full_clean()
    activity.save()
    return activity
