"""The officers' results: a chart and a table, a CSV, and a choice made into an activity draft."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activities.models import Activity
from surveys import selectors, services
from tests.surveys import factories


def test_results_count_each_choice_and_list_the_texts(named_survey, make_members):
    a, b, c = make_members(3)
    factories.answer(named_survey, a, pick="登山徒步", times=("周六上午",), text="带家属")
    factories.answer(named_survey, b, pick="登山徒步", times=("周六上午", "工作日晚上"))
    factories.answer(named_survey, c, pick="法律讲座", times=("工作日晚上",), text="讲讲加班费")
    named_survey.refresh_from_db()
    single, multiple, free = selectors.survey_results(named_survey)
    assert [(row.choice.text, row.count, row.percent) for row in single.choices] == [
        ("登山徒步", 2, 67),
        ("法律讲座", 1, 33),
        ("亲子活动", 0, 0),
    ]
    assert single.top.choice.text == "登山徒步"
    assert [(row.choice.text, row.count) for row in multiple.choices] == [("工作日晚上", 2), ("周六上午", 2)]
    assert free.texts == ["带家属", "讲讲加班费"]  # sorted by text, not by when they came
    assert free.answered == 2


def test_an_officer_sees_the_chart_and_the_table(staff_client, officer, named_survey, worker):
    factories.answer(named_survey, worker)
    response = staff_client(officer).get(reverse("surveys:results", args=[named_survey.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'role="img"' in html
    assert "<table>" in html and "登山徒步" in html and "100%" in html


def test_an_anonymous_surveys_results_wait_for_five_answers(staff_client, officer, anonymous_survey, make_members):
    members = make_members(5)
    for member in members[:4]:
        factories.answer(anonymous_survey, member)
    client = staff_client(officer)
    page = client.get(reverse("surveys:results", args=[anonymous_survey.pk])).content.decode()
    assert "at least 5" in page or "至少" in page
    assert "登山徒步" not in page
    assert client.get(reverse("surveys:csv", args=[anonymous_survey.pk])).status_code == 404
    factories.answer(anonymous_survey, members[4])
    page = client.get(reverse("surveys:results", args=[anonymous_survey.pk])).content.decode()
    assert "登山徒步" in page


def test_the_csv_carries_the_table_and_defuses_formulas(staff_client, officer, named_survey, worker):
    factories.answer(named_survey, worker, text="=HYPERLINK(1)")
    response = staff_client(officer).get(reverse("surveys:csv", args=[named_survey.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["你最想参加哪类活动？", "登山徒步", "1", "100"]
    assert ["还有什么建议？", "'=HYPERLINK(1)", "1", ""] in rows


def test_an_officer_turns_a_popular_choice_into_an_activity_draft(staff_client, officer, named_survey, worker):
    factories.answer(named_survey, worker)
    choice = factories.choice(named_survey, 1, "登山徒步")
    response = staff_client(officer).post(reverse("surveys:draft", args=[choice.pk]))
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:results", args=[named_survey.pk])
    assert (activity.title, activity.status, activity.unit, activity.created_by) == (
        "登山徒步",
        Activity.Status.DRAFT,
        named_survey.unit,
        officer,
    )
    assert "1" in activity.description and named_survey.title in activity.description
    choice.refresh_from_db()
    assert choice.activity == activity
    with pytest.raises(ValidationError, match="已经生成过"):
        services.survey_choice_draft(choice=choice, by=officer)


def test_an_officer_of_another_union_makes_no_draft(sibling_officer, named_survey, worker):
    factories.answer(named_survey, worker)
    with pytest.raises(PermissionDenied):
        services.survey_choice_draft(choice=factories.choice(named_survey, 1, "登山徒步"), by=sibling_officer)
    assert not Activity.objects.exists()


def test_no_draft_from_an_anonymous_survey_with_too_few_answers(officer, anonymous_survey, worker):
    factories.answer(anonymous_survey, worker)
    with pytest.raises(ValidationError, match="太少"):
        services.survey_choice_draft(choice=factories.choice(anonymous_survey, 1, "登山徒步"), by=officer)
