import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from members.models import Member
from tests.factories import ActiveMemberFactory, MemberFactory, officer_user


@pytest.fixture
def applicant(tree):
    member = MemberFactory(unit=tree["branch_a"], name="申请人甲")
    services.membership_apply(member=member, by=member.user)
    return member


def test_an_officer_sees_only_members_of_their_subtree(staff_client, officer, worker, outsider):
    response = staff_client(officer).get(reverse("admin:members_member_changelist"))
    names = [m.name for m in response.context["cl"].result_list]
    assert worker.name in names
    assert outsider.name not in names
    assert response.context["cl"].result_count == 1  # no full count any more: the list is not filtered


def test_an_officer_cannot_open_a_sibling_units_member(staff_client, officer, outsider):
    client = staff_client(officer)
    response = client.get(reverse("admin:members_member_change", args=[outsider.pk]))
    assert response.status_code == 302  # the admin's "does not exist" answer
    assert outsider.name not in client.get(response["Location"]).content.decode()


def test_the_search_of_an_officer_stays_in_their_subtree(staff_client, officer, outsider):
    response = staff_client(officer).get(reverse("admin:members_member_changelist"), {"q": outsider.name})
    assert list(response.context["cl"].result_list) == []


def test_the_unit_autocomplete_offers_only_the_officers_subtree(staff_client, officer, tree):
    response = staff_client(officer).get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "member", "field_name": "unit", "term": ""},
    )
    names = {item["text"] for item in response.json()["results"]}
    assert names == {"甲厂工会", "甲厂一车间"}


def test_the_chair_of_the_federation_sees_every_union(staff_client, chair, worker, outsider):
    response = staff_client(chair).get(reverse("admin:members_member_changelist"))
    assert response.context["cl"].result_count == 2


def test_an_officer_approves_an_application_from_its_page(
    staff_client, officer, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    client = staff_client(officer)
    page = client.get(reverse("admin:members_member_change", args=[applicant.pk])).content.decode()
    assert "批准申请" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:members_member_approve", args=[applicant.pk]))
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.ACTIVE and applicant.membership_number
    assert mailoutbox[-1].to == [applicant.user.email]


def test_a_rejection_without_a_reason_is_refused_on_the_page(staff_client, officer, applicant):
    client = staff_client(officer)
    response = client.post(reverse("admin:members_member_reject", args=[applicant.pk]), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLICANT


def test_rejection_with_a_reason_is_shown_to_the_applicant(client, staff_client, officer, applicant):
    staff_client(officer).post(reverse("admin:members_member_reject", args=[applicant.pk]), {"reason": "非本单位职工"})
    client.force_login(applicant.user)
    page = client.get(reverse("members:profile")).content.decode()
    assert "非本单位职工" in page and "未通过" in page


def test_bulk_approval_reports_how_many(staff_client, officer, applicant, tree):
    second = MemberFactory(unit=tree["branch_a"])
    services.membership_apply(member=second, by=second.user)
    client = staff_client(officer)
    response = client.post(
        reverse("admin:members_member_changelist"),
        {"action": "approve_selected", "_selected_action": [applicant.pk, second.pk]},
        follow=True,
    )
    assert "已批准 2 份申请" in response.content.decode()
    assert Member.objects.filter(status=Member.Status.ACTIVE, pk__in=[applicant.pk, second.pk]).count() == 2


def test_staff_without_the_permission_cannot_approve(staff_client, applicant, tree):
    clerk = officer_user(unit=tree["union_a"], roles=())
    response = staff_client(clerk).post(reverse("admin:members_member_approve", args=[applicant.pk]))
    assert response.status_code in (302, 403)
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLICANT


def test_an_officer_cannot_approve_a_sibling_units_applicant_by_url(staff_client, sibling_officer, applicant):
    response = staff_client(sibling_officer).post(reverse("admin:members_member_approve", args=[applicant.pk]))
    assert response.status_code == 404
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLICANT


def test_the_member_changelist_query_count_does_not_grow(staff_client, officer, tree):
    client = staff_client(officer)
    url = reverse("admin:members_member_changelist")

    def count(query=""):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url + query).status_code == 200
        return len(ctx.captured_queries)

    ActiveMemberFactory.create_batch(10, unit=tree["branch_a"])
    first = count(), count("?status__exact=active&retired__exact=0"), count("?q=GH")
    ActiveMemberFactory.create_batch(10, unit=tree["branch_a"])
    assert (count(), count("?status__exact=active&retired__exact=0"), count("?q=GH")) == first
    assert max(first) <= 8


def test_the_history_of_a_sibling_units_member_is_not_shown(staff_client, officer, outsider):
    client = staff_client(officer)
    assert client.get(reverse("admin:members_member_history", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("admin:members_member_history", args=["not-a-number"])).status_code == 404


def test_the_history_of_an_own_member_is_shown(staff_client, officer, worker):
    response = staff_client(officer).get(reverse("admin:members_member_history", args=[worker.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["99999999999", "0", "-1", "abc"])
def test_a_wild_date_filter_is_a_bad_filter_not_a_server_error(staff_client, officer, worker, year):
    response = staff_client(officer).get(reverse("admin:members_member_changelist"), {"created_at__year": year})
    assert response.status_code in (200, 302)


def test_the_membership_history_in_the_admin_names_the_states_not_their_codes(staff_client, officer, applicant):
    response = staff_client(officer).get(reverse("admin:members_member_change", args=[applicant.pk]))

    page = response.content.decode()
    assert "申请人甲: 已注册（非会员） → 已申请" in page
    assert "registered → applicant" not in page
