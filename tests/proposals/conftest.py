import pytest
from django.test import Client

from tests.factories import ActiveMemberFactory


@pytest.fixture
def make_members(tree):
    """``make_members(n)``: n active members of branch A."""

    def make(n, **kwargs):
        kwargs.setdefault("unit", tree["branch_a"])
        return [ActiveMemberFactory(**kwargs) for _ in range(n)]

    return make


@pytest.fixture
def staff_client():
    def login(user):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
        client = Client()
        client.force_login(user)
        return client

    return login
