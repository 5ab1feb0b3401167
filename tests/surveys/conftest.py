import pytest
from django.test import Client

from tests.factories import ActiveMemberFactory
from tests.surveys import factories


@pytest.fixture
def make_members(tree):
    """``make_members(n)``: n active members of branch A."""

    def make(n, **kwargs):
        kwargs.setdefault("unit", tree["branch_a"])
        return [ActiveMemberFactory(**kwargs) for _ in range(n)]

    return make


@pytest.fixture
def anonymous_survey(tree, chair):
    return factories.survey(unit=tree["union_a"], by=chair, anonymous=True)


@pytest.fixture
def named_survey(tree, chair):
    return factories.survey(unit=tree["union_a"], by=chair, anonymous=False, title="职工书屋借阅意向")


@pytest.fixture
def staff_client():
    """A logged-in client for an officer, with the second factor in place."""

    def login(user):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
        client = Client()
        client.force_login(user)
        return client

    return login
