"""The shared cast: a small organisation tree and one person per role.

    tree["root"]  市总工会 (federation)
      ├─ tree["union_a"] 甲厂工会 ── tree["branch_a"] 甲厂一车间
      └─ tree["union_b"] 乙厂工会 ── tree["branch_b"] 乙厂一车间

``worker`` and ``other_worker`` are active members in branch A; ``outsider``
is an active member in branch B. ``officer`` acts for union A,
``sibling_officer`` for union B, ``welfare_officer`` for union A and
``chair`` for the whole federation.
"""

import pytest

from tests.factories import ActiveMemberFactory, officer_user, org_tree
from tests.markers import required_skip_markers

# The cast of the visibility tests (role_client, group), shared by the areas.
pytest_plugins = ["tests.visibility"]

REQUIRED_SKIP_MARKERS = required_skip_markers()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # CI sets REQUIRE_SERVICES on each run (tests/markers.py): there, a test that
    # skips for want of a required service is a failure, so none is silently lost.
    report = yield
    if REQUIRED_SKIP_MARKERS and report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(marker in reason for marker in REQUIRED_SKIP_MARKERS):
            report.outcome = "failed"
            report.longrepr = f"REQUIRE_SERVICES is set but the test skipped: {reason}"
    return report


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def tree(db):
    return org_tree()


@pytest.fixture
def worker(tree):
    return ActiveMemberFactory(unit=tree["branch_a"], name="李娟", user__email="worker@example.cn")


@pytest.fixture
def other_worker(tree):
    return ActiveMemberFactory(unit=tree["branch_a"], name="王芳", user__email="other@example.cn")


@pytest.fixture
def outsider(tree):
    return ActiveMemberFactory(unit=tree["branch_b"], name="赵磊", gender="M", user__email="outsider@example.cn")


@pytest.fixture
def officer(tree):
    return officer_user(unit=tree["union_a"], email="officer@example.cn", display_name="王强")


@pytest.fixture
def sibling_officer(tree):
    return officer_user(unit=tree["union_b"], email="sibling@example.cn", display_name="孙丽")


@pytest.fixture
def welfare_officer(tree):
    return officer_user(
        unit=tree["union_a"], roles=("Welfare officer",), email="welfare@example.cn", display_name="陈静"
    )


@pytest.fixture
def chair(tree):
    return officer_user(unit=tree["root"], roles=("Chair",), email="chair@example.cn", display_name="张建国")


@pytest.fixture
def staff_client(client):
    """Log an officer in, with the second factor in place (production rule)."""

    def login(user):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
        client.force_login(user)
        return client

    return login


@pytest.fixture
def smsoutbox():
    """The texts sent in this test (the locmem SMS back-end of the test settings), as ``mailoutbox``."""
    from notifications.sms import locmem

    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()
