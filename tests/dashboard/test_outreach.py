"""The outreach list of quiet members and its follow-up (issue 18 item 5): mark contacted
with a note, open a care visit, or invite to an activity; each recorded with who and when."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Registration
from care.models import CareCase
from members.models import OutreachContact
from notifications.models import Notification
from tests.activities.factories import ActivityFactory
from tests.factories import ActiveMemberFactory

Outcome = OutreachContact.Outcome
LIST = reverse("dashboard:outreach")


def follow_up(worker):
    return reverse("dashboard:outreach-member", args=[worker.pk])


@pytest.fixture
def lively(worker, other_worker):
    """other_worker took part last month: only worker (and outsider, of union B) are quiet."""
    past = ActivityFactory(title="上月讲座", starts_at=timezone.now() - timedelta(days=30))
    Registration.objects.create(activity=past, member=other_worker, status=Registration.Status.ATTENDED)


def test_the_list_shows_the_quiet_members_of_the_officers_part_only(staff_client, officer, worker, outsider, lively):
    response = staff_client(officer).get(LIST)
    names = [member.name for member, _contact in response.context["rows"]]
    assert names == ["李娟"]
    assert follow_up(worker) in response.content.decode()
    stats = staff_client(officer).get(reverse("dashboard:statistics")).content.decode()
    assert LIST in stats  # the statistics' table leads to it


def test_marking_contacted_records_the_note_who_and_when(staff_client, officer, worker, lively):
    client = staff_client(officer)
    response = client.post(follow_up(worker), {"action": "contacted", "contact-note": "电话联系，她最近照顾家人"})
    assert response.status_code == 302
    contact = OutreachContact.objects.get(member=worker)
    assert (contact.outcome, contact.by, contact.note) == (Outcome.CONTACTED, officer, "电话联系，她最近照顾家人")
    assert timezone.now() - contact.at < timedelta(minutes=1)
    page = client.get(LIST).content.decode()
    assert "已联系" in page and officer.display_name in page


def test_a_contact_without_a_note_is_refused_in_chinese(staff_client, officer, worker, lively):
    response = staff_client(officer).post(follow_up(worker), {"action": "contacted", "contact-note": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not OutreachContact.objects.exists()


def test_a_care_visit_is_opened_through_the_care_service(staff_client, officer, worker, lively):
    response = staff_client(officer).post(
        follow_up(worker), {"action": "care", "care-kind": "hardship", "care-reason": "长期未参加活动，家中困难"}
    )
    assert response.status_code == 302
    case = CareCase.objects.get(member=worker)
    assert case.opened_by == officer and case.kind == "hardship" and case.due_on
    assert OutreachContact.objects.get(member=worker).outcome == Outcome.CARE_VISIT


def test_an_invitation_is_sent_once_and_recorded(
    staff_client, officer, worker, lively, django_capture_on_commit_callbacks
):
    soon = ActivityFactory(title="职工读书会")
    client = staff_client(officer)
    data = {"action": "invite", "invite-activity": soon.pk, "invite-note": "好久不见，一起来吧"}
    assert client.post(follow_up(worker), data).status_code == 302
    sent = Notification.objects.get(key=f"activity-invitation:{soon.pk}:{worker.pk}")
    assert sent.template == "activity-invitation"
    contact = OutreachContact.objects.get(member=worker)
    assert (contact.outcome, contact.detail) == (Outcome.INVITED, "职工读书会")

    Registration.objects.create(activity=soon, member=worker, status=Registration.Status.CONFIRMED)
    response = client.post(follow_up(worker), data)
    assert response.status_code == 200 and "已经报名" in response.content.decode()
    assert OutreachContact.objects.count() == 1


def test_an_officer_of_another_union_cannot_follow_up_the_member(staff_client, sibling_officer, worker):
    client = staff_client(sibling_officer)
    assert client.get(follow_up(worker)).status_code == 404
    assert client.post(follow_up(worker), {"action": "contacted", "contact-note": "x"}).status_code == 404
    assert not OutreachContact.objects.exists()


def test_the_list_runs_as_many_queries_with_twice_the_members(staff_client, officer, tree, worker, lively):
    client = staff_client(officer)
    OutreachContact.objects.create(member=worker, by=officer, outcome=Outcome.CONTACTED, note="电话")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    count()
    before = count()
    for i in range(4):
        member = ActiveMemberFactory(unit=tree["branch_a"], name=f"沉默{i}")
        OutreachContact.objects.create(member=member, by=officer, outcome=Outcome.CONTACTED, note="电话")
    assert count() == before
