import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members import services
from members.models import Member
from notifications.models import Notification
from tests.factories import MemberFactory


@pytest.fixture
def applicant(tree):
    member = MemberFactory(unit=tree["branch_a"], user__email="new@example.cn", name="周敏")
    services.membership_apply(member=member, by=member.user)
    member.refresh_from_db()
    return member


def test_approval_issues_a_membership_number_and_sends_a_welcome_mail(
    applicant, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(member=applicant, by=officer)
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.ACTIVE
    assert applicant.membership_number.startswith("GH")
    assert [m.to for m in mailoutbox] == [["new@example.cn"]]
    assert applicant.membership_number in mailoutbox[0].body
    assert "欢迎" in mailoutbox[0].subject  # the applicant's language is Chinese
    assert Notification.objects.get(template="membership-welcome").status == Notification.Status.SENT


def test_every_change_is_recorded_with_who_and_note(applicant, officer):
    services.membership_reject(member=applicant, by=officer, reason="不在本单位工作")
    events = list(applicant.events.order_by("at", "id").values_list("from_state", "to_state", "by", "note"))
    assert events == [
        ("registered", "applicant", applicant.user.pk, ""),
        ("applicant", "rejected", officer.pk, "不在本单位工作"),
    ]


def test_rejection_needs_a_reason(applicant, officer):
    with pytest.raises(ValidationError):
        services.membership_reject(member=applicant, by=officer, reason="  ")
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLICANT


def test_an_officer_of_a_sibling_union_cannot_approve(applicant, sibling_officer):
    with pytest.raises(PermissionDenied):
        services.membership_approve(member=applicant, by=sibling_officer)
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLICANT
    assert applicant.membership_number is None


def test_a_worker_cannot_approve_their_own_application(applicant):
    with pytest.raises(PermissionDenied):
        services.membership_approve(member=applicant, by=applicant.user)


def test_illegal_transitions_are_refused(applicant, officer):
    with pytest.raises(ValidationError):
        services.membership_change(member=applicant, to=Member.Status.SUSPENDED, by=officer)
