"""An officer invites one member personally to an activity (the outreach list's follow-up)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, User
from members.notify import member_notify

from ..models import Activity, Registration
from .base import _check_officer, activity_mail_context


def activity_invite(*, activity: Activity, member: Member, by: User, note: str = "") -> None:
    """Send ``member`` an invitation to ``activity`` (by e-mail or text, in their language), once.

    Refused for an activity that is not open to sign-ups in the future, for a member already
    signed up, and for a member the union cannot reach (no address nor number).
    """
    _check_officer(by=by, activity=activity, perm="activities.change_activity")
    if activity.status != Activity.Status.PUBLISHED or activity.starts_at <= timezone.now():
        raise ValidationError(_("Only a published activity still to come can be offered."))
    if (
        Registration.objects.filter(activity=activity, member=member)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    ):
        raise ValidationError(_("%(name)s is signed up for this activity already.") % {"name": member.name})
    sent = member_notify(
        member=member,
        key=f"activity-invitation:{activity.pk}:{member.pk}",
        template="activity-invitation",
        context={**activity_mail_context(activity, member), "note": (note or "").strip()},
    )
    if sent is None:
        raise ValidationError(
            _("%(name)s has no e-mail address nor mobile number: invite them in person or by phone.")
            % {"name": member.name}
        )
