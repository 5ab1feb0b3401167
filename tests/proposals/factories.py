from members.models import Member
from proposals import services
from proposals.models import Proposal


def proposal(member: Member, *, unit=None, title: str = "职工羽毛球友谊赛") -> Proposal:
    return services.proposal_submit(
        member=member,
        unit=unit or member.union,
        title=title,
        description="借用厂区体育馆，车间之间打一次友谊赛。",
        when="十一月的一个周六上午",
        category="culture_sport",
    )
