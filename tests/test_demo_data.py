import pytest
from django.core.management import call_command

from members.models import Member, OrgUnit, User


@pytest.mark.django_db
def test_the_demo_data_loads_once_and_gives_a_login_per_role():
    call_command("seed_demo")
    counts = (OrgUnit.objects.count(), Member.objects.count(), User.objects.count())
    call_command("seed_demo")  # `make run` calls it every time: nothing changes
    assert (OrgUnit.objects.count(), Member.objects.count(), User.objects.count()) == counts
    assert Member.objects.count() >= 30
    roles = {
        email: set(User.objects.get(email=email).groups.values_list("name", flat=True))
        for email in (
            "worker@demo.unionportal.cn",
            "officer@demo.unionportal.cn",
            "welfare@demo.unionportal.cn",
            "chair@demo.unionportal.cn",
        )
    }
    assert roles["worker@demo.unionportal.cn"] == set()
    assert roles["officer@demo.unionportal.cn"] == {"Officer"}
    assert roles["welfare@demo.unionportal.cn"] == {"Welfare officer"}
    assert roles["chair@demo.unionportal.cn"] == {"Chair"}
    assert Member.objects.get(user__email="worker@demo.unionportal.cn").is_active_member
    genders = set(Member.objects.values_list("gender", flat=True))
    assert genders == {"F", "M"} and Member.objects.filter(retired=True).exists()


@pytest.mark.django_db
def test_the_demo_gives_the_unions_a_budget_for_this_year():
    from django.utils import timezone

    from welfare.models import Budget

    call_command("seed_demo")
    assert Budget.objects.filter(year=timezone.localdate().year).count() == 2


@pytest.mark.django_db
def test_the_demo_shows_a_membership_that_lives():
    from members.models import MembershipTransfer
    from welfare.models import WelfareRequest

    call_command("seed_demo")
    transfers = dict(MembershipTransfer.objects.values_list("state", "to_union__name"))
    assert transfers == {"accepted": "滨江人民医院工会", "pending": "滨江机械厂工会"}
    lapsed = Member.objects.get(status=Member.Status.LAPSED)
    assert lapsed.union.lapse_after_unpaid_months == 3
    assert lapsed.events.get(to_state="lapsed").by is None
    assert WelfareRequest.objects.filter(state="needs_info", clock_paused_at__isnull=False).exists()
