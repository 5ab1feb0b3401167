from datetime import timedelta

from django.utils import timezone

from care import reminders, services
from care.models import CareCase
from notifications.models import Notification
from tests.care.factories import approved_request, open_case


def test_the_assigned_officer_is_reminded_the_day_before_once(worker, officer):
    case = open_case(worker, officer, "hospital", assigned_to=officer)
    day = case.due_on - timedelta(days=1)
    assert reminders.visit_reminders_queue(day=day) == 1
    assert reminders.visit_reminders_queue(day=day) == 0
    row = Notification.objects.get(key__startswith="care-reminder:")
    assert row.to_email == officer.email and worker.name in row.body_text


def test_the_worker_is_reminded_only_when_they_asked(worker, officer):
    case = open_case(worker, officer, "hospital", assigned_to=officer)
    day = case.due_on - timedelta(days=1)
    reminders.visit_reminders_queue(day=day)
    assert not Notification.objects.filter(to_email=worker.user.email).exists()
    services.case_set_wish(case=case, by=worker.user, wish="hospital", remind_worker=True)
    CareCase.objects.filter(pk=case.pk).update(due_on=case.due_on + timedelta(days=1))
    reminders.visit_reminders_queue(day=day + timedelta(days=1))
    assert Notification.objects.filter(to_email=worker.user.email, key__startswith="care-worker-reminder:").exists()


def test_a_confidential_visit_names_nobody_in_the_reminder(worker, welfare_officer):
    request = approved_request(worker, welfare_officer, "bereavement", sensitivity="confidential")
    case = CareCase.objects.get(welfare_request=request)
    services.case_update(case=case, by=welfare_officer, assigned_to=welfare_officer)
    reminders.visit_reminders_queue(day=case.due_on - timedelta(days=1))
    assert worker.name not in Notification.objects.get(key__startswith="care-reminder:").body_text


def test_the_digest_lists_overdue_visits_to_the_officers_who_see_them(worker, officer, sibling_officer):
    case = open_case(worker, officer, "bereavement")
    day = case.due_on + timedelta(days=1)
    assert reminders.officer_digests_queue(day=day) == 1
    row = Notification.objects.get(key__startswith="care-digest:")
    assert row.to_email == officer.email and worker.name in row.body_text


def test_the_dashboard_counts_visits_due_and_overdue(staff_client, worker, other_worker, officer):
    open_case(worker, officer, "hospital")
    late = open_case(other_worker, officer, "bereavement")
    CareCase.objects.filter(pk=late.pk).update(
        opened_on=timezone.localdate() - timedelta(days=10), due_on=timezone.localdate() - timedelta(days=8)
    )
    page = staff_client(officer).get("/admin/").content.decode()
    assert "visits overdue" in page or "探望已逾期" in page or "逾期" in page


def test_the_statistics_count_visits_per_unit_on_time_and_late(staff_client, worker, officer):
    case = open_case(worker, officer, "hospital")
    services.case_record_visit(case=case, by=officer, visited_on=timezone.localdate(), what_was_done="看望")
    response = staff_client(officer).get("/admin/statistics/")
    assert response.status_code == 200
    assert worker.unit.name in response.content.decode()
