"""Reads: which surveys a member is asked, which an officer sees, and the results.

Each function runs a fixed number of queries, however many surveys, questions
and answers there are (tests/surveys/test_query_counts.py holds them to it).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from lib.anonymity import MIN_CROWD, member_digests
from members.models import Member
from members.scoping import scope_queryset
from members.selectors import ancestor_paths

from .models import Answer, Choice, Question, Survey, SurveyRespondent

RESPONDENT_PURPOSE = "surveys.respondent"


def respondent_digests(*, survey_id: int, member: Member) -> list[str]:
    """The member's digests for one survey (current key first): the salt is derived from the survey."""
    return member_digests(purpose=RESPONDENT_PURPOSE, scope=str(survey_id), member_id=member.pk)


def surveys_for_member(member: Member) -> QuerySet[Survey]:
    """Surveys a member is asked: open ones of their unit or a unit above it, not past their last day.
    The list, the answer page and the answer service all read through it."""
    today = timezone.localdate()
    return Survey.objects.filter(
        Q(status=Survey.Status.OPEN)
        & (Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        & Q(unit__path__in=[*ancestor_paths(member.unit), member.unit.path])
    )


def surveys_for_officer(user) -> QuerySet[Survey]:
    """Surveys an officer may read the results of: those asked in their part of the tree."""
    return scope_queryset(Survey.objects.all(), user)


def has_answered(*, survey: Survey, member: Member) -> bool:
    return SurveyRespondent.objects.filter(
        survey=survey, digest__in=respondent_digests(survey_id=survey.pk, member=member)
    ).exists()


def survey_list_for_member(member: Member) -> list[Survey]:
    """The member's open surveys, each with ``answered`` set: two queries."""
    surveys = list(surveys_for_member(member).select_related("unit").order_by("closes_on", "-created_at", "id"))
    if not surveys:
        return surveys
    wanted = {
        digest: survey.pk for survey in surveys for digest in respondent_digests(survey_id=survey.pk, member=member)
    }
    answered = set(
        SurveyRespondent.objects.filter(survey__in=[s.pk for s in surveys], digest__in=list(wanted)).values_list(
            "survey_id", flat=True
        )
    )
    for survey in surveys:
        survey.answered = survey.pk in answered
    return surveys


def questions_of(survey: Survey) -> list[Question]:
    """The survey's questions with their choices: two queries."""
    return list(
        survey.questions.prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "id")))
    )


# --- Results ------------------------------------------------------------------------


@dataclass
class ChoiceResult:
    choice: Choice
    count: int
    percent: int  # of the survey's answers (a multiple-choice question's sum may pass 100)


@dataclass
class QuestionResult:
    question: Question
    choices: list[ChoiceResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    answered: int = 0  # answers that answered this question

    @property
    def top(self) -> ChoiceResult | None:
        return max(self.choices, key=lambda row: row.count, default=None)


def results_withheld(survey: Survey) -> bool:
    """An anonymous survey shows nothing until ``MIN_CROWD`` members answered:
    with fewer, an answer could be told apart (the rule of anonymous feedback)."""
    return survey.anonymous and survey.response_count < MIN_CROWD


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Each question with its choices' counts (and percentages of all answers) or its
    free texts: four queries, whatever the number of answers."""
    total = survey.response_count
    questions = list(
        survey.questions.annotate(
            answered_count=Count("answers__response", distinct=True),
        )
    )
    choices = (
        Choice.objects.filter(question__survey=survey)
        .annotate(count=Count("answers"))
        .select_related("activity")
        .order_by("question", "position", "id")
    )
    texts = (
        Answer.objects.filter(question__survey=survey, choice__isnull=True)
        .order_by("question", "text")
        .values_list("question_id", "text")
    )
    by_question = {q.pk: QuestionResult(question=q, answered=q.answered_count) for q in questions}
    for choice in choices:
        percent = round(100 * choice.count / total) if total else 0
        by_question[choice.question_id].choices.append(ChoiceResult(choice=choice, count=choice.count, percent=percent))
    for question_id, text in texts:
        by_question[question_id].texts.append(text)
    return list(by_question.values())


def results_rows(survey: Survey) -> list[list]:
    """The results as a table (question, answer, count, percent), for the CSV."""
    rows = []
    for result in survey_results(survey):
        for row in result.choices:
            rows.append([result.question.text, row.choice.text, row.count, row.percent])
        for text in result.texts:
            rows.append([result.question.text, text, 1, ""])
    return rows
