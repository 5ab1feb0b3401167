"""Demo data for membership: a small organisation tree, about 30 members and
one login per role. Called by ``manage.py seed_demo``; does nothing twice."""

import random
from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from lib.dates import month_start

from . import services
from .models import DuesRecord, Member, OrgUnit, User
from .roles import CHAIR, OFFICER, WELFARE_OFFICER

DEMO_PASSWORD = "union-demo-2026"

LOGINS = [
    # e-mail, name, role, staff?
    ("worker@demo.unionportal.cn", "李娟", None),
    ("officer@demo.unionportal.cn", "王强", OFFICER),
    ("welfare@demo.unionportal.cn", "陈静", WELFARE_OFFICER),
    ("chair@demo.unionportal.cn", "张建国", CHAIR),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_F = ["芳", "娜", "敏", "静", "丽", "艳", "霞", "婷", "秀英", "桂兰", "玉梅", "晓燕"]
GIVEN_M = ["伟", "强", "磊", "军", "勇", "杰", "涛", "明", "建华", "志强", "国庆", "海峰"]
JOBS = ["装配工", "质检员", "电工", "仓库管理员", "车间主任", "会计", "司机", "食堂厨师", "护士", "技术员"]


def _tree() -> dict[str, OrgUnit]:
    add, kind = services.unit_add, OrgUnit.Kind
    units = {"root": add(parent=None, name="滨江市总工会", kind=kind.FEDERATION)}
    units["factory"] = add(parent=units["root"], name="滨江机械厂工会", kind=kind.UNION)
    units["hospital"] = add(parent=units["root"], name="滨江人民医院工会", kind=kind.UNION)
    units["assembly"] = add(parent=units["factory"], name="总装车间分会", kind=kind.BRANCH)
    units["logistics"] = add(parent=units["factory"], name="后勤分会", kind=kind.BRANCH)
    units["nursing"] = add(parent=units["hospital"], name="护理部分会", kind=kind.BRANCH)
    units["retirees"] = add(parent=units["hospital"], name="离退休分会", kind=kind.BRANCH)
    units["assembly_1"] = add(parent=units["assembly"], name="总装一班", kind=kind.GROUP)
    # Siblings are kept sorted by name, so adding a unit can renumber the paths of
    # units added before it: read them all back.
    return {key: OrgUnit.objects.get(pk=unit.pk) for key, unit in units.items()}


@transaction.atomic
def seed() -> None:
    if OrgUnit.objects.exists():
        return
    units = _tree()
    rng = random.Random(2026)
    now = timezone.now()
    officer_units = {OFFICER: units["factory"], WELFARE_OFFICER: units["factory"], CHAIR: units["root"]}

    accounts = {}
    for email, name, role in LOGINS:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if role:
            user.is_staff = True
            user.officer_unit = officer_units[role]
            user.save()
            user.groups.add(Group.objects.get(name=role))
        accounts[email] = user

    # The demo worker: an active member of the assembly group, a woman of 34.
    worker = services.member_register(
        user=accounts["worker@demo.unionportal.cn"],
        name="李娟",
        gender=Member.Gender.FEMALE,
        date_of_birth=date(1992, 3, 8),
        unit=units["assembly_1"],
        consent=True,
        phone="+8613800000001",
        employee_number="JX-0001",
        job_title="装配工",
        # She ticked both boxes for greetings and reminders (they are off unless ticked).
        wants_optional_mail=True,
        wants_optional_sms=True,
    )
    # She signs in with her mobile number too (a texted code lands in var/sms/).
    worker.user.phone, worker.user.phone_verified = "+8613800000001", True
    worker.user.save(update_fields=["phone", "phone_verified"])
    officer = accounts["officer@demo.unionportal.cn"]
    services.membership_apply(member=worker, by=worker.user)
    services.membership_approve(member=worker, by=officer, note="欢迎加入工会！")

    placements = ["assembly", "assembly_1", "logistics", "nursing", "retirees", "factory", "hospital"]
    for i in range(30):
        gender = Member.Gender.FEMALE if i % 2 else Member.Gender.MALE
        given = rng.choice(GIVEN_F if gender == Member.Gender.FEMALE else GIVEN_M)
        unit = units[placements[i % len(placements)]]
        retired = unit == units["retirees"] or i % 11 == 0
        born = (
            date(1950 + rng.randint(0, 12), rng.randint(1, 12), rng.randint(1, 28))
            if retired
            else date(1970 + rng.randint(0, 33), rng.randint(1, 12), rng.randint(1, 28))
        )
        member = Member.objects.create(
            name=rng.choice(SURNAMES) + given,
            gender=gender,
            date_of_birth=born,
            unit=unit,
            phone=f"+86139{i:08d}",
            email=f"member{i:02d}@demo.unionportal.cn",
            # A third of the roster is reached by text message (the files under var/sms/).
            channel=Member.Channel.SMS if i % 3 == 0 else Member.Channel.AUTO,
            employee_number=f"E{i:04d}",
            job_title=rng.choice(JOBS),
            retired=retired,
            privacy_consent_at=now,
            # The paper forms of the roster ask for greetings and reminders; most said yes.
            wants_optional_mail=i % 4 != 3,
            wants_optional_sms=i % 4 != 3,
        )
        staff = accounts["chair@demo.unionportal.cn"]
        if i % 6 == 5:
            services.membership_change(member=member, to=Member.Status.APPLICANT, by=staff, note="纸质申请录入")
        elif i % 10 != 9:
            services.membership_change(member=member, to=Member.Status.APPLICANT, by=staff, note="纸质申请录入")
            services.membership_approve(member=member, by=staff)

    first_of_month = timezone.localdate().replace(day=1)
    for member in Member.objects.filter(status=Member.Status.ACTIVE):
        for back in range(1, 4):
            month = (first_of_month.month - back - 1) % 12 + 1
            year = first_of_month.year - (1 if first_of_month.month - back < 1 else 0)
            DuesRecord.objects.create(
                member=member, period=date(year, month, 1), amount="15.00", paid_on=date(year, month, 10)
            )

    _membership_life(units=units, officer=officer, chair=accounts["chair@demo.unionportal.cn"])


def _membership_life(*, units: dict[str, OrgUnit], officer: User, chair: User) -> None:
    """A membership that lives: a transfer between the two unions (accepted), one waiting for the
    factory to accept, and a member of the factory who lapsed after three unpaid months."""
    factory, hospital = units["factory"], units["hospital"]
    factory.lapse_after_unpaid_months = 3
    factory.save(update_fields=["lapse_after_unpaid_months"])
    # The last members added: the other areas' demos take the first ones for their stories.
    in_factory = list(Member.objects.filter(factory.subtree_q("unit"), status=Member.Status.ACTIVE).order_by("-pk")[:2])
    in_hospital = Member.objects.filter(unit=units["retirees"], status=Member.Status.ACTIVE).order_by("-pk").first()
    if len(in_factory) < 2 or in_hospital is None:
        return
    lapsing, moving = in_factory

    transfer = services.transfer_request(
        member=moving, to_union=hospital, by=officer, reason="调入滨江人民医院后勤保障部工作，组织关系随转。"
    )
    services.transfer_accept(
        transfer=transfer, by=chair, unit=units["nursing"], employee_number="YY-0417", note="欢迎来到医院工会。"
    )
    services.transfer_request(
        member=in_hospital, to_union=factory, by=chair, reason="返聘到滨江机械厂担任技术顾问，申请转入机械厂工会。"
    )

    # Three months without dues: warned last month, lapsed by the monthly job this month.
    lapsing.dues.all().delete()
    Member.objects.filter(pk=lapsing.pk).update(lapse_warned_for=month_start(timezone.localdate(), 2))
    services.membership_change(
        member=lapsing,
        to=Member.Status.LAPSED,
        by=None,
        note="连续 3 个月未缴纳会费，会籍自动失效。",
        automatic=True,
    )
