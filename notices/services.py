"""公示 rules: publishing an approved grant, objections, the chair's decision, and the
check welfare makes before a grant is marked paid.

``notice_publish_for`` runs inside welfare's approval transaction (``notices.signals``):
the notice and the worker's mail telling them beforehand are kept or lost with it.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.dates import add_working_days
from lib.text import mask_name
from members.models import Member, User
from members.notify import member_notify
from members.scoping import user_may_see_unit
from welfare.models import WelfareRequest
from welfare.services import PaymentRefused

from . import selectors
from .models import DECIDE_OBJECTION, REASON_FOR_TYPE, GrantNotice, NoticeRule, Objection, ReasonCategory


def rule_for(request: WelfareRequest) -> NoticeRule | None:
    return (
        NoticeRule.objects.filter(scheme__request_type_id=request.request_type_id, publish_before_paying=True)
        .only("notice_days")
        .first()
    )


@transaction.atomic
def notice_publish_for(*, request: WelfareRequest) -> GrantNotice | None:
    """Put an approved grant on the board if its scheme requires it, and tell the worker.

    Never a confidential case, never a grant without an amount. The notice starts on
    the next working day, so the worker's mail reaches them before anyone reads it.
    """
    if request.is_confidential or not request.granted_amount or GrantNotice.objects.filter(request=request).exists():
        return None
    rule = rule_for(request)
    if rule is None:
        return None
    starts_on = add_working_days(timezone.localdate(), 1)
    notice = GrantNotice.objects.create(
        request=request,
        unit=request.member.unit,
        masked_name=mask_name(request.member.name),
        scheme_name=request.request_type.name,
        amount=request.granted_amount,
        reason_category=REASON_FOR_TYPE.get(request.request_type.code, ReasonCategory.OTHER),
        starts_on=starts_on,
        ends_on=add_working_days(starts_on, rule.notice_days - 1),
    )
    member = request.member
    member_notify(
        member=member,
        key=f"notices:{notice.pk}:announced",
        template="notice-announced",
        context=lambda: {
            "name": member.name,
            "reference": request.reference,
            "masked_name": notice.masked_name,
            "scheme": request.request_type.label,
            "amount": notice.amount,
            "starts_on": notice.starts_on,
            "ends_on": notice.ends_on,
            "board_url": settings.SITE_URL + reverse("notices:board"),
        },
    )
    return notice


# --- Paying: the check welfare's state machine makes --------------------------------


def payment_check(request: WelfareRequest) -> None:
    """Refuse to mark a published grant paid before its period ended with no objection upheld or undecided.

    Registered with ``welfare.services.payment_check_register``; welfare calls it with
    the locked request in ``request_transition``, from every door that marks a grant paid.
    An upheld objection refuses it for good (``PaymentRefused``: welfare then lets the
    request be closed unpaid). A notice of a case made confidential later is off the
    board and holds nothing back.
    """
    if request.is_confidential:
        return
    notice = GrantNotice.objects.filter(request_id=request.pk).first()
    if notice is None:
        return
    states = set(notice.objections.values_list("state", flat=True))
    if Objection.State.UPHELD in states:
        raise PaymentRefused(
            _("An objection to this grant was upheld: it cannot be paid. Close the request instead."),
            code="objection_upheld",
        )
    if not notice.has_ended():
        raise ValidationError(
            _("This grant is under public notice until %(date)s and can be paid only after that.")
            % {"date": notice.ends_on.isoformat()},
            code="under_notice",
        )
    if Objection.State.PENDING in states:
        raise ValidationError(_("An objection to this grant waits for the chair's decision."), code="objection_pending")


# --- Objections -----------------------------------------------------------------------


@transaction.atomic
def objection_raise(*, notice: GrantNotice, member: Member, by: User, reason: str) -> Objection:
    """A member who may see the notice objects, with their name and a reason, during the period."""
    if member.user_id is None or member.user_id != getattr(by, "pk", None):
        raise PermissionDenied(_("You may only object in your own name."))
    if not selectors.notices_visible_to(by).filter(pk=notice.pk).exists():
        raise PermissionDenied(_("You may not object to this notice."))
    if not notice.is_open_for_objections():
        raise ValidationError(_("The notice period is over: objections are closed."), code="closed")
    if notice.request.member_id == member.pk:
        raise ValidationError(_("You cannot object to your own grant."), code="own_grant")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for your objection."), code="no_reason")
    if Objection.objects.filter(notice=notice, member=member).exists():
        raise ValidationError(_("You have already objected to this grant."), code="duplicate")
    return Objection.objects.create(notice=notice, member=member, reason=reason)


@transaction.atomic
def objection_decide(*, objection: Objection, by: User, uphold: bool, reason: str) -> Objection:
    """The chair upholds or dismisses an objection, with a reason the objector is told."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice__unit", "member__user")
        .get(pk=objection.pk)
    )
    if not (by.is_active and by.has_perm(DECIDE_OBJECTION) and user_may_see_unit(by, objection.notice.unit)):
        raise PermissionDenied(_("Only the chair decides on objections."))
    if objection.state != Objection.State.PENDING:
        raise ValidationError(_("This objection has been decided already."), code="decided")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Record the reason for your decision."), code="no_reason")
    objection.state = Objection.State.UPHELD if uphold else Objection.State.DISMISSED
    objection.decided_by, objection.decided_at, objection.decision_reason = by, timezone.now(), reason
    objection.save()
    member = objection.member
    member_notify(
        member=member,
        key=f"notices:objection:{objection.pk}:decided",
        template="notice-objection-decided",
        context=lambda: {
            "name": member.name,
            "notice": str(objection.notice),
            "upheld": objection.state == Objection.State.UPHELD,
            "state_label": objection.get_state_display(),
            "reason": objection.decision_reason,
        },
    )
    return objection


# --- The member's copy of their data -----------------------------------------------------


def member_notices_data(member: Member) -> list[dict]:
    """The objections the member raised (their notices are part of their welfare requests)."""
    return [
        {
            "notice": str(o.notice),
            "reason": o.reason,
            "raised_at": o.raised_at.isoformat(),
            "state": o.state,
            "decision_reason": o.decision_reason,
        }
        for o in Objection.objects.filter(member=member).select_related("notice").order_by("raised_at", "id")
    ]


def member_notices_erase(member: Member, by: User) -> None:
    """The member's objections lose their text; the decisions (and the grant's rule) stay."""
    erased = _("(erased at the worker's request)")
    Objection.objects.filter(member=member).update(reason=erased)
