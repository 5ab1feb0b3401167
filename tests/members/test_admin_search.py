"""The officers' member search: Django's results, found through indexes on PostgreSQL."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from members.models import Member
from tests.factories import ActiveMemberFactory, MemberFactory
from tests.markers import requires_postgres

CHANGELIST = reverse("admin:members_member_changelist")


def _names(client, term) -> set[str]:
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return {member.name for member in response.context["cl"].result_list}


@pytest.fixture
def people(tree):
    return {
        "顾明": ActiveMemberFactory(unit=tree["branch_a"], name="顾明", phone="13912345678"),
        "欧阳顾明": ActiveMemberFactory(unit=tree["branch_a"], name="欧阳顾明"),
        "顾明华": ActiveMemberFactory(unit=tree["branch_a"], name="顾明华", email="gmh@factory.cn"),
        "李明": ActiveMemberFactory(unit=tree["branch_a"], name="李明", employee_number="A-7788"),
        "Alice Wang": ActiveMemberFactory(unit=tree["branch_a"], name="Alice Wang"),
        "申请人": MemberFactory(unit=tree["branch_a"], name="申请人", user__email="apply.here@mail.cn", email=""),
        "外单位顾明": ActiveMemberFactory(unit=tree["branch_b"], name="外单位顾明"),
    }


def test_a_search_by_part_of_a_name_finds_every_member_whose_name_contains_it(staff_client, officer, people):
    client = staff_client(officer)
    assert _names(client, "顾明") == {"顾明", "欧阳顾明", "顾明华"}  # not the one outside the officer's union
    assert _names(client, "明") == {"顾明", "欧阳顾明", "顾明华", "李明"}
    assert _names(client, "阳顾明") == {"欧阳顾明"}
    assert _names(client, "wang") == {"Alice Wang"}


def test_a_search_by_number_phone_or_e_mail_finds_the_member(staff_client, officer, people):
    client = staff_client(officer)
    number = people["李明"].membership_number
    assert _names(client, number.lower()) == {"李明"}
    assert _names(client, "a-77") == {"李明"}
    assert _names(client, "3912345") == {"顾明"}
    assert _names(client, "GMH@") == {"顾明华"}
    assert _names(client, "apply.here") == {"申请人"}  # the account's address, not on the profile


def test_every_word_of_a_search_must_match(staff_client, officer, people):
    client = staff_client(officer)
    assert _names(client, "顾明 华") == {"顾明华"}
    assert _names(client, "顾明 李") == set()


@pytest.mark.parametrize(
    "term",
    [
        "顾明",
        "明",
        "顾",
        "欧阳",
        "GH2026",
        "gh",
        "13912345678",
        "factory.cn",
        "@",
        "e",
        "A-7788",
        "alice",
        '"Alice W"',
        "%",
        "_",
        "\\",
        "顾明 华",
        "'",
    ],
)
def test_the_search_finds_exactly_what_djangos_admin_search_finds(officer, people, term):
    member_admin = admin.site._registry[Member]
    request = RequestFactory().get(CHANGELIST, {"q": term})
    request.user = officer
    visible = member_admin.get_queryset(request)
    ours, _ = member_admin.get_search_results(request, visible, term)
    djangos, _ = ModelAdmin.get_search_results(member_admin, request, visible, term)
    assert set(ours.values_list("pk", flat=True)) == set(djangos.values_list("pk", flat=True))


def _plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        # A tiny test database: rule out reading whole tables, or the whole (name, id) index
        # of the member list, so the plan shows whether the search indexes serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("DROP INDEX member_changelist_order_idx")  # rolled back with the test
        return queryset.explain()


@requires_postgres
@pytest.mark.parametrize(
    ("term", "indexes"),
    [
        ("顾明", ["member_name_search_idx", "member_email_search_idx", "user_email_search_idx"]),
        ("GH20260000123", ["member_number_search_idx", "member_phone_search_idx", "member_employee_no_search_idx"]),
    ],
)
def test_the_member_search_is_answered_from_the_indexes(officer, people, term, indexes):
    member_admin = admin.site._registry[Member]
    request = RequestFactory().get(CHANGELIST, {"q": term})
    request.user = officer
    found, _ = member_admin.get_search_results(request, Member.objects.all(), term)
    plan = _plan(found)
    for index in indexes:
        assert index in plan, plan
