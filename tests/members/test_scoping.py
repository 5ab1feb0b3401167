"""The officer of the whole tree (the federation's chair): the scope is cheaper for
them, yet they see exactly what the rule says, "your unit and everything below it"."""

import pytest
from django.urls import reverse

from members.models import ImportJob, Member, OrgUnit, User
from members.scoping import scope_queryset
from tests.factories import ActiveMemberFactory, add_unit
from tests.welfare.factories import scheme, submit
from welfare.selectors import requests_visible_to


@pytest.fixture
def hardship_scheme(db):
    return scheme("hardship")


def fresh(user: User) -> User:
    """The user as a request loads them (their unit not read yet)."""
    return User.objects.get(pk=user.pk)


def another_federation():
    other = add_unit(None, "邻市总工会", OrgUnit.Kind.FEDERATION)
    return ActiveMemberFactory(unit=add_unit(other, "丙厂工会", OrgUnit.Kind.UNION), name="钱多")


def test_the_chair_of_the_only_federation_sees_every_member(chair, worker, outsider):
    for user in (chair, fresh(chair)):
        assert set(scope_queryset(Member.objects.all(), user)) == {worker, outsider}


def test_a_second_federation_stays_outside_the_first_chairs_view(
    staff_client, chair, worker, outsider, hardship_scheme
):
    stranger = another_federation()
    submit(worker)
    submit(stranger)
    for user in (chair, fresh(chair)):
        assert set(scope_queryset(Member.objects.all(), user)) == {worker, outsider}
        assert [r.member for r in requests_visible_to(user, side="officer")] == [worker]
    response = staff_client(chair).get(reverse("admin:members_member_changelist"))
    # The changelist shows only the chair's own federation (its count is of the rows shown).
    assert response.context["cl"].result_count == 2
    assert set(response.context["cl"].result_list) == {worker, outsider}


def test_the_chair_never_counts_their_own_request(chair, tree, worker, hardship_scheme):
    own = ActiveMemberFactory(unit=tree["branch_a"], user=chair, name="张建国")
    submit(own)
    submit(worker)
    assert [r.member for r in requests_visible_to(fresh(chair), side="officer")] == [worker]


def test_rows_without_a_unit_stay_hidden_from_the_chair(chair, tree):
    placed = ImportJob.objects.create(kind="members", original_name="甲.csv", unit=tree["union_a"], created_by=chair)
    ImportJob.objects.create(kind="members", original_name="无单位.csv", unit=None, created_by=chair)
    for user in (chair, fresh(chair)):
        assert list(scope_queryset(ImportJob.objects.all(), user)) == [placed]
