"""Survey rules: answering once (named or anonymous), and turning a choice into an activity draft.

An anonymous answer is kept by what these functions do *not* write: the
response holds the survey, the answers and a day; who answered is kept apart,
as a keyed digest (``SurveyRespondent``) that points to no response. See
``surveys/models.py`` and ``lib/anonymity.py``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from activities import services as activity_services
from activities.models import Activity
from members.models import Member, User
from members.scoping import user_may_see_unit

from . import selectors
from .models import Answer, Choice, Question, Survey, SurveyRespondent, SurveyResponse

MAX_TEXT = 2000


def _clean_answers(*, questions: list[Question], given: dict) -> list[tuple[Question, list[Choice], str]]:
    """What the member chose and wrote, checked against the questions; ``given`` maps a
    question id to a list of choice ids (choice questions) or a text (free text)."""
    cleaned, errors = [], []
    for question in questions:
        value = given.get(question.pk)
        if question.has_choices:
            ids = {int(v) for v in (value or []) if str(v).isdigit()}
            chosen = [c for c in question.choices.all() if c.pk in ids]
            if len(chosen) != len(ids):
                errors.append(_("“%(question)s”: choose among the choices given.") % {"question": question.text})
            elif question.kind == Question.Kind.SINGLE and len(chosen) > 1:
                errors.append(_("“%(question)s”: choose one.") % {"question": question.text})
            elif question.required and not chosen:
                errors.append(_("“%(question)s”: please answer.") % {"question": question.text})
            cleaned.append((question, chosen, ""))
        else:
            text = (value or "").strip() if isinstance(value, str) else ""
            if len(text) > MAX_TEXT:
                errors.append(
                    _("“%(question)s”: at most %(n)d characters.") % {"question": question.text, "n": MAX_TEXT}
                )
            elif question.required and not text:
                errors.append(_("“%(question)s”: please answer.") % {"question": question.text})
            cleaned.append((question, [], text))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def survey_answer(*, survey: Survey, member: Member, answers: dict) -> SurveyResponse:
    """Save a member's answers, once per member and survey.

    "Once" is the unique digest of ``SurveyRespondent``, not a prior check, so
    a double click or a second tab is refused by the database. An anonymous
    survey's response names nobody; a named one names the member.
    """
    if not member.is_active_member:
        raise PermissionDenied(_("Only union members can answer surveys."))
    if not selectors.surveys_for_member(member).filter(pk=survey.pk).exists():
        raise ValidationError(_("This survey is not open to you."))
    digests = selectors.respondent_digests(survey_id=survey.pk, member=member)
    if SurveyRespondent.objects.filter(survey=survey, digest__in=digests[1:]).exists():
        raise ValidationError(_("You have already answered this survey."))  # under an earlier secret key
    cleaned = _clean_answers(questions=selectors.questions_of(survey), given=answers)
    try:
        with transaction.atomic():
            SurveyRespondent.objects.create(survey=survey, digest=digests[0])
    except IntegrityError:
        raise ValidationError(_("You have already answered this survey.")) from None
    response = SurveyResponse.objects.create(survey=survey, member=None if survey.anonymous else member)
    rows = []
    for question, chosen, text in cleaned:
        rows.extend(Answer(response=response, question=question, choice=choice) for choice in chosen)
        if text:
            rows.append(Answer(response=response, question=question, text=text))
    Answer.objects.bulk_create(rows)
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    return response


def _check_officer(*, by: User, survey: Survey, perm: str) -> None:
    if not (by.is_active and by.is_staff and by.has_perm(perm) and user_may_see_unit(by, survey.unit)):
        raise PermissionDenied(_("You may not handle this survey."))


@transaction.atomic
def survey_choice_draft(*, choice: Choice, by: User) -> Activity:
    """Turn a choice of a survey into a draft activity run by the survey's unit.

    One draft per choice; the draft's text says how many asked for it.
    """
    choice = Choice.objects.select_for_update(of=("self",)).select_related("question__survey__unit").get(pk=choice.pk)
    survey = choice.question.survey
    _check_officer(by=by, survey=survey, perm="surveys.change_survey")
    if choice.activity_id is not None:
        raise ValidationError(_("An activity draft was already made of this choice."))
    if selectors.results_withheld(survey):
        raise ValidationError(_("Too few answers yet to act on this anonymous survey."))
    count = choice.answers.count()
    description = _(
        "Proposed by the survey “%(survey)s”: %(count)d of %(total)d members who answered chose “%(choice)s” "
        "for the question “%(question)s”."
    ) % {
        "survey": survey.title,
        "count": count,
        "total": survey.response_count,
        "choice": choice.text,
        "question": choice.question.text,
    }
    activity = activity_services.activity_draft_create(
        unit=survey.unit, title=choice.text, description=description, by=by
    )
    choice.activity = activity
    choice.save(update_fields=["activity"])
    return activity


@transaction.atomic
def survey_open(*, survey: Survey, by: User) -> Survey:
    _check_officer(by=by, survey=survey, perm="surveys.change_survey")
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("Only a draft survey can be opened."))
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question first."))
    if survey.questions.exclude(kind=Question.Kind.TEXT).filter(choices__isnull=True).exists():
        raise ValidationError(_("Every choice question needs choices."))
    survey.status = Survey.Status.OPEN
    survey.save(update_fields=["status"])
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, by: User) -> Survey:
    _check_officer(by=by, survey=survey, perm="surveys.change_survey")
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status"])
    return survey


# --- Personal data ----------------------------------------------------------------


def member_surveys_data(member: Member) -> dict:
    """The member's answers to named surveys. Anonymous answers are not here: nothing ties them to the member."""
    responses = member.survey_responses.select_related("survey").prefetch_related(
        "answers__question", "answers__choice"
    )
    return {
        "named_answers": [
            {
                "survey": response.survey.title,
                "on": response.answered_on.isoformat(),
                "answers": [
                    {"question": a.question.text, "answer": a.choice.text if a.choice_id else a.text}
                    for a in response.answers.all()
                ],
            }
            for response in responses
        ]
    }


def member_surveys_erase(member: Member, by: User) -> None:
    """Named answers lose their author and free texts; the counts of the results stay."""
    responses = SurveyResponse.objects.filter(member=member)
    Answer.objects.filter(response__in=responses, choice__isnull=True).update(
        text=_("(erased at the member's request)")
    )
    responses.update(member=None)
