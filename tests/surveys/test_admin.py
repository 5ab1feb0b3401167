"""Officers build, open and close surveys in the admin, for their part of the tree."""

from django.urls import reverse

from surveys.models import Survey
from tests.surveys import factories


def test_officers_see_the_surveys_of_their_part_of_the_tree(staff_client, officer, sibling_officer, tree, chair):
    factories.survey(unit=tree["union_a"], by=chair, title="甲厂调查")
    factories.survey(unit=tree["union_b"], by=chair, title="乙厂调查")
    page = staff_client(officer).get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert "甲厂调查" in page and "乙厂调查" not in page
    page = staff_client(sibling_officer).get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert "乙厂调查" in page and "甲厂调查" not in page


def test_an_officer_writes_a_survey_and_opens_it(staff_client, officer, tree):
    client = staff_client(officer)
    response = client.post(
        reverse("admin:surveys_survey_add"),
        {
            "unit": tree["union_a"].pk,
            "title": "食堂菜品调查",
            "intro": "",
            "anonymous": "on",
            "closes_on": "",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-0-position": "1",
            "questions-0-text": "你希望食堂增加什么？",
            "questions-0-kind": "text",
            "questions-0-required": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    survey = Survey.objects.get()
    assert survey.created_by == officer and survey.status == Survey.Status.DRAFT
    client.post(
        reverse("admin:surveys_survey_changelist"), {"action": "open_selected", "_selected_action": [survey.pk]}
    )
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_questions_are_read_only_once_answered(staff_client, officer, tree, chair, worker):
    survey = factories.survey(unit=tree["union_a"], by=chair)
    factories.answer(survey, worker)
    question = survey.questions.get(position=1)
    client = staff_client(officer)
    page = client.get(reverse("admin:surveys_question_change", args=[question.pk])).content.decode()
    assert 'name="text"' not in page
    page = client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert 'name="anonymous"' not in page
