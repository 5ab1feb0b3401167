import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback import services
from feedback.models import Feedback, FeedbackMessage

from .factories import FeedbackFactory, PublishedFeedbackFactory, SupportFactory

CHANGELIST = "/admin/feedback/feedback/"


def test_the_changelist_shows_the_officers_part_of_the_tree_only(
    named_item, tree, officer, sibling_officer, client_for
):
    elsewhere = FeedbackFactory(author__unit=tree["branch_b"])
    mine = client_for(officer, staff=True).get(CHANGELIST)
    assert list(mine.context["cl"].queryset) == [named_item]
    theirs = client_for(sibling_officer, staff=True).get(CHANGELIST)
    assert list(theirs.context["cl"].queryset) == [elsewhere]


def test_the_changelist_filters_and_searches(named_item, anonymous_item, officer, client_for):
    item, _ = anonymous_item
    office = client_for(officer, staff=True)
    for query, expected in [
        ("?anonymous__exact=1", [item]),
        ("?anonymous__exact=0", [named_item]),
        ("?category__exact=canteen", [named_item]),
        ("?state__exact=received", sorted([named_item, item], key=lambda f: str(f.pk))),
        ("?published__exact=1", []),
        ("?q=防护栏", [item]),
        ("?q=李娟", [named_item]),
    ]:
        response = office.get(CHANGELIST + query)
        assert response.status_code == 200, query
        assert sorted(response.context["cl"].queryset, key=lambda f: str(f.pk)) == expected, query


def test_the_changelist_names_nobody_for_an_anonymous_item(anonymous_item, officer, client_for):
    page = client_for(officer, staff=True).get(CHANGELIST).content.decode()
    assert "李娟" not in page
    assert "匿名" in page or "anonymous" in page


def test_the_changelist_query_count_does_not_grow(officer, tree, client_for):
    office = client_for(officer, staff=True)
    for _ in range(5):
        SupportFactory(feedback=PublishedFeedbackFactory(author__unit=tree["branch_a"]))

    def counts() -> list[int]:
        found = []
        cache.clear()  # the unit filter's choices are cached: count them in, once per round
        for params in ({}, {"published__exact": "1", "state__exact": "received"}, {"q": "意见"}):
            with CaptureQueriesContext(connection) as queries:
                assert office.get(CHANGELIST, params).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    for _ in range(10):
        SupportFactory(feedback=PublishedFeedbackFactory(author__unit=tree["branch_a"]))
    assert counts() == few
    assert few[0] <= 8
    assert few[1:] == [few[0] - 1] * 2  # the next pages take the unit filter's choices from the cache


def test_the_unit_filter_lists_only_units_with_visible_feedback_and_learns_of_new_ones(officer, tree, client_for):
    office = client_for(officer, staff=True)
    PublishedFeedbackFactory(author__unit=tree["branch_a"])

    def units_in_filter():
        specs = office.get(CHANGELIST).context["cl"].filter_specs
        shown = [spec for spec in specs if getattr(spec, "field_path", "") == "unit"]  # hidden with one choice
        return {name for spec in shown for _, name in spec.lookup_choices}

    PublishedFeedbackFactory(author__unit=tree["branch_b"])  # another union's: never listed
    assert units_in_filter() == set()  # one unit: nothing to choose
    PublishedFeedbackFactory(author__unit=tree["union_a"])
    assert units_in_filter() == set()  # the choices are kept for a few minutes
    cache.clear()
    assert units_in_filter() == {tree["branch_a"].name, tree["union_a"].name}


def test_the_answer_form_answers_privately(
    named_item, officer, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    office = client_for(officer, staff=True)
    assert office.get(f"{CHANGELIST}{named_item.pk}/answer/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"{CHANGELIST}{named_item.pk}/answer/", {"how": "private", "text": "收到，马上处理。"})
    assert response.status_code == 302
    assert FeedbackMessage.objects.get().text == "收到，马上处理。"
    assert len(mailoutbox) == 1


def test_the_answer_form_publishes(named_item, officer, client_for):
    office = client_for(officer, staff=True)
    office.post(f"{CHANGELIST}{named_item.pk}/answer/", {"how": "publish", "text": "已采纳。"})
    named_item.refresh_from_db()
    assert (named_item.published, named_item.official_answer) == (True, "已采纳。")


def test_the_answer_form_explains_bad_input(named_item, officer, client_for):
    response = client_for(officer, staff=True).post(
        f"{CHANGELIST}{named_item.pk}/answer/", {"how": "shout", "text": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"how", "text"}
    assert not FeedbackMessage.objects.exists()


def test_an_officer_of_another_union_gets_404_on_every_page(named_item, sibling_officer, client_for):
    office = client_for(sibling_officer, staff=True)
    for suffix in ["change/", "answer/", "state/", "unpublish/", "history/"]:
        assert office.get(f"{CHANGELIST}{named_item.pk}/{suffix}").status_code in (302, 404), suffix
    assert office.post(f"{CHANGELIST}{named_item.pk}/answer/", {"how": "private", "text": "x"}).status_code == 404
    assert office.post(f"{CHANGELIST}{named_item.pk}/state/", {"to": "considering"}).status_code == 404
    named_item.refresh_from_db()
    assert named_item.state == "received"


def test_the_state_form_changes_one_item(named_item, officer, client_for):
    office = client_for(officer, staff=True)
    response = office.post(f"{CHANGELIST}{named_item.pk}/state/", {"to": "considering", "note": "转后勤"})
    assert response.status_code == 302
    named_item.refresh_from_db()
    assert named_item.state == "considering"
    refused = office.post(f"{CHANGELIST}{named_item.pk}/state/", {"to": "adopted"})
    assert refused.status_code == 200 and refused.context["form"].errors


def test_the_bulk_action_changes_states_and_reports_counts(tree, officer, client_for):
    answered = [FeedbackFactory(author__unit=tree["branch_a"]) for _ in range(3)]
    for item in answered:
        services.feedback_answer(feedback=item, by=officer, text="好")
    fresh = FeedbackFactory(author__unit=tree["branch_a"])
    office = client_for(officer, staff=True)
    ids = [str(i.pk) for i in [*answered, fresh]]
    form = office.post(CHANGELIST, {"action": "change_state", "_selected_action": ids})
    assert form.status_code == 200 and "bulk_state" in form.templates[0].name
    response = office.post(
        CHANGELIST, {"action": "change_state", "_selected_action": ids, "to": "adopted", "note": ""}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any("3" in m for m in shown)
    assert any(fresh.reference in m for m in shown)
    assert sorted(Feedback.objects.values_list("state", flat=True)) == ["adopted"] * 3 + ["received"]


def test_the_bulk_action_needs_a_reason_for_not_adopted(named_item, officer, client_for):
    services.feedback_answer(feedback=named_item, by=officer, text="好")
    office = client_for(officer, staff=True)
    response = office.post(
        CHANGELIST, {"action": "change_state", "_selected_action": [str(named_item.pk)], "to": "not_adopted"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    named_item.refresh_from_db()
    assert named_item.state == "answered"


def test_the_change_page_shows_the_conversation_and_decisions(named_item, officer, client_for):
    services.feedback_answer(feedback=named_item, by=officer, text="已收到您的建议")
    page = client_for(officer, staff=True).get(f"{CHANGELIST}{named_item.pk}/change/").content.decode()
    assert "已收到您的建议" in page
    assert f"{named_item.pk}/answer/" in page


def test_unpublish_from_the_admin(named_item, officer, client_for):
    services.feedback_publish(feedback=named_item, by=officer, official_answer="已采纳。")
    office = client_for(officer, staff=True)
    assert office.post(f"{CHANGELIST}{named_item.pk}/unpublish/", {"note": "撤下"}).status_code == 302
    named_item.refresh_from_db()
    assert named_item.published is False


def test_the_changelist_counts_the_supports_of_each_item(officer, tree, client_for):
    popular, quiet = (PublishedFeedbackFactory(author__unit=tree["branch_a"]) for _ in range(2))
    for _ in range(3):
        SupportFactory(feedback=popular)
    SupportFactory(feedback=quiet)
    office = client_for(officer, staff=True)
    for order, expected in (("-9", [(popular.pk, 3), (quiet.pk, 1)]), ("9", [(quiet.pk, 1), (popular.pk, 3)])):
        response = office.get(CHANGELIST, {"o": order})  # sorted by supports
        assert [item.pk for item in response.context["cl"].result_list] == [pk for pk, _ in expected]
        shown = re.findall(r'<td class="field-support_count">(\d+)</td>', response.content.decode())
        assert shown == [str(n) for _, n in expected]  # what the officer reads in the column


def test_the_unit_filter_offers_the_units_with_feedback_the_officer_sees(named_item, tree, officer, client_for):
    FeedbackFactory(author__unit=tree["branch_a"], unit=tree["union_a"])
    FeedbackFactory(author__unit=tree["branch_b"])  # another union's: neither listed nor offered
    response = client_for(officer, staff=True).get(CHANGELIST)
    unit_filter = next(f for f in response.context["cl"].filter_specs if f.field_path == "unit")
    assert sorted(name for _, name in unit_filter.lookup_choices) == sorted(
        [tree["union_a"].name, tree["branch_a"].name]
    )


def test_the_date_drill_down_reads_no_feedback(named_item, officer, client_for):
    office = client_for(officer, staff=True)
    with CaptureQueriesContext(connection) as queries:
        page = office.get(CHANGELIST).content.decode()
    assert f"?submitted_on__year={named_item.submitted_on.year}" in page
    assert not [query for query in queries if "MIN(" in query["sql"] or "DISTINCT" in query["sql"]]
    response = office.get(CHANGELIST, {"submitted_on__year": named_item.submitted_on.year})
    assert list(response.context["cl"].result_list) == [named_item]
