"""lib.models.StateChange, through one of the logs that inherit it (the membership log)."""

from django.utils import translation

from activities.models import RegistrationEvent
from members.models import Member, MembershipEvent
from tests.factories import MemberFactory, officer_user


def test_it_records_who_moved_the_member_from_where_to_where(tree):
    member = MemberFactory(unit=tree["branch_a"], status=Member.Status.APPLICANT)
    officer = officer_user(unit=tree["union_a"])

    event = MembershipEvent.record(member, to=Member.Status.ACTIVE, by=officer, note="资料齐全")

    event.refresh_from_db()
    assert (event.member, event.from_state, event.to_state, event.by, event.note) == (
        member,
        Member.Status.APPLICANT,
        Member.Status.ACTIVE,
        officer,
        "资料齐全",
    )
    assert event.at is not None


def test_it_moves_the_member_but_leaves_the_saving_to_the_caller(tree):
    member = MemberFactory(unit=tree["branch_a"], status=Member.Status.APPLICANT)

    MembershipEvent.record(member, to=Member.Status.ACTIVE, by=None)

    assert member.status == Member.Status.ACTIVE
    member.refresh_from_db()
    assert member.status == Member.Status.APPLICANT


def test_the_history_names_the_states_not_their_codes(tree):
    member = MemberFactory(unit=tree["branch_a"], name="李娟", status=Member.Status.REGISTERED)
    event = MembershipEvent.record(member, to=Member.Status.APPLICANT, by=None)

    with translation.override("en"):
        assert str(event) == "李娟: registered (not a member) → applied"
        assert (event.from_label, event.to_label) == ("registered (not a member)", "applied")
    with translation.override("zh-hans"):
        assert "registered" not in str(event)


def test_a_change_from_nothing_has_no_from_label():
    event = RegistrationEvent(from_state="", to_state="confirmed")

    assert event.from_label == ""
    with translation.override("en"):
        assert event.to_label == "confirmed"


def test_the_logs_read_oldest_first(tree):
    member = MemberFactory(unit=tree["branch_a"], status=Member.Status.REGISTERED)
    MembershipEvent.record(member, to=Member.Status.APPLICANT, by=None)
    MembershipEvent.record(member, to=Member.Status.ACTIVE, by=None)

    assert [e.to_state for e in member.events.all()] == [Member.Status.APPLICANT, Member.Status.ACTIVE]


def test_the_members_copy_of_their_data_names_the_states_as_the_history_does(client, tree):
    """Issue 16 item 4: "registered → applicant" in a worker's history; the export said the codes only."""
    import json

    from django.urls import reverse

    from tests.pagetext import visible_text

    member = MemberFactory(unit=tree["branch_a"], status=Member.Status.REGISTERED)
    MembershipEvent.record(member, to=Member.Status.APPLICANT, by=member.user)
    member.save()
    client.force_login(member.user)

    [event] = json.loads(client.get(reverse("members:data-export")).content)["membership"]["status_history"]
    page = visible_text(client.get(reverse("members:profile")).content.decode())

    assert (event["from"], event["to"]) == ("registered", "applicant")
    assert (event["from_label"], event["to_label"]) == ("已注册（非会员）", "已申请")
    assert "已注册（非会员） → 已申请" in page
    assert "registered" not in page and "applicant" not in page
