"""One rule for who sees a board item (``board_for_user``): for every role the
board shows exactly the items whose page answers, support is accepted for
exactly those, and every other item's page is a 404."""

import pytest
from django.urls import reverse

from feedback.models import FeedbackSupport
from tests.visibility import ROLES

from .factories import FeedbackFactory, PublishedFeedbackFactory


@pytest.fixture
def items(tree, group):
    made = {name: PublishedFeedbackFactory(author__unit=unit) for name, unit in {**tree, "group": group}.items()}
    made["unpublished in branch_a"] = FeedbackFactory(author__unit=tree["branch_a"])
    return made


@pytest.mark.parametrize("role", ROLES)
def test_the_board_shows_exactly_the_items_whose_page_answers(role, role_client, items):
    client, user = role_client(role)
    response = client.get(reverse("feedback:board"))
    if user is None:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
        listed = set()
    else:
        listed = {item.pk for item in response.context["page"].object_list}
    answered = set()
    for item in items.values():
        detail = client.get(reverse("feedback:detail", args=[item.pk]))
        support = client.post(reverse("feedback:support", args=[item.pk]))
        if detail.status_code == 200:
            answered.add(item.pk)
            assert support.status_code == 302
        elif user is None:
            assert reverse("account_login") in detail["Location"]
        else:
            assert (detail.status_code, support.status_code) == (404, 404)
    assert listed == answered
    supported = set(FeedbackSupport.objects.values_list("feedback", flat=True))
    assert supported == (answered if hasattr(user, "member") else set())


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("worker", {"root", "union_a", "branch_a", "group"}),
        ("group_worker", {"root", "union_a", "branch_a", "group"}),
        ("outsider", {"root", "union_b", "branch_b"}),
        ("officer", {"root", "union_a", "branch_a", "group"}),
        ("chair", {"root", "union_a", "branch_a", "group", "union_b", "branch_b"}),
    ],
)
def test_a_board_is_the_grassroots_union_and_the_levels_above_it(role, expected, role_client, items):
    client, _user = role_client(role)
    listed = {item.pk for item in client.get(reverse("feedback:board")).context["page"].object_list}
    assert listed == {items[name].pk for name in expected}
