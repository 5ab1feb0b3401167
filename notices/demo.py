"""Demo data for 公示: hardship and disaster grants publish before paying; two grants of
the demo worker's group are under notice, one with her objection waiting for the chair.

Called by ``manage.py seed_demo`` after the welfare demo; does nothing twice.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.models import Member, User
from welfare import services as welfare
from welfare.models import BenefitScheme, RequestType, WelfareRequest

from . import services
from .models import GrantNotice, NoticeRule

S = WelfareRequest.State


def _running(notice: GrantNotice) -> None:
    """Let the demo's period run today (a new notice starts on the next working day)."""
    shift = notice.starts_on - timezone.localdate()
    GrantNotice.objects.filter(pk=notice.pk).update(starts_on=notice.starts_on - shift, ends_on=notice.ends_on - shift)
    notice.refresh_from_db()


@transaction.atomic
def seed() -> None:
    if NoticeRule.objects.exists() or not User.objects.filter(email="officer@demo.unionportal.cn").exists():
        return
    for code in ("hardship", "disaster"):
        scheme = BenefitScheme.objects.filter(request_type__code=code).first()
        if scheme is not None:
            NoticeRule.objects.create(scheme=scheme, publish_before_paying=True, notice_days=5)
    logins = {user.email.split("@")[0]: user for user in User.objects.filter(email__endswith="@demo.unionportal.cn")}
    officer = logins["officer"]
    worker = Member.objects.get(user=logins["worker"])
    group = list(
        Member.objects.filter(unit=worker.unit, status=Member.Status.ACTIVE).exclude(pk=worker.pk).order_by("pk")[:2]
    )
    hardship = RequestType.objects.get(code="hardship")
    stories = [
        "丈夫重病长期住院，孩子还在上小学，家庭收入大幅下降。",
        "家中老人瘫痪在床，本人独自照料，收入低于困难职工标准。",
    ]
    amounts = [Decimal("2000"), Decimal("1500")]
    notices = []
    for member, story, amount in zip(group, stories, amounts, strict=False):
        request = welfare.request_submit(
            member=member,
            request_type=hardship,
            description=story,
            amount_requested=amount,
            by=officer,
            consent_note="本人到工会办公室口头申请，同意由工会干事代为录入。",
        )
        welfare.request_transition(request=request, to=S.IN_REVIEW, by=officer)
        welfare.request_transition(
            request=request, to=S.APPROVED, by=officer, note="经入户核实，符合困难帮扶条件。", granted_amount=amount
        )
        notice = GrantNotice.objects.get(request=request)
        _running(notice)
        notices.append(notice)
    if notices:
        services.objection_raise(
            notice=notices[0],
            member=worker,
            by=worker.user,
            reason="据我了解，她丈夫上个月已经出院复工了，家里情况有所好转，建议再核实一下。",
        )
