"""Factories shared by every app's tests. App-specific factories live in
``tests/<app>/factories.py`` and build on these."""

from datetime import date

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from members import services
from members.models import Member, OrgUnit, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pass-word-123")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def officer_user(*, unit: OrgUnit, roles=("Officer",), **kwargs) -> User:
    user = UserFactory(is_staff=True, officer_unit=unit, **kwargs)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def add_unit(parent: OrgUnit | None, name: str, kind: str) -> OrgUnit:
    return services.unit_add(parent=parent, name=name, kind=kind)


def org_tree() -> dict[str, OrgUnit]:
    """federation → two unions → branches; enough for scoping tests."""
    root = add_unit(None, "市总工会", OrgUnit.Kind.FEDERATION)
    union_a = add_unit(root, "甲厂工会", OrgUnit.Kind.UNION)
    union_b = add_unit(root, "乙厂工会", OrgUnit.Kind.UNION)
    branch_a = add_unit(union_a, "甲厂一车间", OrgUnit.Kind.BRANCH)
    branch_b = add_unit(union_b, "乙厂一车间", OrgUnit.Kind.BRANCH)
    return {
        name: OrgUnit.objects.get(pk=unit.pk)
        for name, unit in {
            "root": root,
            "union_a": union_a,
            "union_b": union_b,
            "branch_a": branch_a,
            "branch_b": branch_b,
        }.items()
    }


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"会员{n}")
    gender = Member.Gender.FEMALE
    date_of_birth = date(1990, 5, 1)
    email = factory.LazyAttribute(lambda m: m.user.email if m.user else "")
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    privacy_consent_at = factory.LazyFunction(timezone.now)
    # The cast asked for greetings and reminders (a new profile has them off: issue 16 item 5).
    wants_optional_mail = True
    wants_optional_sms = True
    language = "zh-hans"

    @factory.lazy_attribute
    def unit(self):
        existing = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).order_by("path").first()
        return existing or org_tree()["branch_a"]


class ActiveMemberFactory(MemberFactory):
    status = Member.Status.ACTIVE
    membership_number = factory.Sequence(lambda n: f"GH2026{n:07d}")
    joined_on = date(2025, 1, 1)
