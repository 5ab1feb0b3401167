from django.utils import timezone

from care.models import CareCase, State
from tests.care.factories import open_case

CHANGELIST = "/admin/care/carecase/"


def test_an_officer_opens_a_case_in_the_back_office(staff_client, worker, officer):
    client = staff_client(officer)
    response = client.post(
        f"{CHANGELIST}add/",
        {"member": worker.pk, "kind": "childbirth", "about": "", "reason": "女儿出生", "assigned_to": officer.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = CareCase.objects.get()
    assert case.kind == "childbirth" and case.opened_by == officer and case.assigned_to == officer


def test_an_officer_records_the_visit_on_the_case_page(staff_client, worker, officer):
    case = open_case(worker, officer)
    client = staff_client(officer)
    today = timezone.localdate().isoformat()
    response = client.post(
        f"{CHANGELIST}{case.pk}/change/",
        {
            "assigned_to": officer.pk,
            "companions": "刘洋",
            "visited_on": today,
            "what_was_done": "到医院看望",
            "brought": "水果",
            "follow_up_on": "",
            "cancel_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.state == State.DONE and case.brought == "水果"


def test_a_visit_in_the_future_is_refused_on_the_case_page(staff_client, worker, officer):
    case = open_case(worker, officer)
    client = staff_client(officer)
    response = client.post(
        f"{CHANGELIST}{case.pk}/change/",
        {
            "assigned_to": "",
            "visited_on": "2099-01-01",
            "what_was_done": "看望",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == State.OPEN


def test_an_officer_of_another_union_gets_404_for_a_case(staff_client, worker, officer, sibling_officer):
    case = open_case(worker, officer)
    assert staff_client(sibling_officer).get(f"{CHANGELIST}{case.pk}/change/").status_code == 404
