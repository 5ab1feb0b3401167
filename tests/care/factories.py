"""Care cases built through the services, as the portal builds them."""

from decimal import Decimal

from care import services
from tests.welfare import factories as welfare
from welfare.models import WelfareRequest

S = WelfareRequest.State


def open_case(member, officer, kind="hospital", **kwargs):
    return services.case_open(member=member, kind=kind, by=officer, reason="住院手术", **kwargs)


def approved_request(member, officer, code="illness", **kwargs):
    """An aid request of ``code`` approved by ``officer`` (its scheme created on the way)."""
    welfare.scheme(code, standard="500", cap="1000", threshold="1000")
    request = welfare.submit(member, code, amount_requested=Decimal("500"), **kwargs)
    welfare.move(request, S.IN_REVIEW, officer)
    return welfare.move(request, S.APPROVED, officer, "同意", granted_amount=Decimal("500"))
