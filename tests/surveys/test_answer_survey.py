"""Answering a survey: once per member, named or anonymous, only in one's own part of the tree."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from surveys import selectors, services
from surveys.models import Answer, Survey, SurveyRespondent, SurveyResponse
from tests.surveys import factories


def test_a_member_answers_a_survey_of_their_union(worker, named_survey):
    response = factories.answer(
        named_survey, worker, pick="法律讲座", times=("工作日晚上", "周六上午"), text="多办讲座"
    )
    assert response.member == worker
    assert sorted(a.choice.text for a in response.answers.filter(choice__isnull=False)) == [
        "周六上午",
        "工作日晚上",
        "法律讲座",
    ]
    assert response.answers.get(choice__isnull=True).text == "多办讲座"
    named_survey.refresh_from_db()
    assert named_survey.response_count == 1


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_member_answers_only_once_named_or_anonymous(worker, tree, chair, anonymous):
    survey = factories.survey(unit=tree["union_a"], by=chair, anonymous=anonymous)
    factories.answer(survey, worker)
    with pytest.raises(ValidationError, match="填写过"):
        factories.answer(survey, worker, pick="亲子活动")
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert selectors.has_answered(survey=survey, member=worker)


def test_an_anonymous_answer_names_nobody_and_carries_only_a_day(worker, anonymous_survey):
    response = factories.answer(anonymous_survey, worker, text="希望能带家属")
    assert response.member is None
    date_or_time = [f.name for f in SurveyResponse._meta.fields if isinstance(f, models.DateField)]
    assert date_or_time == ["answered_on"]
    assert not any(isinstance(f, models.DateTimeField) for f in SurveyResponse._meta.fields)
    assert not any(isinstance(f, models.DateTimeField) for f in Answer._meta.fields)


def test_who_answered_is_kept_as_a_digest_that_leads_to_no_answer(worker, anonymous_survey):
    factories.answer(anonymous_survey, worker)
    respondent = SurveyRespondent.objects.get(survey=anonymous_survey)
    assert len(respondent.digest) == 32 and respondent.digest != str(worker.pk)
    # No key from the respondent to the response, no time on it.
    related = [f.name for f in SurveyRespondent._meta.fields]
    assert related == ["id", "survey", "digest"]


def test_the_digest_is_derived_from_the_survey(worker, tree, chair, anonymous_survey):
    other = factories.survey(unit=tree["union_a"], by=chair, title="第二份调查")
    factories.answer(anonymous_survey, worker)
    factories.answer(other, worker)
    first, second = (SurveyRespondent.objects.get(survey=s).digest for s in (anonymous_survey, other))
    assert first != second


def test_a_new_secret_key_still_knows_who_answered(worker, anonymous_survey, settings):
    factories.answer(anonymous_survey, worker)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    with pytest.raises(ValidationError, match="填写过"):
        factories.answer(anonymous_survey, worker)
    assert selectors.has_answered(survey=anonymous_survey, member=worker)


def test_a_member_of_another_union_is_not_asked(outsider, anonymous_survey):
    with pytest.raises(ValidationError, match="没有向你开放"):
        factories.answer(anonymous_survey, outsider)
    assert not SurveyRespondent.objects.exists()


def test_a_closed_survey_takes_no_answers(worker, anonymous_survey, chair):
    services.survey_close(survey=anonymous_survey, by=chair)
    with pytest.raises(ValidationError):
        factories.answer(anonymous_survey, worker)


def test_a_survey_past_its_last_day_takes_no_answers(worker, anonymous_survey):
    from datetime import timedelta

    from django.utils import timezone

    Survey.objects.filter(pk=anonymous_survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        factories.answer(anonymous_survey, worker)


def test_choices_of_another_question_or_two_for_one_are_refused_and_nothing_is_saved(worker, anonymous_survey):
    single, multiple, free = anonymous_survey.questions.order_by("position")
    wrong = {single.pk: [factories.choice(anonymous_survey, 2, "周六上午").pk], multiple.pk: [], free.pk: ""}
    two = {single.pk: [c.pk for c in single.choices.all()[:2]], multiple.pk: [], free.pk: ""}
    missing = {multiple.pk: [], free.pk: ""}
    for answers in (wrong, two, missing):
        with pytest.raises(ValidationError):
            services.survey_answer(survey=anonymous_survey, member=worker, answers=answers)
    assert not SurveyResponse.objects.exists()
    assert not SurveyRespondent.objects.exists()  # refused answers do not count as "answered"


def test_a_draft_survey_is_not_asked_and_needs_questions_to_open(worker, tree, chair):
    draft = Survey.objects.create(unit=tree["union_a"], title="空调查", created_by=chair)
    assert not selectors.surveys_for_member(worker).filter(pk=draft.pk).exists()
    with pytest.raises(ValidationError, match="问题"):
        services.survey_open(survey=draft, by=chair)


def test_named_answers_are_in_the_members_data_and_erased_with_them(worker, named_survey, anonymous_survey, chair):
    factories.answer(named_survey, worker, text="想借历史书")
    factories.answer(anonymous_survey, worker, text="匿名的话")
    data = services.member_surveys_data(worker)
    assert [item["survey"] for item in data["named_answers"]] == ["职工书屋借阅意向"]
    assert "匿名的话" not in str(data)
    services.member_surveys_erase(worker, chair)
    assert not SurveyResponse.objects.filter(member=worker).exists()
    assert not Answer.objects.filter(text="想借历史书").exists()
    named_survey.refresh_from_db()
    assert named_survey.response_count == 1  # the results keep their counts
