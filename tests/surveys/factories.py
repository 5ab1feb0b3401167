"""Surveys as officers build them in the admin: a survey, its questions and choices, opened."""

from members.models import OrgUnit, User
from surveys import services
from surveys.models import Choice, Question, Survey

STANDARD = [
    ("你最想参加哪类活动？", Question.Kind.SINGLE, ["登山徒步", "法律讲座", "亲子活动"]),
    ("哪些时间方便？", Question.Kind.MULTIPLE, ["工作日晚上", "周六上午"]),
    ("还有什么建议？", Question.Kind.TEXT, []),
]


def survey(
    *, unit: OrgUnit, by: User, anonymous: bool = True, questions=STANDARD, title: str = "活动需求调查"
) -> Survey:
    """An open survey in ``unit`` with ``questions`` ((text, kind, [choices])), opened by ``by``."""
    item = Survey.objects.create(unit=unit, title=title, anonymous=anonymous, created_by=by)
    for position, (text, kind, choices) in enumerate(questions, start=1):
        question = Question.objects.create(
            survey=item, position=position, text=text, kind=kind, required=kind != Question.Kind.TEXT
        )
        Choice.objects.bulk_create(Choice(question=question, position=i, text=c) for i, c in enumerate(choices, 1))
    services.survey_open(survey=item, by=by)
    item.refresh_from_db()
    return item


def choice(item: Survey, question: int, text: str) -> Choice:
    return Choice.objects.get(question__survey=item, question__position=question, text=text)


def answers(item: Survey, *, pick: str = "登山徒步", times=("周六上午",), text: str = "") -> dict:
    """The answers dict the service takes, for the standard questions."""
    single, multiple, free = item.questions.order_by("position")
    return {
        single.pk: [choice(item, 1, pick).pk],
        multiple.pk: [choice(item, 2, t).pk for t in times],
        free.pk: text,
    }


def answer(item: Survey, member, **kwargs):
    return services.survey_answer(survey=item, member=member, answers=answers(item, **kwargs))
