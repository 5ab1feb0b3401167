"""Demo survey: the machinery factory asks what activities its members want;
a dozen colleagues answered (anonymously), and the officer turned the most
popular choice into an activity draft. The demo worker has not answered yet,
so a demo can show the form. Does nothing twice."""

from django.db import transaction

from members.models import Member, User

from . import selectors, services
from .models import Choice, Question, Survey

QUESTIONS = [
    (
        "下半年你最想参加哪类活动？",
        Question.Kind.SINGLE,
        ["劳动法律知识讲座", "周末登山徒步", "亲子手工活动", "职工技能比武", "读书分享会"],
    ),
    ("哪些时间你比较方便？", Question.Kind.MULTIPLE, ["工作日晚上", "周六上午", "周日下午"]),
    ("你还有什么想法或建议？", Question.Kind.TEXT, []),
]
# Which choice each colleague picks (index into the choices), and what they write.
PICKS = [1, 1, 0, 1, 2, 1, 3, 0, 1, 4, 1, 2]
TIMES = [[1], [1, 2], [0], [1], [2], [1, 2], [0, 1], [2], [1], [0], [1], [2]]
TEXTS = [
    "希望能带家属一起参加。",
    "",
    "讲座最好讲讲加班费怎么算。",
    "",
    "",
    "登山路线别太难，老同志也能去。",
    "",
    "",
    "",
    "",
    "",
    "",
]


@transaction.atomic
def seed() -> None:
    if Survey.objects.exists():
        return
    worker = Member.objects.filter(user__email="worker@demo.unionportal.cn").select_related("union").first()
    officer = User.objects.filter(email="officer@demo.unionportal.cn").first()
    if worker is None or officer is None:
        return  # the members' demo is not there
    survey = Survey.objects.create(
        unit=worker.union,
        title="2027年职工活动需求调查",
        intro="工会想听听大家的想法：下半年办什么活动、什么时间办。匿名填写，约两分钟。",
        anonymous=True,
        created_by=officer,
    )
    for position, (text, kind, choices) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            survey=survey, position=position, text=text, kind=kind, required=kind != "text"
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=choice) for i, choice in enumerate(choices, start=1)
        )
    services.survey_open(survey=survey, by=officer)
    questions = selectors.questions_of(survey)
    colleagues = (
        Member.objects.filter(status=Member.Status.ACTIVE, union=worker.union)
        .exclude(pk=worker.pk)
        .select_related("unit")
        .order_by("pk")
    )
    for member, pick, times, text in zip(colleagues, PICKS, TIMES, TEXTS, strict=False):
        single, multiple, free = questions
        choices_1, choices_2 = list(single.choices.all()), list(multiple.choices.all())
        services.survey_answer(
            survey=survey,
            member=member,
            answers={
                single.pk: [choices_1[pick].pk],
                multiple.pk: [choices_2[i].pk for i in times],
                free.pk: text,
            },
        )
    survey.refresh_from_db()
    top = max(selectors.survey_results(survey)[0].choices, key=lambda row: row.count)
    if not selectors.results_withheld(survey):
        services.survey_choice_draft(choice=top.choice, by=officer)
