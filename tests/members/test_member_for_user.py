from django.contrib.auth.models import AnonymousUser

from members.models import Member
from members.selectors import ancestor_paths, member_for_user


def test_it_reads_the_member_with_their_unit_and_union_in_one_query(worker, django_assert_num_queries):
    user = type(worker.user).objects.get(pk=worker.user.pk)
    with django_assert_num_queries(1):
        member = member_for_user(user)
        assert (member.unit.name, member.unit.path, member.union.name, member.union.kind) == (
            worker.unit.name,
            worker.unit.path,
            worker.union.name,
            worker.union.kind,
        )
        assert member.user is user
        assert member_for_user(user) is member
    expected = Member.objects.get(pk=worker.pk)
    for field in Member._meta.concrete_fields:
        assert getattr(member, field.attname) == getattr(expected, field.attname), field.name
    assert not member._state.adding and member._state.db == expected._state.db


def test_an_account_without_a_profile_or_no_account_has_no_member(officer):
    assert member_for_user(officer) is None
    assert member_for_user(AnonymousUser()) is None


def test_the_paths_above_a_unit_are_its_ancestors_paths(tree):
    branch = tree["branch_a"]
    assert ancestor_paths(branch) == [tree["root"].path, tree["union_a"].path]
    assert ancestor_paths(tree["root"]) == []
