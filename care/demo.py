"""Demo data for care visits: a bereavement visited, an illness visit overdue, and a
hospital visit for the demo worker's mother-in-law that waits for her wish.

Called by ``manage.py seed_demo`` after the welfare demo; does nothing twice.
Everything goes through the services, as a real office would have done it.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.models import Member, User
from welfare import services as welfare
from welfare.models import RequestType, WelfareRequest

from . import services
from .models import CareCase, CareChange

S = WelfareRequest.State


def _age(case: CareCase, days: int) -> None:
    """Move a demo case's dates into the past (not its state)."""
    back = timedelta(days=days)
    CareCase.objects.filter(pk=case.pk).update(opened_on=case.opened_on - back, due_on=case.due_on - back)
    CareChange.objects.filter(case=case).update(at=timezone.now() - back)
    case.refresh_from_db()


@transaction.atomic
def seed() -> None:
    if CareCase.objects.exists() or not User.objects.filter(email="officer@demo.unionportal.cn").exists():
        return
    logins = {user.email.split("@")[0]: user for user in User.objects.filter(email__endswith="@demo.unionportal.cn")}
    officer, chair = logins["officer"], logins["chair"]
    worker = Member.objects.get(user=logins["worker"])
    assembly = list(
        Member.objects.filter(unit__name__in=["总装车间分会", "总装一班"], status=Member.Status.ACTIVE)
        .exclude(pk=worker.pk)
        .order_by("pk")[:2]
    )

    # 1. A bereavement: the request approved, the visit opened with it and done on time.
    bereaved = assembly[0] if assembly else worker
    request = welfare.request_submit(
        member=bereaved,
        request_type=RequestType.objects.get(code="bereavement"),
        description="母亲上周因病去世，想申请丧葬慰问。",
        amount_requested=Decimal("1000"),
        by=officer,
        consent_note="本人到工会办公室口头申请，同意由工会干事代为录入。",
    )
    welfare.request_transition(request=request, to=S.IN_REVIEW, by=officer)
    welfare.request_transition(
        request=request, to=S.APPROVED, by=officer, note="按标准发放。", granted_amount=Decimal("1000")
    )
    case = CareCase.objects.get(welfare_request=request)
    services.case_update(case=case, by=officer, assigned_to=officer, companions="总装车间分会主席 刘洋")
    _age(case, 5)
    services.case_record_visit(
        case=case,
        by=officer,
        visited_on=case.opened_on + timedelta(days=1),
        what_was_done="到家中吊唁，转达工会的慰问，了解家里后事安排，告知可申请的帮扶。",
        brought="慰问金、花圈",
        follow_up_on=timezone.localdate() + timedelta(days=25),
    )

    # 2. An illness visit nobody has made: overdue.
    ill = assembly[1] if len(assembly) > 1 else worker
    late = services.case_open(
        member=ill, kind="illness", by=officer, reason="骨折在家休养，行动不便。", assigned_to=officer
    )
    _age(late, 10)

    # 3. The demo worker's mother-in-law in hospital: the union asks how she would like to be visited.
    services.case_open(
        member=worker,
        kind="hospital",
        about="婆婆",
        by=chair,
        reason="婆婆脑梗住院（市第一人民医院神经内科）。",
        assigned_to=officer,
        companions="总装一班班长",
    )
