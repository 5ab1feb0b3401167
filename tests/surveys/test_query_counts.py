"""The survey list and the results page run a fixed number of queries: twice the
surveys and answers, the same count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.surveys import factories


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_survey_list_runs_the_same_queries_for_twice_the_surveys(client, worker, tree, chair):
    client.force_login(worker.user)
    url = reverse("surveys:list")
    for _ in range(2):
        factories.answer(factories.survey(unit=tree["union_a"], by=chair), worker)
        factories.survey(unit=tree["root"], by=chair)
    few = _count(client, url)
    for _ in range(2):
        factories.answer(factories.survey(unit=tree["union_a"], by=chair), worker)
        factories.survey(unit=tree["root"], by=chair)
    assert _count(client, url) == few


def test_the_results_page_runs_the_same_queries_for_twice_the_answers(
    staff_client, officer, named_survey, make_members
):
    client = staff_client(officer)
    url = reverse("surveys:results", args=[named_survey.pk])
    members = make_members(8)
    for member in members[:4]:
        factories.answer(named_survey, member, text="建议")
    few = _count(client, url)
    for member in members[4:]:
        factories.answer(named_survey, member, text="另一条建议", pick="亲子活动")
    assert _count(client, url) == few
