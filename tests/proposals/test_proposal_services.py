"""Proposing, co-signing once, the threshold that tells the officers, and the officer's decision."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activities.models import Activity
from notifications.models import Notification
from proposals import selectors, services
from proposals.models import Proposal, ProposalThreshold
from tests.proposals import factories


def test_a_member_proposes_for_their_unit_or_a_unit_above_it_within_their_union(worker, tree):
    assert factories.proposal(worker, unit=tree["branch_a"]).unit == tree["branch_a"]
    assert factories.proposal(worker, unit=tree["union_a"]).proposer == worker
    for unit in (tree["root"], tree["union_b"], tree["branch_b"]):
        with pytest.raises(ValidationError):
            factories.proposal(worker, unit=unit)


def test_colleagues_co_sign_once_each(worker, other_worker):
    proposal = factories.proposal(worker)
    assert services.proposal_sign(proposal=proposal, member=other_worker) is True
    assert services.proposal_sign(proposal=proposal, member=other_worker) is False
    proposal.refresh_from_db()
    assert proposal.supporter_count == 1


def test_the_proposer_and_members_of_another_union_do_not_co_sign(worker, outsider):
    proposal = factories.proposal(worker)
    with pytest.raises(ValidationError):
        services.proposal_sign(proposal=proposal, member=worker)
    with pytest.raises(ValidationError):
        services.proposal_sign(proposal=proposal, member=outsider)
    assert not proposal.supports.exists()


def test_withdrawing_a_co_signature_counts_down(worker, other_worker):
    proposal = factories.proposal(worker)
    services.proposal_sign(proposal=proposal, member=other_worker)
    assert services.proposal_unsign(proposal=proposal, member=other_worker) is True
    proposal.refresh_from_db()
    assert proposal.supporter_count == 0


def test_reaching_the_threshold_tells_the_unions_officers_once(
    worker, make_members, officer, welfare_officer, sibling_officer, chair, settings
):
    settings.PROPOSALS_THRESHOLD = 3
    proposal = factories.proposal(worker)
    signers = make_members(4)
    for member in signers[:2]:
        services.proposal_sign(proposal=proposal, member=member)
    assert not Notification.objects.filter(template="proposal-threshold").exists()
    services.proposal_sign(proposal=proposal, member=signers[2])
    told = set(Notification.objects.filter(template="proposal-threshold").values_list("to_email", flat=True))
    # The officers acting for union A; not the other union's, not the federation's chair.
    assert told == {officer.email, welfare_officer.email}
    services.proposal_sign(proposal=proposal, member=signers[3])
    assert Notification.objects.filter(template="proposal-threshold").count() == 2
    proposal.refresh_from_db()
    assert proposal.threshold_reached_at is not None


def test_a_units_own_threshold_wins_over_the_setting_and_the_nearest_unit_wins(tree, settings):
    settings.PROPOSALS_THRESHOLD = 7
    assert selectors.threshold_for(tree["branch_a"]) == 7
    ProposalThreshold.objects.create(unit=tree["union_a"], supporters=3)
    assert selectors.threshold_for(tree["branch_a"]) == 3
    ProposalThreshold.objects.create(unit=tree["branch_a"], supporters=2)
    assert selectors.threshold_for(tree["branch_a"]) == 2
    assert selectors.threshold_for(tree["union_b"]) == 7


def test_an_officer_turns_a_proposal_into_an_activity_draft_and_everyone_is_told(worker, other_worker, officer):
    proposal = factories.proposal(worker)
    services.proposal_sign(proposal=proposal, member=other_worker)
    activity = services.proposal_draft(proposal=proposal, by=officer, answer="好主意，体育馆已经约好。")
    assert (activity.title, activity.status, activity.unit, activity.category) == (
        "职工羽毛球友谊赛",
        Activity.Status.DRAFT,
        proposal.unit,
        "culture_sport",
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.activity, proposal.decided_by) == (Proposal.State.DRAFTED, activity, officer)
    told = Notification.objects.filter(template="proposal-decided")
    assert set(told.values_list("to_email", flat=True)) == {worker.contact_email, other_worker.contact_email}
    assert "体育馆已经约好" in told.first().body_text


def test_declining_needs_a_reason_which_proposer_and_co_signers_read(worker, other_worker, officer):
    proposal = factories.proposal(worker)
    services.proposal_sign(proposal=proposal, member=other_worker)
    with pytest.raises(ValidationError):
        services.proposal_decline(proposal=proposal, by=officer, answer="  ")
    services.proposal_decline(proposal=proposal, by=officer, answer="今年经费已用完，明年再议。")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.DECLINED
    assert Notification.objects.filter(template="proposal-decided").count() == 2
    assert not Activity.objects.exists()


def test_a_decided_proposal_takes_no_more_co_signers_nor_a_second_decision(worker, other_worker, officer):
    proposal = factories.proposal(worker)
    services.proposal_decline(proposal=proposal, by=officer, answer="不办。")
    with pytest.raises(ValidationError):
        services.proposal_sign(proposal=proposal, member=other_worker)
    with pytest.raises(ValidationError):
        services.proposal_draft(proposal=proposal, by=officer)


def test_an_officer_of_another_union_does_not_decide(worker, sibling_officer):
    proposal = factories.proposal(worker)
    with pytest.raises(PermissionDenied):
        services.proposal_draft(proposal=proposal, by=sibling_officer)
    with pytest.raises(PermissionDenied):
        services.proposal_decline(proposal=proposal, by=sibling_officer, answer="不办")


def test_a_members_proposals_are_in_their_data_and_erasure_keeps_the_text(worker, other_worker, chair):
    proposal = factories.proposal(worker)
    services.proposal_sign(proposal=proposal, member=other_worker)
    assert services.member_proposals_data(worker)["proposed"][0]["title"] == "职工羽毛球友谊赛"
    assert services.member_proposals_data(other_worker)["co_signed"][0]["title"] == "职工羽毛球友谊赛"
    services.member_proposals_erase(other_worker, chair)
    services.member_proposals_erase(worker, chair)
    proposal.refresh_from_db()
    assert (proposal.proposer, proposal.supporter_count, proposal.supports.count()) == (None, 0, 0)
