"""Load a large, realistic union for the load benchmark (``make bench``), fast.

Rows go in with ``bulk_create`` in batches; no signals, no history, no
e-mails. The same seed gives the same union. Each area seeds only when its
app has models; a second run adds nothing.

    manage.py bench_seed                 # 100,000 members and everything else
    manage.py bench_seed --scale 0.01    # a small union, for a quick check
"""

import random
import time
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from members import services
from members.models import Member, OrgUnit, User

BATCH = 5000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅兰玉凤荣文辉斌鑫宇浩然子轩欣怡佳琪梓涵晨阳思远海燕志刚春花秋菊冬梅雪松立新振华"  # noqa: E501
JOBS = ["装配工", "钳工", "电工", "焊工", "质检员", "护士", "医生", "司机", "仓管员", "会计", "车间主任", "厨师"]
ACTIVITY_TITLES = ["安全知识讲座", "职工篮球赛", "读书会", "志愿服务", "困难职工慰问", "登山"]
# The people the benchmark logs in as.
BENCH_WORKER_EMAIL = "bench-worker@bench.local"
BENCH_OFFICER_EMAIL = "bench-officer@bench.local"
BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - a throwaway benchmark database


class Command(BaseCommand):
    help = "Load 100,000 members (and, per area, activities, registrations, requests, feedback) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 members; 0.01 = 1,000.")
        parser.add_argument("--unions", type=int, default=20, help="Grassroots unions (each: 5 branches, 10 groups).")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale: float, unions: int, seed: int, **options):
        self.unions = unions
        self.rng = random.Random(seed)  # nosec B311 - test data, not secrets
        self.scale = scale
        for area in (self.seed_members, self.seed_activities, self.seed_welfare, self.seed_feedback):
            started = time.monotonic()
            with transaction.atomic():
                added = area()
            if added:
                self.stdout.write(f"{area.__name__}: {added} in {time.monotonic() - started:.1f}s")
                self.analyze()
        self.vacuum()
        self.stdout.write("Benchmark data ready.")

    def analyze(self) -> None:
        # Fresh statistics, or PostgreSQL plans the first queries on 100,000 rows as if the tables were empty.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def vacuum(self) -> None:
        # A production server's autovacuum keeps the visibility map current (index-only scans) and
        # dead rows few; a server with autovacuum off (this machine's) would measure neither. Each
        # run measures the tables as autovacuum leaves them. VACUUM runs only outside a transaction;
        # inside one (a test's), ANALYZE alone keeps the planner's figures fresh.
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            self.analyze()
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")

    def count(self, base: int) -> int:
        return max(1, round(base * self.scale))

    # --- members -------------------------------------------------------------

    def seed_members(self) -> str:
        if User.objects.filter(email=BENCH_WORKER_EMAIL).exists():
            return ""
        rng = self.rng
        root = services.unit_add(parent=None, name="滨海市总工会", kind=OrgUnit.Kind.FEDERATION)
        leaves: list[tuple[OrgUnit, OrgUnit]] = []  # (leaf unit, its grassroots union)
        for u in range(self.unions):
            union = services.unit_add(parent=root, name=f"滨海第{u + 1}厂工会", kind=OrgUnit.Kind.UNION)
            for b in range(5):
                branch = services.unit_add(parent=union, name=f"第{b + 1}分会", kind=OrgUnit.Kind.BRANCH)
                for g in range(2):
                    group = services.unit_add(parent=branch, name=f"第{g + 1}班组", kind=OrgUnit.Kind.GROUP)
                    leaves.append((group, union))

        password = make_password(BENCH_PASSWORD)
        total = self.count(100_000)
        now = timezone.now()
        users = [
            User(email=f"m{i:06d}@bench.local", display_name="", password=password, language="zh-hans")
            for i in range(total)
        ]
        users[0].email = BENCH_WORKER_EMAIL
        users = User.objects.bulk_create(users, batch_size=BATCH)

        members = []
        for i, user in enumerate(users):
            unit, union = leaves[i % len(leaves)]
            active = i == 0 or rng.random() < 0.9
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            members.append(
                Member(
                    user=user,
                    name=name if i else "林小梅",
                    gender=Member.Gender.FEMALE if i == 0 or rng.random() < 0.45 else Member.Gender.MALE,
                    date_of_birth=date(1960, 1, 1) + timedelta(days=rng.randrange(16000)),
                    phone=f"139{i:08d}",
                    email=user.email,
                    employee_number=f"E{i:07d}",
                    unit=unit,
                    union=union,
                    job_title=rng.choice(JOBS),
                    retired=rng.random() < 0.08,
                    privacy_consent_at=now,
                    wants_optional_mail=True,
                    wants_optional_sms=True,
                    status=Member.Status.ACTIVE if active else Member.Status.APPLICANT,
                    membership_number=f"GH2026{i + 1:07d}" if active else None,
                    joined_on=date(2020, 1, 1) + timedelta(days=rng.randrange(2000)) if active else None,
                    created_at=now,
                )
            )
        Member.objects.bulk_create(members, batch_size=BATCH)

        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from django.contrib.auth.models import Group

        officer = User.objects.create(
            email=BENCH_OFFICER_EMAIL,
            display_name="基准干事",
            password=password,
            is_staff=True,
            officer_unit=root,
        )
        officer.groups.add(*Group.objects.filter(name__in=["Officer", "Welfare officer", "Chair"]))
        # The back office asks staff for a second factor; the benchmark logs in directly.
        Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={})
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in (users[0], officer)]
        )
        return f"{len(leaves)} groups, {total} members"

    def _members(self) -> list[tuple[int, int]]:
        """(member id, unit id) of every member, in id order."""
        return list(Member.objects.order_by("pk").values_list("pk", "unit_id"))

    # --- activities ------------------------------------------------------------

    def seed_activities(self) -> str:
        try:
            from activities.models import Activity, Registration
        except ImportError:
            return ""
        if Activity.objects.exists():
            return ""
        rng = self.rng
        R = Registration.Status
        unions = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.UNION).order_by("path"))
        root = OrgUnit.objects.get(depth=1, kind=OrgUnit.Kind.FEDERATION, name="滨海市总工会")
        by_union: dict[int, list[int]] = {union.pk: [] for union in unions}
        for member_id, union_id in Member.objects.values_list("pk", "union_id"):
            by_union.setdefault(union_id, []).append(member_id)
        everyone = [member_id for ids in by_union.values() for member_id in ids]
        officer = User.objects.get(email=BENCH_OFFICER_EMAIL)
        now = timezone.now()
        activities = []
        for i in range(self.count(1_000)):
            unit = root if i % 50 == 0 else unions[i % len(unions)]
            starts = now + timedelta(days=rng.randrange(-365, 120), hours=rng.randrange(8, 20))
            activities.append(
                Activity(
                    title=f"{rng.choice(ACTIVITY_TITLES)}（第{i + 1}期）",
                    category=rng.choice(Activity.Category.values),
                    description="欢迎会员参加。" * rng.randrange(1, 10),
                    place=rng.choice(["职工之家", "体育馆", "会议室", "凤凰山"]),
                    unit=unit,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    capacity=rng.randrange(20, 300),
                    waiting_list=True,
                    status=Activity.Status.PUBLISHED,
                    members_only=True,
                    gender="F" if i % 25 == 0 else "",
                    created_by=officer,
                )
            )
        activities = Activity.objects.bulk_create(activities, batch_size=BATCH)
        per_activity = max(1, self.count(200_000) // len(activities))
        registrations = []
        for activity in activities:
            pool = everyone if activity.unit_id == root.pk else by_union[activity.unit_id]
            chosen = rng.sample(pool, min(len(pool), per_activity))
            past = activity.starts_at < now
            for index, member_id in enumerate(chosen):
                if index < activity.capacity:
                    status = (R.ATTENDED if rng.random() < 0.85 else R.NO_SHOW) if past else R.CONFIRMED
                    position = None
                else:
                    status, position = R.WAITING, index - activity.capacity + 1
                registrations.append(
                    Registration(activity=activity, member_id=member_id, status=status, position=position)
                )
        Registration.objects.bulk_create(registrations, batch_size=BATCH)
        return f"{len(activities)} activities, {len(registrations)} registrations"

    # --- welfare ---------------------------------------------------------------

    def seed_welfare(self) -> str:
        try:
            from welfare.models import BenefitScheme, RequestTransition, RequestType, WelfareRequest
        except ImportError:
            return ""
        if WelfareRequest.objects.exists() or not RequestType.objects.exists():
            return ""
        rng = self.rng
        S = WelfareRequest.State
        members = self._members()
        officer = User.objects.get(email=BENCH_OFFICER_EMAIL)
        types = list(RequestType.objects.all())
        for request_type in types:
            if request_type.asks_amount:
                BenefitScheme.objects.get_or_create(
                    request_type=request_type,
                    defaults={"standard_amount": 2000, "yearly_cap": 5000, "chair_threshold": 3000},
                )
        weights = {S.CLOSED: 40, S.PAID: 10, S.REJECTED: 8, S.WITHDRAWN: 4, S.APPROVED: 6, S.SUBMITTED: 12,
                   S.IN_REVIEW: 12, S.NEEDS_INFO: 5, S.AWAITING_CHAIR: 3}  # fmt: skip
        states, state_weights = list(weights), list(weights.values())
        now = timezone.now()
        requests = []
        total = self.count(100_000)
        for i in range(total):
            # The benchmark worker has a handful of requests, like a worker who asked for help over the years.
            member_id = members[0][0] if i < 8 else rng.choice(members)[0]
            request_type = rng.choice(types)
            state = rng.choices(states, state_weights)[0]
            submitted = now - timedelta(days=rng.randrange(1, 1000), minutes=rng.randrange(1440))
            decided = state in (S.APPROVED, S.PAID, S.CLOSED, S.REJECTED)
            granted = decided and state != S.REJECTED or state == S.AWAITING_CHAIR
            asked = rng.randrange(500, 6000) if request_type.asks_amount else None
            day = timezone.localdate(submitted)
            requests.append(
                WelfareRequest(
                    reference=f"WF-{submitted:%Y}-{i + 1:06d}",
                    member_id=member_id,
                    request_type=request_type,
                    description="家里遇到困难，希望工会帮助。" * rng.randrange(1, 8),
                    amount_requested=asked,
                    sensitivity="confidential" if rng.random() < 0.1 else "normal",
                    priority=rng.choice(WelfareRequest.Priority.values),
                    state=state,
                    assigned_to=officer if state != S.SUBMITTED else None,
                    submitted_at=submitted,
                    first_response_due=day + timedelta(days=request_type.days_to_first_response),
                    decision_due=day + timedelta(days=request_type.days_to_decision),
                    granted_amount=min(asked or 2000, 2000) if granted else None,
                    decided_at=submitted + timedelta(days=5) if decided else None,
                    decided_by=officer if decided else None,
                    filed_by_id=None,
                )
            )
        created = WelfareRequest.objects.bulk_create(requests, batch_size=BATCH)
        RequestTransition.objects.bulk_create(
            [RequestTransition(request=r, from_state="", to_state=S.SUBMITTED, at=r.submitted_at) for r in created]
            + [
                RequestTransition(request=r, from_state=S.SUBMITTED, to_state=r.state, by=officer, at=r.submitted_at)
                for r in created
                if r.state != S.SUBMITTED
            ],
            batch_size=BATCH,
        )
        return f"{len(created)} welfare requests with their timelines"

    # --- feedback ------------------------------------------------------------

    def seed_feedback(self) -> str:
        try:
            from feedback.models import Feedback, FeedbackSupport
        except ImportError:
            return ""
        if Feedback.objects.exists():
            return ""
        rng = self.rng
        members = self._members()
        officer = User.objects.get(email=BENCH_OFFICER_EMAIL)
        categories = Feedback.Category.values
        now = timezone.now()
        items = []
        for i in range(self.count(50_000)):
            member_id, unit_id = rng.choice(members)
            anonymous = rng.random() < 0.3
            published = rng.random() < 0.3
            day = timezone.localdate() - timedelta(days=rng.randrange(730))
            items.append(
                Feedback(
                    unit_id=unit_id,
                    category=rng.choice(categories),
                    title=f"建议{i}：{rng.choice(['食堂', '班车', '安全帽', '夜班', '培训', '休息室'])}的问题",
                    body="希望工会关注。" * rng.randrange(1, 20),
                    anonymous=anonymous,
                    author_id=None if anonymous else member_id,
                    followup_digest=f"{rng.getrandbits(256):064x}" if anonymous else None,
                    submitted_on=day,
                    state=Feedback.State.ANSWERED if published else rng.choice(Feedback.State.values),
                    published=published,
                    official_answer="工会已与行政协商，下月起改进。" if published else "",
                    published_at=now - timedelta(days=rng.randrange(365)) if published else None,
                    published_by=officer if published else None,
                )
            )
        published = [item for item in items if item.published]
        supports, seen = [], set()
        for _ in range(self.count(50_000)):
            item = rng.choice(published)
            member_id, _unit = rng.choice(members)
            if (item.pk, member_id) not in seen:
                seen.add((item.pk, member_id))
                supports.append(FeedbackSupport(feedback=item, member_id=member_id))
                # bulk_create sends no signals: count here, before the items are written.
                item.supporter_count += 1
        Feedback.objects.bulk_create(items, batch_size=BATCH)
        FeedbackSupport.objects.bulk_create(supports, batch_size=BATCH)
        return f"{len(items)} feedback items ({len(published)} on the board), {len(supports)} supports"
