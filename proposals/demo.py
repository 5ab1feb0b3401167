"""Demo proposals in the machinery factory: one past its threshold (the officers
were told), one by the demo worker still collecting co-signers, and one the
union answered why not. Does nothing twice."""

from django.db import transaction

from members.models import Member, User

from . import selectors, services
from .models import Proposal


@transaction.atomic
def seed() -> None:
    if Proposal.objects.exists():
        return
    worker = Member.objects.filter(user__email="worker@demo.unionportal.cn").select_related("unit", "union").first()
    officer = User.objects.filter(email="officer@demo.unionportal.cn").first()
    if worker is None or officer is None:
        return  # the members' demo is not there
    colleagues = list(
        Member.objects.filter(status=Member.Status.ACTIVE, union=worker.union)
        .exclude(pk=worker.pk)
        .select_related("unit", "union", "user")
        .order_by("pk")
    )
    if len(colleagues) < 8:
        return
    proposer, *others = colleagues
    badminton = services.proposal_submit(
        member=proposer,
        unit=worker.union,
        title="职工羽毛球友谊赛",
        description="厂里喜欢打羽毛球的人不少，建议工会组织一次车间之间的友谊赛，借用厂区体育馆，大家一起活动活动。",
        when="十一月的一个周六上午",
        category="culture_sport",
    )
    for member in others[: selectors.threshold_for(worker.union)]:
        services.proposal_sign(proposal=badminton, member=member)

    services.proposal_submit(
        member=worker,
        unit=worker.unit,
        title="班组午间读书角",
        description="在总装一班休息室放一个书架，大家把看过的书带来交换，每月聊一次读后感。",
        when="每月最后一个周三中午",
        category="learning",
    )
    reading = Proposal.objects.get(title="班组午间读书角")
    for member in [m for m in others if m.unit_id == worker.unit_id][:2]:
        services.proposal_sign(proposal=reading, member=member)

    trip = services.proposal_submit(
        member=others[-1],
        unit=worker.union,
        title="组织职工去海南疗休养",
        description="建议今年组织职工去海南疗休养一周。",
        when="明年春节后",
        category="other",
    )
    services.proposal_sign(proposal=trip, member=others[0])
    services.proposal_decline(
        proposal=trip,
        by=officer,
        answer="谢谢建议！今年的疗休养名额和经费已按市总工会计划安排完毕，明年制定计划时会把海南作为备选地点征求大家意见。",
    )
