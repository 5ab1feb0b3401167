from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback import services
from feedback.models import Feedback
from tests.factories import ActiveMemberFactory, add_unit

from .factories import PublishedFeedbackFactory, SupportFactory


def _board_queries(client, url="/feedback/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _publish_items(n, *, unit, supporters):
    for i in range(n):
        item = PublishedFeedbackFactory(author__unit=unit)
        for member in supporters[: i % 4]:
            SupportFactory(feedback=item, member=member)


def test_the_board_runs_the_same_number_of_queries_with_twice_the_items(worker, tree, client):
    supporters = [ActiveMemberFactory(unit=tree["branch_a"]) for _ in range(3)]
    SupportFactory(feedback=PublishedFeedbackFactory(author__unit=tree["branch_a"]), member=worker)
    _publish_items(9, unit=tree["branch_a"], supporters=supporters)
    client.force_login(worker.user)
    few, response = _board_queries(client)
    assert len(response.context["page"].object_list) == 10
    _publish_items(10, unit=tree["branch_a"], supporters=supporters)
    many, response = _board_queries(client)
    assert len(response.context["page"].object_list) == 20
    assert few == many, f"{few} queries with 10 items, {many} with 20"
    many_new, _ = _board_queries(client, "/feedback/?sort=new")
    assert many_new == many


def test_the_board_sorts_by_support_and_by_date(worker, other_worker, tree, client, time_machine):
    time_machine.move_to("2026-05-01 09:00 +08:00")
    old_popular = PublishedFeedbackFactory(author__unit=tree["branch_a"], title="老但受欢迎")
    time_machine.move_to("2026-05-03 09:00 +08:00")
    new_quiet = PublishedFeedbackFactory(author__unit=tree["branch_a"], title="新但没人支持")
    SupportFactory(feedback=old_popular, member=other_worker)
    client.force_login(worker.user)
    by_support = list(client.get("/feedback/").context["page"].object_list)
    by_date = list(client.get("/feedback/?sort=new").context["page"].object_list)
    assert by_support == [old_popular, new_quiet]
    assert by_date == [new_quiet, old_popular]
    assert [i.support_count for i in by_support] == [1, 0]


def test_the_board_shows_state_and_support_but_never_the_author(named_item, officer, other_worker, client):
    services.feedback_publish(feedback=named_item, by=officer, official_answer="下月起执行。")
    services.feedback_transition(feedback=named_item, to="adopted", by=officer)
    services.feedback_support(feedback=named_item, member=other_worker)
    client.force_login(other_worker.user)
    page = client.get("/feedback/").content.decode()
    assert named_item.title in page
    assert "state-adopted" in page
    assert named_item.author.name not in page


def test_the_board_shows_a_member_their_union_and_the_levels_above_it(worker, tree, client):
    """Branch A's worker sees the whole of union A (own branch, a sibling
    branch, the union itself) and the federation, but nothing of union B."""
    sibling_branch = add_unit(tree["union_a"], "甲厂二车间", "branch")
    shown = {
        PublishedFeedbackFactory(author__unit=tree["branch_a"]).pk,
        PublishedFeedbackFactory(author__unit=sibling_branch).pk,
        PublishedFeedbackFactory(author__unit=tree["union_a"]).pk,
        PublishedFeedbackFactory(author__unit=tree["root"]).pk,
    }
    PublishedFeedbackFactory(author__unit=tree["union_b"])
    PublishedFeedbackFactory(author__unit=tree["branch_b"])
    client.force_login(worker.user)
    seen = {item.pk for item in client.get("/feedback/").context["page"].object_list}
    assert seen == shown


def test_unpublished_items_are_not_on_the_board(named_item, worker, client):
    client.force_login(worker.user)
    assert list(client.get("/feedback/").context["page"].object_list) == []


def test_the_board_filters_by_category_and_ignores_nonsense(worker, tree, client):
    canteen = PublishedFeedbackFactory(author__unit=tree["branch_a"], category="canteen")
    PublishedFeedbackFactory(author__unit=tree["branch_a"], category="safety")
    client.force_login(worker.user)
    assert list(client.get("/feedback/?category=canteen").context["page"].object_list) == [canteen]
    response = client.get("/feedback/?category=<script>&sort=x&page=zz")
    assert response.status_code == 200


def test_an_officer_without_a_profile_sees_the_board_of_their_unit(officer, sibling_officer, tree, staff_client):
    item = PublishedFeedbackFactory(author__unit=tree["branch_a"])
    client = staff_client(officer)
    assert list(client.get("/feedback/").context["page"].object_list) == [item]
    client = staff_client(sibling_officer)
    assert list(client.get("/feedback/").context["page"].object_list) == []


def test_the_board_pages_through_its_items_and_a_page_past_the_end_shows_the_last(worker, tree, client):
    for _ in range(25):
        PublishedFeedbackFactory(author__unit=tree["branch_a"])
    client.force_login(worker.user)
    first = client.get("/feedback/")
    assert len(first.context["page"].object_list) == 20
    assert "第 1 页，共 2 页" in first.content.decode()
    second = client.get("/feedback/?sort=support&category=&page=2")
    assert len(second.context["page"].object_list) == 5
    shown = {item.pk for item in first.context["page"].object_list} | {
        item.pk for item in second.context["page"].object_list
    }
    assert len(shown) == 25
    for past_the_end in ("3", "999", "0"):
        assert client.get(f"/feedback/?page={past_the_end}").context["page"].number == 2


def test_a_card_shows_the_item_as_it_is_now(named_item, officer, other_worker, client):
    """Cards are kept between requests: a new support, state or answer must show at once."""
    services.feedback_publish(feedback=named_item, by=officer, official_answer="正在研究。")
    client.force_login(other_worker.user)
    page = client.get("/feedback/").content.decode()
    assert "0 人支持" in page and "state-answered" in page and "正在研究。" in page
    services.feedback_support(feedback=named_item, member=other_worker)
    services.feedback_transition(feedback=named_item, to="adopted", by=officer)
    page = client.get("/feedback/").content.decode()
    assert "1 人支持" in page and "state-adopted" in page
    assert 'aria-pressed="true"' in page
    other_worker.user.language = "en"
    other_worker.user.save()
    page = client.get("/feedback/").content.decode()
    assert "1 support" in page and "State: adopted" in page


def test_a_superuser_without_a_profile_sees_every_published_item_with_its_unit(tree, staff_client, django_user_model):
    items = {
        PublishedFeedbackFactory(author__unit=tree["branch_a"]).pk: tree["branch_a"].name,
        PublishedFeedbackFactory(author__unit=tree["branch_b"]).pk: tree["branch_b"].name,
    }
    client = staff_client(django_user_model.objects.create_superuser(email="root@example.org", password="x-x-x-x-x-1"))
    response = client.get("/feedback/")
    assert {item.pk: item.unit.name for item in response.context["page"].object_list} == items
    assert tree["branch_b"].name in response.content.decode()


def test_the_count_of_pages_follows_the_category_filter(worker, tree, client):
    for _ in range(21):
        PublishedFeedbackFactory(author__unit=tree["branch_a"], category="canteen")
    PublishedFeedbackFactory(author__unit=tree["branch_a"], category="safety")
    client.force_login(worker.user)
    assert "第 1 页，共 2 页" in client.get("/feedback/?category=canteen").content.decode()
    page = client.get("/feedback/?category=safety").context["page"]
    assert page.paginator.count == 1 and not page.has_other_pages()


def test_an_officer_of_the_federation_sees_the_board_of_every_union(chair, tree, staff_client):
    items = {
        PublishedFeedbackFactory(author__unit=tree["branch_a"]).pk,
        PublishedFeedbackFactory(author__unit=tree["union_b"]).pk,
        PublishedFeedbackFactory(author__unit=tree["root"]).pk,
    }
    client = staff_client(chair)
    assert {item.pk for item in client.get("/feedback/").context["page"].object_list} == items


def test_the_board_lists_its_items_in_the_order_of_the_sort_keys(worker, other_worker, tree, client):
    """Ties in support are broken by the date, ties in both by the id, on every page."""
    at = timezone.now()
    items = [PublishedFeedbackFactory(author__unit=tree["branch_a"], published_at=at) for _ in range(23)]
    for item in items[:5]:
        SupportFactory(feedback=item, member=other_worker)
    services.feedback_support(feedback=items[0], member=worker)
    client.force_login(worker.user)
    for sort, key in (
        ("support", lambda i: (-i.supporter_count, -i.published_at.timestamp(), str(i.pk))),
        ("new", lambda i: (-i.published_at.timestamp(), str(i.pk))),
    ):
        expected = sorted(Feedback.objects.filter(pk__in=[i.pk for i in items]), key=key)
        shown = []
        for number in (1, 2):
            page = client.get(f"/feedback/?sort={sort}&page={number}").context["page"]
            assert page.paginator.count == 23
            shown += page.object_list
        assert [i.pk for i in shown] == [i.pk for i in expected]
        assert [i.support_count for i in shown] == [i.supporter_count for i in expected]
        assert {i.pk for i in shown if i.supported} == {items[0].pk}
