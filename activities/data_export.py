"""The activities section of a member's "download my data"."""

from members.models import Member

from .models import CalendarFeed, EligibilityOverride, Registration


def member_activities(member: Member) -> dict:
    registrations = (
        Registration.objects.filter(member=member)
        .select_related("activity", "rating")
        .prefetch_related("events")
        .order_by("activity__starts_at", "id")
    )
    return {
        "registrations": [
            {
                "activity": r.activity.title,
                "starts_at": r.activity.starts_at.isoformat(),
                "place": r.activity.place,
                "status": r.status,
                "signed_up_at": r.created_at.isoformat(),
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
                "history": [e.exported() for e in r.events.all()],
                "rating": {"score": r.rating.score, "comment": r.rating.comment} if hasattr(r, "rating") else None,
            }
            for r in registrations
        ],
        "eligibility_exceptions": [
            {"activity": o.activity.title, "reason": o.reason, "granted_at": o.created_at.isoformat()}
            for o in EligibilityOverride.objects.filter(member=member).select_related("activity")
        ],
        "calendar_feed": CalendarFeed.objects.filter(member=member).exists(),
    }
