"""Demo learning: a few materials per topic, a course on the labour contract with
its questions, a discussion with an answer marked the union's, the labour-law
lecture (an activity) linked to its material, and the rights guidance of the
contract, wage and safety request types linked to the library.
Called by ``manage.py seed_demo``; does nothing twice."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from activities.models import Activity
from members.models import Member, OrgUnit, User
from welfare.models import RequestType

from . import services
from .models import Choice, Course, CourseStep, Material, Question

C = Material.Category

# (category, title, summary, body paragraphs); published for the federation unless marked "factory".
ARTICLES = [
    (
        C.CONTRACT,
        "劳动合同怎么签：入职第一个月要知道的事",
        "书面合同、试用期、合同条款，一篇讲清。",
        [
            "<h2>一个月内签订书面劳动合同</h2><p>用人单位自用工之日起一个月内应当与你订立书面劳动合同。"
            "超过一个月不满一年未订立的，用人单位应当向你每月支付二倍的工资。</p>",
            "<h2>合同里必须写明的内容</h2><ul><li>工作内容和工作地点</li><li>工作时间和休息休假</li>"
            "<li>劳动报酬</li><li>社会保险</li><li>劳动保护、劳动条件和职业危害防护</li></ul>",
            "<p>合同一式两份，你手里一定要留一份。遇到问题，可以带着合同到工会咨询。</p>",
        ],
    ),
    (
        C.CONTRACT,
        "试用期的规矩",
        "试用期多长、工资多少、能不能随便辞退。",
        [
            "<p>劳动合同期限三个月以上不满一年的，试用期不得超过一个月；一年以上不满三年的，不得超过二个月；"
            "三年以上固定期限和无固定期限的，不得超过六个月。同一用人单位与同一劳动者只能约定一次试用期。</p>",
            "<p>试用期工资不得低于本单位相同岗位最低档工资或者劳动合同约定工资的百分之八十，并不得低于当地最低工资标准。</p>",
        ],
    ),
    (
        C.CONTRACT,
        "解除劳动合同与经济补偿",
        "哪些情况下可以拿到经济补偿，怎么算。",
        [
            "<p>用人单位依法解除劳动合同、或因用人单位的过错你提出解除的，用人单位应当支付经济补偿。"
            "经济补偿按你在本单位工作的年限，每满一年支付一个月工资；六个月以上不满一年的，按一年计算；"
            "不满六个月的，支付半个月工资。</p>",
            "<p>用人单位违法解除劳动合同的，应当按经济补偿标准的二倍支付赔偿金。有疑问先找工会，不要急着签字。</p>",
        ],
    ),
    (
        C.WAGES,
        "加班工资怎么算",
        "工作日、休息日、法定节假日加班的工资标准。",
        [
            '<table><thead><tr><th scope="col">加班时间</th><th scope="col">不低于工资的</th></tr></thead>'
            "<tbody><tr><td>工作日延长工作时间</td><td>150%</td></tr><tr><td>休息日且不能补休</td><td>200%</td></tr>"
            "<tr><td>法定休假日</td><td>300%</td></tr></tbody></table>",
            "<p>用人单位安排加班应当与工会和劳动者协商，一般每日不得超过一小时，特殊原因每日不得超过三小时，每月不得超过三十六小时。</p>",
        ],
    ),
    (
        C.WAGES,
        "被拖欠工资怎么办",
        "留证据、找工会、申请劳动仲裁。",
        [
            "<p>工资应当以货币形式按月支付给劳动者本人。被拖欠工资时，请保留考勤记录、工资条、银行流水和聊天记录。</p>",
            "<p>可以先在本平台提交“拖欠工资”的维权求助，工会会协助你与单位协商；协商不成，可以向劳动争议仲裁委员会申请仲裁，"
            "仲裁时效为一年。</p>",
        ],
    ),
    (
        C.SAFETY,
        "岗前安全三问",
        "上岗之前，问清危险、防护和应急。",
        [
            "<p>一问：我的岗位有哪些危险因素？二问：需要什么防护用品，会不会用？三问：出了事故怎么报告、怎么撤离？</p>",
            "<p>你有权拒绝违章指挥和强令冒险作业，有权对危及生命安全的情况停止作业或者在采取应急措施后撤离。</p>",
        ],
    ),
    (
        C.INSURANCE,
        "五险一金，一张表看懂",
        "养老、医疗、失业、工伤、生育保险和住房公积金。",
        [
            "<p>用人单位应当自用工之日起三十日内为你办理社会保险登记。工伤保险费由用人单位缴纳，职工个人不缴纳。</p>",
            "<p>可以在社保部门的小程序里查询自己的缴费记录，发现断缴及时向单位和工会反映。</p>",
        ],
    ),
    (
        C.UNION,
        "工会会员的权利和义务",
        "选举权、监督权、获得帮助的权利，以及按时交纳会费。",
        [
            "<p>会员有选举权、被选举权和表决权；有权对工会工作提出批评与建议；在合法权益受到侵犯时，有权要求工会给予保护。</p>",
            "<p>会员应当遵守工会章程，执行工会的决议，按月交纳会费。</p>",
        ],
    ),
    (
        C.SKILLS,
        "数控机床操作入门",
        "机械厂技能培训的第一课。",
        [
            "<p>开机前检查润滑和气压，确认急停按钮有效；装夹工件要牢固；首件必须检验。</p>",
        ],
    ),
    (
        C.HEALTH,
        "夏季防暑降温小常识",
        "高温作业怎么保护自己。",
        [
            "<p>少量多次补水，适当补充淡盐水；出现头晕、恶心、大量出汗等中暑先兆时，立即到阴凉处休息并报告班组长。</p>",
            "<p>日最高气温达到35℃以上时，用人单位应当向劳动者发放高温津贴。</p>",
        ],
    ),
    (
        C.POLICY,
        "本市职工医疗互助保障计划",
        "每年一次参保，住院可以多报一部分。",
        [
            "<p>在职会员自愿参加，每人每年缴费一百元，住院医疗费用在医保报销后，按比例再给予补助。详情请咨询所在工会。</p>",
        ],
    ),
]

# The course on the labour contract: its parts are the three contract articles above.
QUESTIONS = {
    "劳动合同怎么签：入职第一个月要知道的事": [
        (
            "用人单位应当在用工之日起多长时间内与你订立书面劳动合同？",
            False,
            [("一个月", True), ("三个月", False), ("半年", False)],
        ),
        (
            "下列哪些是劳动合同必须写明的内容？",
            True,
            [("工作时间和休息休假", True), ("劳动报酬", True), ("社会保险", True), ("员工的婚育计划", False)],
        ),
    ],
    "试用期的规矩": [
        (
            "劳动合同期限为两年，试用期最长可以约定多久？",
            False,
            [("一个月", False), ("二个月", True), ("六个月", False)],
        ),
        (
            "试用期工资不得低于劳动合同约定工资的多少？",
            False,
            [("百分之六十", False), ("百分之八十", True), ("百分之百", False)],
        ),
    ],
    "解除劳动合同与经济补偿": [
        (
            "在单位工作了三年零八个月，经济补偿一般按几个月工资计算？",
            False,
            [("三个月", False), ("三个半月", False), ("四个月", True)],
        ),
        (
            "用人单位违法解除劳动合同，应当支付多少赔偿金？",
            False,
            [("经济补偿的二倍", True), ("经济补偿的一半", False), ("不用支付", False)],
        ),
    ],
}

# A minimal PDF (one page, no script): the factory's safety rules to download.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<<>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 24 Tf 72 760 Td (Safety rules) Tj ET\nendstream endobj\n"
    b"trailer<</Root 1 0 R/Size 5>>\n%%EOF\n"
)


@transaction.atomic
def seed() -> None:
    if Material.objects.exists() or not OrgUnit.objects.exists():
        return
    root = OrgUnit.objects.filter(name="滨江市总工会").first()
    factory = OrgUnit.objects.filter(name="滨江机械厂工会").first()
    officer = User.objects.filter(email="officer@demo.unionportal.cn").first()
    chair = User.objects.filter(email="chair@demo.unionportal.cn").first()
    worker = Member.objects.filter(user__email="worker@demo.unionportal.cn").select_related("unit", "user").first()
    if None in (root, factory, officer, chair, worker):
        return  # the members' demo is not there
    now = timezone.now()
    materials = {}
    for age, (category, title, summary, paragraphs) in enumerate(ARTICLES):
        unit = factory if category == C.SKILLS else root
        material = Material.objects.create(
            unit=unit, category=category, title=title, summary=summary, body="".join(paragraphs), created_by=chair
        )
        material.published_at = now - timedelta(days=3 * (len(ARTICLES) - age))
        services.material_publish(material=material, by=chair)
        materials[title] = material
    rules = Material(
        unit=factory,
        category=C.SAFETY,
        kind=Material.Kind.PDF,
        title="机械厂安全操作规程（2026版）",
        summary="各工种安全操作规程汇编，可下载保存。",
        minutes=20,
        content_type="application/pdf",
        created_by=officer,
    )
    rules.file.save("safety-rules.pdf", ContentFile(DEMO_PDF), save=False)
    rules.save()
    services.material_publish(material=rules, by=officer)

    course = Course.objects.create(
        unit=root,
        category=C.CONTRACT,
        title="劳动合同入门：签订、试用期与解除",
        summary="三篇短文，每篇后面两道题，答对八成就算通过。大约十分钟。",
        pass_mark=80,
        created_by=chair,
    )
    for position, (title, questions) in enumerate(QUESTIONS.items(), start=1):
        step = CourseStep.objects.create(course=course, material=materials[title], position=position)
        for number, (text, multiple, choices) in enumerate(questions):
            question = Question.objects.create(step=step, text=text, multiple=multiple, position=number)
            Choice.objects.bulk_create(Choice(question=question, text=t, correct=ok) for t, ok in choices)
    services.course_publish(course=course, by=chair)

    # A few factory members took the course: two passed, one is half way, one missed questions.
    colleagues = list(
        Member.objects.filter(union=factory, status=Member.Status.ACTIVE).exclude(pk=worker.pk).order_by("pk")[:4]
    )
    steps = list(course.steps.prefetch_related("questions__choices"))
    for index, member in enumerate(colleagues):
        enrolment = services.course_start(course=course, member=member)
        for step in steps[: 3 if index != 2 else 1]:
            answers = {}
            for question in step.questions.all():
                right = {c.pk for c in question.choices.all() if c.correct}
                wrong = {c.pk for c in question.choices.all() if not c.correct}
                answers[question.pk] = set(list(wrong)[:1]) if index == 3 and question.multiple else right
            services.step_answer(enrolment=enrolment, step=step, answers=answers)
            services.material_open(material=step.material, member=member)

    # The discussion: a question, two answers, one of them marked the union's.
    contract = materials["劳动合同怎么签：入职第一个月要知道的事"]
    asker, helper = colleagues[0], colleagues[1]
    question = services.post_create(
        member=asker, thread=contract, text="我进厂两个月了，单位一直说合同“还在走流程”，我该怎么办？"
    )
    services.post_create(
        member=helper, thread=contract, text="我当时也是这样，后来找了车间主任才签的。", reply_to=question
    )
    answer = services.post_create(
        member=worker,
        thread=contract,
        text="超过一个月没签书面合同，单位要每月付二倍工资。先和人事书面催一次，保留好聊天记录；"
        "再不签，可以在“帮助与维权”里提交“劳动合同与解除”的求助，工会会出面协调。",
        reply_to=question,
    )
    services.post_mark_union_answer(post=answer, by=officer)
    services.post_create(member=helper, thread=course, text="第三部分的经济补偿，不满六个月是按半个月算吗？")

    # The labour-law lecture discusses the contract material; the rights guidance links to the library.
    lecture = Activity.objects.filter(category=Activity.Category.LEARNING, title__contains="劳动合同法").first()
    if lecture is not None:
        contract.sessions.add(lecture)
        materials["解除劳动合同与经济补偿"].sessions.add(lecture)
    for code, titles in {
        "contract-dismissal": ["劳动合同怎么签：入职第一个月要知道的事", "解除劳动合同与经济补偿", "试用期的规矩"],
        "wage-arrears": ["被拖欠工资怎么办", "加班工资怎么算"],
        "working-hours": ["加班工资怎么算"],
        "safety": ["岗前安全三问"],
    }.items():
        request_type = RequestType.objects.filter(code=code).first()
        if request_type is not None:
            request_type.learning_materials.add(*[materials[t] for t in titles])
    services.material_open(material=materials["五险一金，一张表看懂"], member=worker)
