"""Demo activities, from the union's own practice: the March 8 hike for women
workers, the Double Ninth "sunset red" choir for retired and older members,
a learning session, a popular trip drawn by lot, a reading circle about to
start (open for check-in) and a sports day that is over (attended, rated).
Called by ``manage.py seed_demo``; does nothing twice."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from members.models import Member, OrgUnit, User

from . import services
from .models import Activity, Rating, Registration, RegistrationEvent

# The Double Ninth festival (重阳节, 9th day of the 9th lunar month) in the Gregorian calendar.
DOUBLE_NINTH = {
    2025: date(2025, 10, 29),
    2026: date(2026, 10, 18),
    2027: date(2027, 10, 8),
    2028: date(2028, 10, 26),
    2029: date(2029, 10, 16),
    2030: date(2030, 10, 5),
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _next(dates: list[date], today: date) -> date:
    return next((day for day in sorted(dates) if day > today + timedelta(days=3)), max(dates))


def _members(unit: OrgUnit, **filters) -> list[Member]:
    return list(
        Member.objects.filter(unit__path__startswith=unit.path, status=Member.Status.ACTIVE, **filters)
        .select_related("user", "unit")
        .order_by("id")
    )


@transaction.atomic
def seed() -> None:
    if Activity.objects.exists() or not OrgUnit.objects.exists():
        return
    today = timezone.localdate()
    now = timezone.now()
    root = OrgUnit.objects.get(name="滨江市总工会")
    factory = OrgUnit.objects.get(name="滨江机械厂工会")
    officer = User.objects.get(email="officer@demo.unionportal.cn")
    chair = User.objects.get(email="chair@demo.unionportal.cn")
    worker = Member.objects.select_related("user", "unit").get(user__email="worker@demo.unionportal.cn")

    # 三八节女职工登山: only women of the factory union.
    march_8 = _next([date(today.year, 3, 8), date(today.year + 1, 3, 8)], today)
    hike = Activity.objects.create(
        title="三八节女职工登山活动",
        category=Activity.Category.CULTURE_SPORT,
        description=(
            "庆祝“三八”国际劳动妇女节，工会组织女职工登凤凰山，呼吸新鲜空气，放松身心。\n"
            "请穿运动鞋，自带水杯；工会提供午餐和登山纪念品。山路约6公里，量力而行。"
        ),
        place="滨江森林公园北门集合（凤凰山登山步道）",
        unit=factory,
        starts_at=_at(march_8, 8, 30),
        ends_at=_at(march_8, 15, 30),
        signup_closes_at=_at(march_8 - timedelta(days=2), 18),
        capacity=30,
        gender=Member.Gender.FEMALE,
        status=Activity.Status.PUBLISHED,
        created_by=officer,
    )
    for member in [m for m in _members(factory, gender=Member.Gender.FEMALE) if m != worker][:6]:
        services.registration_signup(activity=hike, member=member, by=member.user)

    # 重阳节“夕阳红”合唱: retired members, or members of 55 and over, across the federation.
    double_ninth = _next(list(DOUBLE_NINTH.values()), today)
    choir = Activity.objects.create(
        title="重阳节“夕阳红”合唱展演",
        category=Activity.Category.CULTURE_SPORT,
        description=(
            "重阳佳节，市总工会邀请离退休职工和55岁以上的会员组成“夕阳红”合唱团，"
            "排练《歌唱祖国》《夕阳红》等曲目，并在重阳节当天为大家展演。每周二下午排练，欢迎老同志们踊跃报名！"
        ),
        place="市工人文化宫二楼排练厅",
        unit=root,
        starts_at=_at(double_ninth, 14, 30),
        ends_at=_at(double_ninth, 17),
        signup_closes_at=_at(double_ninth - timedelta(days=14), 17),
        capacity=40,
        retired=Activity.RetiredRule.OR_OLDER,
        min_age=55,
        status=Activity.Status.PUBLISHED,
        created_by=chair,
    )
    singer = Member.objects.filter(retired=False, status=Member.Status.ACTIVE).exclude(pk=worker.pk).first()
    if singer is not None:
        services.eligibility_override_grant(
            activity=choir, member=singer, reason="合唱团骨干，负责领唱，特批参加。", by=chair
        )
    for member in [m for m in _members(root) if services.eligibility_check(activity=choir, member=m).eligible][:10]:
        services.registration_signup(activity=choir, member=member, by=member.user)

    # A learning session, with the demo worker signed up.
    lecture_day = today + timedelta(days=12)
    lecture = Activity.objects.create(
        title="《劳动合同法》与职工权益学习讲座",
        category=Activity.Category.LEARNING,
        description=(
            "邀请市总工会法律服务中心律师讲解劳动合同的订立、变更和解除，加班工资与休息休假，"
            "以及遇到欠薪、工伤时如何维权。讲座后现场答疑，欢迎带着问题来。"
        ),
        place="机械厂行政楼三楼会议室",
        unit=factory,
        starts_at=_at(lecture_day, 14),
        ends_at=_at(lecture_day, 16),
        capacity=60,
        status=Activity.Status.PUBLISHED,
        created_by=officer,
    )
    for member in [worker, *_members(factory)[:8]]:
        if not Registration.objects.filter(activity=lecture, member=member).exists():
            services.registration_signup(activity=lecture, member=member, by=member.user)

    # A popular trip: places drawn by lot; sign-up has just closed, the officer can draw.
    trip_day = today + timedelta(days=30)
    trip = Activity.objects.create(
        title="劳模及一线职工千岛湖疗休养",
        category=Activity.Category.CARE,
        description="工会为一线职工安排三天两晚疗休养。名额有限，报名截止后抽签，近12个月参加活动较少的会员优先。",
        place="千岛湖职工疗休养基地",
        unit=factory,
        starts_at=_at(trip_day, 8),
        ends_at=_at(trip_day + timedelta(days=2), 17),
        signup_closes_at=now + timedelta(hours=1),
        capacity=4,
        allocation=Activity.Allocation.LOTTERY,
        status=Activity.Status.PUBLISHED,
        created_by=officer,
    )
    for member in [worker, *_members(factory)[:9]]:
        if not Registration.objects.filter(activity=trip, member=member).exists():
            services.registration_signup(activity=trip, member=member, by=member.user)
    Activity.objects.filter(pk=trip.pk).update(signup_closes_at=now - timedelta(hours=1))

    # A reading circle starting soon after the demo is loaded: check-in is open,
    # so an officer can scan the demo worker's member card and check her in.
    soon = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    reading = Activity.objects.create(
        title="职工书屋读书分享会",
        category=Activity.Category.LEARNING,
        description="本期共读《平凡的世界》，欢迎分享读后感。职工书屋提供茶水。",
        place="职工之家二楼职工书屋",
        unit=factory,
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        cancellation_cutoff=timedelta(minutes=30),
        capacity=20,
        status=Activity.Status.PUBLISHED,
        created_by=officer,
    )
    for member in [worker, *_members(factory)[:4]]:
        if not Registration.objects.filter(activity=reading, member=member).exists():
            services.registration_signup(activity=reading, member=member, by=member.user)

    # A sports day that is over: attendance taken, ratings given.
    sports_day = today - timedelta(days=40)
    sports = Activity.objects.create(
        title="春季职工趣味运动会",
        category=Activity.Category.CULTURE_SPORT,
        description="拔河、跳绳、托球跑等趣味项目，以班组为单位参赛。",
        place="机械厂职工运动场",
        unit=factory,
        starts_at=_at(sports_day, 9),
        ends_at=_at(sports_day, 12),
        capacity=50,
        status=Activity.Status.PUBLISHED,
        created_by=officer,
    )
    comments = ["很开心，希望多办！", "项目有意思，班组更团结了。", "", "组织得很好，就是天太热。"]
    for i, member in enumerate([worker, *_members(factory)[:7]]):
        if Registration.objects.filter(activity=sports, member=member).exists():
            continue
        came = i % 5 != 4
        registration = Registration.objects.create(
            activity=sports,
            member=member,
            status=Registration.Status.ATTENDED if came else Registration.Status.NO_SHOW,
            created_at=sports.starts_at - timedelta(days=7),
            checked_in_at=sports.starts_at + timedelta(minutes=i) if came else None,
            checked_in_by=officer if came else None,
        )
        RegistrationEvent.objects.create(
            registration=registration,
            to_state=Registration.Status.CONFIRMED,
            by=member.user,
            at=registration.created_at,
        )
        RegistrationEvent.objects.create(
            registration=registration,
            from_state=Registration.Status.CONFIRMED,
            to_state=registration.status,
            by=officer if came else None,
            at=sports.starts_at if came else sports.ends_at,
        )
        if came and i < len(comments):
            Rating.objects.create(registration=registration, score=5 - i % 2, comment=comments[i])
