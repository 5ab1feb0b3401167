"""Demo feedback: a few items in Chinese, one anonymous, one published with
supports. Called by ``manage.py seed_demo`` after the members' demo; does
nothing twice.

The anonymous item's follow-up code is fixed (``DEMO_FOLLOWUP_CODE``) so a
demo can show the follow-up page; real codes are random and shown once.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from members.models import Member, OrgUnit, User

from . import services
from .models import Feedback

DEMO_FOLLOWUP_CODE = "DEMO-2026-FKBK-0001"


@transaction.atomic
def seed() -> None:
    if Feedback.objects.exists():
        return
    worker = Member.objects.filter(user__email="worker@demo.unionportal.cn").select_related("unit", "user").first()
    officer = User.objects.filter(email="officer@demo.unionportal.cn").first()
    chair = User.objects.filter(email="chair@demo.unionportal.cn").first()
    if worker is None or officer is None or chair is None:
        return  # the members' demo is not there
    today = timezone.localdate()
    factory_members = list(
        Member.objects.filter(status=Member.Status.ACTIVE, union__name="滨江机械厂工会").select_related("unit", "user")
    )
    colleague = next(m for m in factory_members if m.pk != worker.pk)
    hospital_member = Member.objects.filter(status=Member.Status.ACTIVE, union__name="滨江人民医院工会").first()

    # 1. Named suggestion by the demo worker, answered privately, under consideration again.
    water, _ = services.feedback_submit(
        member=worker,
        category=Feedback.Category.SUGGESTION,
        title="建议在总装车间增设直饮水点",
        body="总装车间只有一个饮水机，离二号线很远。夏天高温作业时大家来回取水耽误时间，建议在二号线旁再增设一个直饮水点。",
        anonymous=False,
    )
    Feedback.objects.filter(pk=water.pk).update(submitted_on=today - timedelta(days=6))
    services.feedback_answer(
        feedback=water,
        by=officer,
        text="谢谢李娟同志的建议！我们已和车间主任联系，正在核实二号线附近的供水管线，下周给你答复。",
    )
    services.feedback_author_reply(feedback=water, text="好的，谢谢！另外三号线旁边也比较远，一并考虑一下。")
    services.feedback_transition(feedback=water, to=Feedback.State.CONSIDERING, by=officer, note="与设备科共同评估")

    # 2. Anonymous safety concern: the row keeps the unit only.
    safety = Feedback.objects.create(
        unit=worker.unit,
        category=Feedback.Category.SAFETY,
        title="二号线防护栏松动",
        body="二号线冲压工位的防护栏有两颗螺丝松了，晃得厉害，希望尽快找人修。担心被说多事，所以匿名反映。",
        anonymous=True,
        followup_digest=services.followup_digests(DEMO_FOLLOWUP_CODE)[0],
        submitted_on=today - timedelta(days=2),
    )
    services.feedback_answer(
        feedback=safety,
        by=officer,
        text="感谢你的提醒！已通知安全科今天下午检修，检修后请你再看一下是否牢固。",
    )

    # 3. Canteen suggestion published with an official answer and supports: adopted.
    canteen, _ = services.feedback_submit(
        member=colleague,
        category=Feedback.Category.CANTEEN,
        title="食堂能否为夜班职工提供夜宵",
        body="夜班从晚上十点到早上六点，食堂晚上八点就关门了，夜班职工只能吃泡面。建议食堂在夜里十二点提供简单的夜宵。",
        anonymous=False,
    )
    Feedback.objects.filter(pk=canteen.pk).update(submitted_on=today - timedelta(days=20))
    services.feedback_publish(
        feedback=canteen,
        by=officer,
        official_answer="经厂工会与后勤部门协商，自下月起食堂每晚23:30—00:30为夜班职工供应夜宵（面条、包子、粥），每份3元，由工会补贴一半。",
    )
    services.feedback_transition(feedback=canteen, to=Feedback.State.ADOPTED, by=officer, note="下月1日起执行")
    for member in factory_members[:8]:
        services.feedback_support(feedback=canteen, member=member)

    # 4. Published anonymous item about working hours, under consideration.
    hours = Feedback.objects.create(
        unit=OrgUnit.objects.get_parent(worker.unit) or worker.unit,
        category=Feedback.Category.HOURS,
        title="连续加班后希望安排调休",
        body="最近一个月赶订单，很多人连续加班三个周末，希望工会和厂里沟通，加班后安排调休或按规定支付加班费。",
        anonymous=True,
        followup_digest=services.followup_digests("DEMO-2026-FKBK-0002")[0],
        submitted_on=today - timedelta(days=10),
    )
    services.feedback_publish(
        feedback=hours,
        by=officer,
        official_answer="工会已向厂方提出：加班后两周内安排调休，无法调休的按《劳动法》支付加班工资。厂方正在研究具体办法。",
    )
    services.feedback_transition(feedback=hours, to=Feedback.State.CONSIDERING, by=officer, note="等待厂方答复")
    for member in factory_members[2:5]:
        services.feedback_support(feedback=hours, member=member)

    # 5. Praise from the hospital union, just received.
    if hospital_member is not None:
        services.feedback_submit(
            member=hospital_member,
            category=Feedback.Category.PRAISE,
            title="感谢工会组织的职工体检",
            body="今年的职工体检安排得很周到，还增加了乳腺和甲状腺检查，大家都很满意。谢谢工会！",
            anonymous=False,
        )

    # 6. A union-work suggestion at the factory union, received.
    services.feedback_submit(
        member=factory_members[-1],
        category=Feedback.Category.UNION,
        title="希望职工书屋周末也开放",
        body="职工书屋只在工作日开放，上班时间根本去不了。建议周六下午也开放几个小时。",
        anonymous=False,
    )
