"""Welfare requests built through the services, as the portal builds them."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from welfare import services
from welfare.models import BenefitScheme, RequestType, WelfareRequest

S = WelfareRequest.State


def request_type(code: str = "hardship") -> RequestType:
    return RequestType.objects.get(code=code)


def scheme(code: str = "hardship", *, standard="2000", cap="5000", threshold="3000") -> BenefitScheme:
    scheme, _ = BenefitScheme.objects.update_or_create(
        request_type=request_type(code),
        defaults={
            "standard_amount": Decimal(standard) if standard is not None else None,
            "yearly_cap": Decimal(cap) if cap is not None else None,
            "chair_threshold": Decimal(threshold),
        },
    )
    return scheme


def submit(member, code: str = "hardship", *, by=None, description="家里遇到了困难，想申请帮助。", **kwargs):
    return services.request_submit(
        member=member, request_type=request_type(code), description=description, by=by or member.user, **kwargs
    )


def move(request, to, by, note="说明", **kwargs) -> WelfareRequest:
    return services.request_transition(request=request, to=to, by=by, note=note, **kwargs)


def request_in_state(state: str, *, member, officer, chair, code: str = "hardship") -> WelfareRequest:
    """A request driven to ``state`` along legal moves (a hardship scheme with threshold 3000 must exist)."""
    request = submit(member, code, amount_requested=Decimal("1000"))
    if state == S.SUBMITTED:
        return request
    if state == S.REJECTED:
        return move(request, S.REJECTED, officer, "不符合条件")
    if state == S.WITHDRAWN:
        return move(request, S.WITHDRAWN, member.user, "")
    request = move(request, S.IN_REVIEW, officer)
    if state == S.IN_REVIEW:
        return request
    if state == S.NEEDS_INFO:
        return move(request, S.NEEDS_INFO, officer, "请补充工资条")
    if state == S.AWAITING_CHAIR:
        return move(request, S.APPROVED, officer, "超过主席审批额度", granted_amount=Decimal("4000"))
    request = move(request, S.APPROVED, officer, "同意", granted_amount=Decimal("1000"))
    if state == S.APPROVED:
        return request
    request = move(request, S.PAID, officer, "已发放")
    if state == S.PAID:
        return request
    return move(request, S.CLOSED, officer, "")


@contextmanager
def refused(code: str):
    """Expect a ``ValidationError`` carrying ``code`` (messages are in the active language)."""
    with pytest.raises(ValidationError) as info:
        yield info
    assert code in {error.code for error in info.value.error_list}, info.value
