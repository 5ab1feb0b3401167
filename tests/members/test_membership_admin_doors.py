"""The membership doors and transfers in the officers' admin."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from members.models import Member, MembershipTransfer
from tests.factories import ActiveMemberFactory

S = Member.Status


def test_the_member_page_offers_the_doors_of_the_members_status(staff_client, officer, worker):
    page = staff_client(officer).get(reverse("admin:members_member_change", args=[worker.pk])).content.decode()
    for door in ("suspend", "lapse", "withdraw"):
        assert reverse("admin:members_member_door", args=[worker.pk, door]) in page
    assert reverse("admin:members_member_door", args=[worker.pk, "restore"]) not in page
    assert reverse("admin:members_member_transfer", args=[worker.pk]) in page


def test_an_officer_suspends_a_member_from_their_page_with_a_reason(staff_client, officer, worker):
    client = staff_client(officer)
    url = reverse("admin:members_member_door", args=[worker.pk, "suspend"])
    assert "理由" in client.get(url).content.decode() or "reason" in client.get(url).content.decode()
    response = client.post(url, {"reason": "长期不参加组织生活"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.status == S.SUSPENDED
    assert worker.events.get().note == "长期不参加组织生活"


def test_a_door_without_a_reason_or_of_an_unknown_name_changes_nothing(staff_client, officer, worker):
    client = staff_client(officer)
    response = client.post(reverse("admin:members_member_door", args=[worker.pk, "suspend"]), {"reason": ""})
    assert response.status_code == 200  # the form again, with its error
    assert (
        client.post(reverse("admin:members_member_door", args=[worker.pk, "expel"]), {"reason": "x"}).status_code == 403
    )
    worker.refresh_from_db()
    assert worker.status == S.ACTIVE


def test_an_officer_cannot_open_a_door_on_another_unions_member(staff_client, officer, outsider):
    response = staff_client(officer).post(
        reverse("admin:members_member_door", args=[outsider.pk, "suspend"]), {"reason": "x"}
    )
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.status == S.ACTIVE


def test_a_huge_reason_is_refused_by_the_form(staff_client, officer, worker):
    response = staff_client(officer).post(
        reverse("admin:members_member_door", args=[worker.pk, "suspend"]), {"reason": "长" * 5000}
    )
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.status == S.ACTIVE


def test_selected_members_are_suspended_in_bulk_with_one_reason(staff_client, officer, worker, other_worker):
    client = staff_client(officer)
    url = reverse("admin:members_member_changelist")
    selected = {"action": "suspend_selected", "_selected_action": [worker.pk, other_worker.pk]}
    page = client.post(url, selected)
    assert page.status_code == 200 and other_worker.name in page.content.decode()
    client.post(url, {**selected, "reason": "集体违纪"})
    assert set(Member.objects.filter(status=S.SUSPENDED).values_list("pk", flat=True)) == {worker.pk, other_worker.pk}


def test_the_bulk_door_queries_grow_with_the_members_changed_not_more(staff_client, officer, tree):
    client = staff_client(officer)
    url = reverse("admin:members_member_changelist")

    def suspend(count):
        members = [ActiveMemberFactory(unit=tree["branch_a"]) for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            client.post(url, {"action": "suspend_selected", "_selected_action": [m.pk for m in members], "reason": "x"})
        return len(queries)

    # Each change is its own transaction (lock, row, mail): the same few queries per member, nothing more.
    three, six, nine = suspend(3), suspend(6), suspend(9)
    assert nine - six == six - three


def test_a_transfer_is_asked_for_and_accepted_through_the_admin(
    staff_client, officer, sibling_officer, worker, tree, client
):
    asking = staff_client(officer)
    asking.post(
        reverse("admin:members_member_transfer", args=[worker.pk]),
        {"to_union": tree["union_b"].pk, "reason": "调到乙厂工作"},
    )
    transfer = MembershipTransfer.objects.get()
    asking.logout()
    receiving = staff_client(sibling_officer)
    page = receiving.get(reverse("admin:members_membershiptransfer_change", args=[transfer.pk])).content.decode()
    assert reverse("admin:members_membershiptransfer_accept", args=[transfer.pk]) in page
    form = receiving.get(reverse("admin:members_membershiptransfer_accept", args=[transfer.pk])).context["form"]
    assert {unit.name for unit in form.fields["unit"].queryset} == {"乙厂工会", "乙厂一车间"}
    receiving.post(
        reverse("admin:members_membershiptransfer_accept", args=[transfer.pk]),
        {"unit": tree["branch_b"].pk, "employee_number": "B-9"},
    )
    worker.refresh_from_db()
    assert (worker.status, worker.unit) == (S.ACTIVE, tree["branch_b"])
    changelist = receiving.get(reverse("admin:members_member_changelist")).context["cl"]
    assert worker in list(changelist.result_list)


def test_the_old_union_keeps_the_transfer_but_loses_the_member(staff_client, officer, sibling_officer, worker, tree):
    transfer = services.transfer_request(member=worker, to_union=tree["union_b"], by=officer, reason="调动")
    services.transfer_accept(transfer=transfer, by=sibling_officer)
    client = staff_client(officer)
    assert client.get(reverse("admin:members_membershiptransfer_change", args=[transfer.pk])).status_code == 200
    assert client.get(reverse("admin:members_member_change", args=[worker.pk])).status_code == 302  # gone


def test_the_sending_officer_cannot_accept_their_own_transfer(staff_client, officer, worker, tree):
    transfer = services.transfer_request(member=worker, to_union=tree["union_b"], by=officer, reason="调动")
    staff_client(officer).post(
        reverse("admin:members_membershiptransfer_accept", args=[transfer.pk]), {"unit": tree["union_b"].pk}
    )
    transfer.refresh_from_db()
    assert transfer.state == MembershipTransfer.State.PENDING


def test_a_third_union_cannot_open_the_transfer(staff_client, officer, worker, tree):
    from tests.factories import add_unit, officer_user

    transfer = services.transfer_request(member=worker, to_union=tree["union_b"], by=officer, reason="调动")
    third = officer_user(unit=add_unit(tree["root"], "癸厂工会", "union"), email="third@example.cn")
    client = staff_client(third)
    assert client.get(reverse("admin:members_membershiptransfer_accept", args=[transfer.pk])).status_code == 404


def test_the_transfer_list_stays_flat_as_transfers_double(staff_client, officer, tree):
    client = staff_client(officer)
    url = reverse("admin:members_membershiptransfer_changelist")

    def list_with(count):
        for _ in range(count):
            member = ActiveMemberFactory(unit=tree["branch_a"])
            services.transfer_request(member=member, to_union=tree["union_b"], by=officer, reason="调动")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert list_with(3) == list_with(3)
