"""Every change to a member is kept and shown from its page,
only to officers who may open the object, and cannot be "reverted" around
the rules of the services."""

from django.urls import reverse

from members import services


def test_a_members_history_shows_each_change_with_who_made_it(staff_client, officer, worker):
    worker.phone = "13900000000"
    worker._history_user = officer
    worker.save()
    services.membership_change(member=worker, to="suspended", by=officer, note="欠缴会费")
    client = staff_client(officer)
    change_page = client.get(reverse("admin:members_member_change", args=[worker.pk])).content.decode()
    history_url = reverse("admin:members_member_history", args=[worker.pk])
    assert history_url in change_page
    response = client.get(history_url)
    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert len(records) >= 3
    page = response.content.decode()
    assert "13900000000" in page and officer.display_name in page


def test_an_officer_of_another_union_cannot_read_a_members_history(staff_client, sibling_officer, worker):
    client = staff_client(sibling_officer)
    record = worker.history.first()
    assert client.get(reverse("admin:members_member_history", args=[worker.pk])).status_code == 404
    url = reverse("admin:members_member_simple_history", args=[worker.pk, record.history_id])
    assert client.get(url).status_code == 404


def test_an_old_version_can_be_read_but_not_restored(staff_client, officer, worker):
    old = worker.history.earliest()
    services.membership_change(member=worker, to="suspended", by=officer, note="欠缴会费")
    client = staff_client(officer)
    url = reverse("admin:members_member_simple_history", args=[worker.pk, old.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": worker.name, "_change_history": "1"}).status_code == 403
    worker.refresh_from_db()
    assert worker.status == "suspended"
