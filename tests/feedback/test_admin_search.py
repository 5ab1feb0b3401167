"""The feedback search: Django's results, from the trigram indexes on PostgreSQL."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection, transaction
from django.test import RequestFactory

from feedback.models import Feedback
from tests.markers import requires_postgres

from .factories import FeedbackFactory, PublishedFeedbackFactory

CHANGELIST = "/admin/feedback/feedback/"


@pytest.fixture
def items(tree, worker):
    return [
        FeedbackFactory(author=worker, title="食堂晚餐太早", body="加班的同事吃不上饭。"),
        FeedbackFactory(
            author__unit=tree["branch_a"], author__name="顾明", title="夜班班车", body="希望增加夜班班车。"
        ),
        PublishedFeedbackFactory(author__unit=tree["branch_a"], title="Canteen menu", body="More vegetables, please."),
        FeedbackFactory(author__unit=tree["branch_b"], title="夜班补贴", body="乙厂夜班补贴太低。"),
    ]


def _search(officer, term):
    feedback_admin = admin.site._registry[Feedback]
    request = RequestFactory().get(CHANGELIST, {"q": term})
    request.user = officer
    return feedback_admin, request, feedback_admin.get_queryset(request)


@pytest.mark.parametrize(
    "term", ["夜班", "夜班班车", "顾明", "顾", "canteen", "VEGETABLES", "工会已与厂方", "晚餐 加班", "%", "zz"]
)
def test_the_search_finds_exactly_what_djangos_admin_search_finds(officer, items, term):
    feedback_admin, request, visible = _search(officer, term)
    ours, _ = feedback_admin.get_search_results(request, visible, term)
    djangos, _ = ModelAdmin.get_search_results(feedback_admin, request, visible, term)
    assert set(ours.values_list("pk", flat=True)) == set(djangos.values_list("pk", flat=True))


def test_a_search_finds_the_officers_items_by_text_or_author(officer, items, client_for):
    office = client_for(officer, staff=True)
    for term, expected in [
        ("夜班班车", {items[1]}),
        ("vegetables", {items[2]}),
        ("顾明", {items[1]}),
        ("夜班", {items[1]}),
    ]:
        response = office.get(CHANGELIST, {"q": term})
        assert set(response.context["cl"].result_list) == expected, term


@requires_postgres
@pytest.mark.parametrize("term", ["夜班班车", "vegetables"])
def test_the_feedback_search_is_answered_from_the_indexes(officer, items, term):
    feedback_admin, request, _ = _search(officer, term)
    found, _ = feedback_admin.get_search_results(request, Feedback.objects.all(), term)
    with transaction.atomic(), connection.cursor() as cursor:
        # A tiny test database: rule out reading whole tables or indexes, so the plan shows
        # whether the search indexes serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("DROP INDEX member_changelist_order_idx")  # rolled back with the test
        plan = found.explain()
    for index in ["feedback_title_search_idx", "feedback_body_search_idx", "member_name_search_idx"]:
        assert index in plan, plan
