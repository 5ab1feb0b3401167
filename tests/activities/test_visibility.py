"""One rule for who sees an activity (``activities_visible_to``): for every role
the activity list shows exactly the activities whose page answers, and every
other activity's page is a 404 (or, for whoever cannot have one, the way to
their profile or to the log-in)."""

import pytest
from django.urls import reverse

from activities.models import Activity, EligibilityOverride, Registration
from tests.activities.factories import ActivityFactory
from tests.visibility import ROLES


@pytest.fixture
def activities(tree, group, worker, officer):
    made = {f"published in {name}": ActivityFactory(unit=unit) for name, unit in {**tree, "group": group}.items()}
    made["draft in branch_a"] = ActivityFactory(unit=tree["branch_a"], status=Activity.Status.DRAFT)
    made["signed up in union_b"] = signed_up = ActivityFactory(unit=tree["union_b"])
    # placed by an officer: the activity is not open to the worker's union
    Registration.objects.create(activity=signed_up, member=worker, status=Registration.Status.CONFIRMED)
    made["let into in branch_b"] = let_in = ActivityFactory(unit=tree["branch_b"])
    EligibilityOverride.objects.create(activity=let_in, member=worker, reason="借调", by=officer)
    return made


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_exactly_the_activities_whose_page_answers(role, role_client, activities):
    client, user = role_client(role)
    response = client.get(reverse("activities:list"))
    if user is None:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
        listed = set()
    else:
        listed = {row.activity.pk for row in response.context["page"].object_list}
    answered = set()
    for activity in activities.values():
        detail = client.get(reverse("activities:detail", args=[activity.pk]))
        if detail.status_code == 200:
            answered.add(activity.pk)
        elif user is None:
            assert reverse("account_login") in detail["Location"]
        elif not hasattr(user, "member"):
            assert detail["Location"] == reverse("members:profile-create")
        else:
            assert detail.status_code == 404
    assert listed == answered


def test_a_worker_sees_their_unions_and_the_levels_above_and_what_they_joined_or_were_let_into(role_client, activities):
    client, _user = role_client("worker")
    listed = {row.activity.title for row in client.get(reverse("activities:list")).context["page"].object_list}
    expected = ["root", "union_a", "branch_a", "signed up in union_b", "let into in branch_b"]
    assert listed == {activities[k if " in " in k else f"published in {k}"].title for k in expected}


def test_a_cancelled_activity_stays_visible_on_its_page_and_in_my_activities(role_client, activities, worker):
    activity = activities["signed up in union_b"]
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.CANCELLED)
    client, _user = role_client("worker")
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 200
    mine = client.get(reverse("activities:mine")).context
    assert [r.activity.pk for r in mine["upcoming"]] == [activity.pk]
    client, _user = role_client("group_worker")
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 404
