"""One rule for who sees a request on the worker pages (``requests_visible_to``,
worker side): for every role "my requests" lists exactly the requests whose
page answers, and every other request's page is a 404."""

import pytest
from django.urls import reverse

from tests.factories import ActiveMemberFactory, add_unit
from tests.welfare.factories import submit

ROLES = [
    *["worker", "other_worker", "outsider", "union_worker", "group_worker"],
    *["officer", "sibling_officer", "welfare_officer", "chair", "anonymous"],
]


@pytest.fixture
def members(tree, worker, other_worker, outsider):
    group = add_unit(tree["branch_a"], "甲厂一车间一班", "group")
    return {
        "worker": worker,
        "other_worker": other_worker,
        "outsider": outsider,
        "union_worker": ActiveMemberFactory(unit=tree["union_a"]),
        "group_worker": ActiveMemberFactory(unit=group),
    }


@pytest.fixture
def requests(members, hardship_scheme):
    made = {}
    for name, member in members.items():
        made[name] = submit(member, "hardship")
        made[f"{name} (confidential)"] = submit(member, "discrimination", sensitivity="confidential")
    return made


@pytest.mark.parametrize("role", ROLES)
def test_my_requests_lists_exactly_the_requests_whose_page_answers(request, role, client, members, requests):
    if role == "anonymous":
        user = None
    elif role in members:
        user = members[role].user
        client.force_login(user)
    else:
        user = request.getfixturevalue(role)
        request.getfixturevalue("staff_client")(user)
    response = client.get(reverse("welfare:list"))
    if user is None:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
        listed = set()
    else:
        listed = {r.pk for r in response.context["requests"]}
    answered = set()
    for welfare_request in requests.values():
        detail = client.get(reverse("welfare:detail", args=[welfare_request.pk]))
        if detail.status_code == 200:
            answered.add(welfare_request.pk)
        elif user is None:
            assert reverse("account_login") in detail["Location"]
        else:
            assert detail.status_code == 404
    assert listed == answered
    own = {requests[role].pk, requests[f"{role} (confidential)"].pk} if role in members else set()
    assert answered == own
