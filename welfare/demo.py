"""Demo data for welfare: benefit schemes and a handful of requests in every state worth seeing.

Called by ``manage.py seed_demo`` after the members' demo; does nothing twice.
Everything goes through the services, as a real office would have done it.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from members.models import Member, OrgUnit, User

from . import services
from .models import BenefitScheme, Budget, CannedReply, RequestType, WelfareRequest

S = WelfareRequest.State

# code: standard amount, yearly cap per member, chair's threshold
SCHEMES = {
    "hardship": ("2000", "5000", "3000"),
    "illness": ("500", "1000", "1000"),
    "bereavement": ("1000", "2000", "2000"),
    "childbirth": ("500", "500", "1000"),
    "marriage": ("500", "500", "1000"),
    "education": ("2000", "3000", "2000"),
    "disaster": ("3000", "10000", "5000"),
}

# A one-page PDF, enough for the demo's attachment.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _age(request: WelfareRequest, days: int) -> None:
    """Move a demo request's dates into the past (not its state), so the lists look lived in."""
    back = timedelta(days=days)
    WelfareRequest.objects.filter(pk=request.pk).update(
        submitted_at=request.submitted_at - back,
        first_response_due=request.first_response_due - back,
        decision_due=request.decision_due - back,
        clock_paused_at=F("clock_paused_at") - back,  # stays empty when the clock runs
    )
    request.transitions.update(at=F("at") - back)
    request.messages.update(created_at=F("created_at") - back)
    request.attachments.update(uploaded_at=F("uploaded_at") - back)


# The replies officers send most often (they edit them in the admin).
CANNED_REPLIES = [
    (
        "请补充材料",
        "你好，为了尽快办理你的申请，请上传最近三个月的工资条或收入证明，以及相关票据的照片。",
        S.NEEDS_INFO,
    ),
    ("已收到，正在核实", "你好，你的申请已收到，我们正在核实情况，会在规定时间内答复你。", ""),
    ("安排走访", "你好，我们计划本周内和车间分会主席一起上门了解情况，具体时间会电话和你联系。", S.IN_REVIEW),
]


@transaction.atomic
def seed() -> None:
    if WelfareRequest.objects.exists() or not OrgUnit.objects.exists():
        return
    for position, (title, body, state) in enumerate(CANNED_REPLIES):
        CannedReply.objects.get_or_create(
            title=title, defaults={"body": body, "suggested_state": state, "position": position}
        )
    types = {t.code: t for t in RequestType.objects.all()}
    for code, (standard, cap, threshold) in SCHEMES.items():
        BenefitScheme.objects.get_or_create(
            request_type=types[code],
            defaults={
                "standard_amount": Decimal(standard),
                "yearly_cap": Decimal(cap),
                "chair_threshold": Decimal(threshold),
            },
        )

    logins = {user.email.split("@")[0]: user for user in User.objects.filter(email__endswith="@demo.unionportal.cn")}
    officer, welfare, chair = logins["officer"], logins["welfare"], logins["chair"]
    worker = Member.objects.get(user=logins["worker"])
    factory = OrgUnit.objects.get(name="滨江机械厂工会")
    colleagues = list(
        Member.objects.filter(factory.subtree_q("unit"), status=Member.Status.ACTIVE)
        .exclude(pk=worker.pk)
        .order_by("pk")[:5]
    )
    hospital_member = Member.objects.filter(unit__name="护理部分会", status=Member.Status.ACTIVE).order_by("pk").first()

    def submit(member, code, description, *, by=None, **kwargs):
        if member.user_id is None:  # a member without an account came to the office
            by = by or officer
            kwargs.setdefault("consent_note", "本人到工会办公室口头申请，同意由工会干事代为录入。")
        return services.request_submit(
            member=member, request_type=types[code], description=description, by=by or member.user, **kwargs
        )

    def move(request, to, by, note="", **kwargs):
        return services.request_transition(request=request, to=to, by=by, note=note, **kwargs)

    # 1. The demo worker's hardship case, in review, with a conversation and an internal note.
    hardship = submit(
        worker,
        "hardship",
        "今年三月我丈夫下岗，婆婆又因为脑梗住院，家里每月收入只有我一个人的工资，还要还房贷。想申请困难帮扶。",
        amount_requested=Decimal("3000"),
        files=[SimpleUploadedFile("家庭收入情况说明.pdf", DEMO_PDF, content_type="application/pdf")],
    )
    services.request_assign(request=hardship, officer=officer, by=officer)
    move(hardship, S.IN_REVIEW, officer)
    services.message_post(
        request=hardship, author=officer, body="李娟你好，材料已收到。下周二我和车间分会主席到你家里了解一下情况。"
    )
    services.message_post(
        request=hardship, author=officer, body="已电话核实：家庭人均收入低于本市困难职工标准。", internal=True
    )
    services.message_post(request=hardship, author=worker.user, body="好的，谢谢！周二下午我在家。")
    _age(hardship, 6)

    # 2. Her education aid last autumn: approved, paid and closed.
    education = submit(
        worker,
        "education",
        "女儿今年考上了江南大学，学费每年五千多元，想申请金秋助学。",
        amount_requested=Decimal("2000"),
    )
    move(education, S.IN_REVIEW, officer)
    move(education, S.APPROVED, officer, "符合金秋助学条件，按标准发放。", granted_amount=Decimal("2000"))
    move(education, S.PAID, officer, "已转入工资卡。")
    move(education, S.CLOSED, officer)
    _age(education, 40)

    # 3. A hospital visit nobody has picked up yet: unassigned and overdue.
    if len(colleagues) >= 1:
        illness = submit(
            colleagues[0],
            "illness",
            "我因为腰椎间盘突出在市第一人民医院骨科住院，预计住两周。",
            amount_requested=Decimal("500"),
            by=chair,
            consent_note="本人打电话到市总工会，同意由工会代为申请。",
        )
        services.request_assign(request=illness, officer=None, by=chair)
        _age(illness, 9)

    # 4. Wage arrears, waiting for the worker's documents: its clock is paused.
    if len(colleagues) >= 2:
        wages = submit(colleagues[1], "wage-arrears", "外包的装卸班组已经两个月没有发工资了，班组长说公司资金紧张。")
        move(wages, S.IN_REVIEW, officer)
        move(wages, S.NEEDS_INFO, officer, "请上传近三个月的工资条或银行流水，以及考勤记录的照片。")
        _age(wages, 3)

    # 5. A confidential harassment case, handled by the welfare officer.
    if len(colleagues) >= 3:
        harassment = submit(
            colleagues[2],
            "discrimination",
            "车间一位班长多次在微信上给我发不合适的话，还在下班路上跟着我。我不想让车间里的人知道。",
            sensitivity=WelfareRequest.Sensitivity.CONFIDENTIAL,
            by=welfare,
            consent_note="本人到工会办公室当面反映，同意由福利干事代为登记，要求保密。",
        )
        services.request_triage(request=harassment, by=welfare, priority=WelfareRequest.Priority.URGENT)
        services.request_assign(request=harassment, officer=welfare, by=welfare)
        move(harassment, S.IN_REVIEW, welfare)
        services.message_post(
            request=harassment,
            author=welfare,
            body="你好，我是工会的陈静。你的情况只有我和工会主席知道。方便的话我们约个时间单独谈一谈。",
        )
        services.message_post(
            request=harassment, author=welfare, body="已保存微信截图，待与当事人面谈后再联系人事部。", internal=True
        )

    # 6. Disaster relief above the chair's threshold, waiting for the chair.
    if len(colleagues) >= 4:
        flood = submit(
            colleagues[3],
            "disaster",
            "上周暴雨，老家房子进水，家具和电器都泡坏了，父母暂时住在亲戚家。",
            amount_requested=Decimal("8000"),
        )
        move(flood, S.IN_REVIEW, officer)
        move(flood, S.APPROVED, officer, "核实受灾情况属实，建议救助六千元。", granted_amount=Decimal("6000"))
        _age(flood, 2)

    # 7. A request the office turned down, with the reason.
    if len(colleagues) >= 5:
        marriage = submit(colleagues[4], "marriage", "我去年十月登记结婚，当时不知道可以申请结婚慰问。")
        move(marriage, S.IN_REVIEW, officer)
        move(marriage, S.REJECTED, officer, "结婚慰问需在登记后六个月内申请，很抱歉这次不能发放。")
        _age(marriage, 20)

    # 8. Filed by the chair for a nurse's family who called the office.
    if hospital_member is not None:
        submit(
            hospital_member,
            "bereavement",
            "护士的父亲昨天去世，家属打电话到工会。",
            by=chair,
            consent_note="家属来电告知，本人同意由工会代为申请。",
            amount_requested=Decimal("1000"),
        )


# Yearly budgets, so the statistics page compares grants with a budget.
BUDGETS = {"滨江机械厂工会": Decimal("200000.00"), "滨江人民医院工会": Decimal("150000.00")}


@transaction.atomic
def seed_budgets() -> None:
    if Budget.objects.exists():
        return
    year = timezone.localdate().year
    for unit in OrgUnit.objects.filter(name__in=BUDGETS):
        Budget.objects.create(unit=unit, year=year, amount=BUDGETS[unit.name], note="年度帮扶预算")
