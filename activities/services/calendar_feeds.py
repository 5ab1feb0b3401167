"""A member's private calendar feed address."""

from django.db import transaction

from members.models import Member

from ..models import CalendarFeed


@transaction.atomic
def calendar_feed_renew(*, member: Member) -> CalendarFeed:
    """Give the member a new secret feed address; any old one stops working."""
    CalendarFeed.objects.filter(member=member).delete()
    return CalendarFeed.objects.create(member=member)


@transaction.atomic
def calendar_feed_revoke(*, member: Member) -> None:
    CalendarFeed.objects.filter(member=member).delete()
