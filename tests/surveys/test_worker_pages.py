"""The worker's pages: the open surveys, answering one on the phone."""

from django.urls import reverse

from surveys.models import SurveyResponse
from tests.surveys import factories


def test_the_list_shows_open_surveys_and_which_are_answered(client, worker, named_survey, anonymous_survey):
    factories.answer(named_survey, worker)
    client.force_login(worker.user)
    page = client.get(reverse("surveys:list")).content.decode()
    assert "职工书屋借阅意向" in page and "活动需求调查" in page
    assert page.count("answered ✓") == 1 or page.count("已填写") == 1


def _post(survey, **kwargs):
    data = {}
    for question_id, value in factories.answers(survey, **kwargs).items():
        data[f"q{question_id}"] = value
    return data


def test_named_and_anonymous_answers_get_the_same_answer_page(client, worker, named_survey, anonymous_survey):
    client.force_login(worker.user)
    named = client.post(reverse("surveys:answer", args=[named_survey.pk]), _post(named_survey))
    anonymous = client.post(reverse("surveys:answer", args=[anonymous_survey.pk]), _post(anonymous_survey))
    assert named.status_code == anonymous.status_code == 200
    assert "Location" not in named and "Location" not in anonymous
    assert SurveyResponse.objects.count() == 2


def test_a_second_visit_says_it_was_answered(client, worker, anonymous_survey):
    factories.answer(anonymous_survey, worker)
    client.force_login(worker.user)
    response = client.get(reverse("surveys:answer", args=[anonymous_survey.pk]))
    assert '<form method="post" novalidate>' not in response.content.decode()
    response = client.post(reverse("surveys:answer", args=[anonymous_survey.pk]), _post(anonymous_survey))
    assert SurveyResponse.objects.count() == 1


def test_a_missing_or_huge_answer_is_a_form_error_not_a_server_error(client, worker, anonymous_survey):
    client.force_login(worker.user)
    url = reverse("surveys:answer", args=[anonymous_survey.pk])
    data = _post(anonymous_survey, text="长" * 100_000)
    assert client.post(url, data).status_code == 200
    data = _post(anonymous_survey)
    single = anonymous_survey.questions.get(position=1)
    data[f"q{single.pk}"] = ["99999999999999999999"]
    assert client.post(url, data).status_code == 200
    assert client.post(url, {}).status_code == 200
    assert not SurveyResponse.objects.exists()
