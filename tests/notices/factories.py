"""Grants under notice, built through the services."""

from datetime import timedelta
from decimal import Decimal

from notices.models import GrantNotice, NoticeRule
from tests.welfare import factories as welfare
from welfare.models import WelfareRequest

S = WelfareRequest.State


def rule(code="hardship", days=5) -> NoticeRule:
    scheme = welfare.scheme(code)
    found, _ = NoticeRule.objects.update_or_create(
        scheme=scheme, defaults={"publish_before_paying": True, "notice_days": days}
    )
    return found


def approved_grant(member, officer, *, code="hardship", amount="1000", **kwargs) -> WelfareRequest:
    request = welfare.submit(member, code, amount_requested=Decimal(amount), **kwargs)
    welfare.move(request, S.IN_REVIEW, officer)
    return welfare.move(request, S.APPROVED, officer, "同意", granted_amount=Decimal(amount))


def open_now(notice: GrantNotice) -> GrantNotice:
    """Move the period so that it runs today (it starts on the next working day)."""
    shift = notice.starts_on - notice.request.decided_at.date()
    GrantNotice.objects.filter(pk=notice.pk).update(starts_on=notice.starts_on - shift, ends_on=notice.ends_on - shift)
    notice.refresh_from_db()
    return notice


def ended(notice: GrantNotice) -> GrantNotice:
    length = notice.ends_on - notice.starts_on
    end = notice.request.decided_at.date() - timedelta(days=1)
    GrantNotice.objects.filter(pk=notice.pk).update(starts_on=end - length, ends_on=end)
    notice.refresh_from_db()
    return notice
