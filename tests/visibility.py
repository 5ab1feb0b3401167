"""The cast of the list-equals-detail visibility tests: every role a page can meet, logged in."""

import pytest

from tests.factories import ActiveMemberFactory, add_unit

ROLES = ["worker", "outsider", "union_worker", "group_worker", "officer", "sibling_officer", "chair", "anonymous"]


@pytest.fixture
def group(tree):
    return add_unit(tree["branch_a"], "甲厂一车间一班", "group")


@pytest.fixture
def role_client(request, client, staff_client, tree, group):
    """``role_client(role)`` logs ``role`` in and returns the client and the account (None: anonymous)."""

    def login(role):
        if role == "anonymous":
            return client, None
        if role == "union_worker":
            user = ActiveMemberFactory(unit=tree["union_a"]).user
        elif role == "group_worker":
            user = ActiveMemberFactory(unit=group).user
        else:
            user = request.getfixturevalue(role)
            user = getattr(user, "user", user)
        if user.is_staff:
            staff_client(user)  # officers have their second factor, as in production
        else:
            client.force_login(user)
        return client, user

    return login
