"""The worker's pages and the officer's decision page."""

from django.urls import reverse

from activities.models import Activity
from proposals import services
from proposals.models import Proposal
from tests.proposals import factories


def test_a_worker_proposes_from_the_phone_form(client, worker, tree):
    client.force_login(worker.user)
    form = client.get(reverse("proposals:submit")).content.decode()
    assert "甲厂工会" in form and "乙厂工会" not in form
    response = client.post(
        reverse("proposals:submit"),
        {
            "title": "午间读书角",
            "description": "休息室放个书架。",
            "when": "每月一次",
            "unit": tree["branch_a"].pk,
            "category": "learning",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()


def test_a_huge_or_foreign_proposal_is_a_form_error(client, worker, tree):
    client.force_login(worker.user)
    data = {"title": "长" * 10_000, "description": "x", "when": "x", "unit": tree["union_b"].pk, "category": "nope"}
    assert client.post(reverse("proposals:submit"), data).status_code == 200
    assert not Proposal.objects.exists()


def test_a_colleague_co_signs_from_the_proposal_page(client, worker, other_worker):
    proposal = factories.proposal(worker)
    client.force_login(other_worker.user)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "职工羽毛球友谊赛" in page
    client.post(reverse("proposals:sign", args=[proposal.pk]))
    client.post(reverse("proposals:sign", args=[proposal.pk]))  # a double click
    proposal.refresh_from_db()
    assert proposal.supporter_count == 1
    listing = client.get(reverse("proposals:list")).content.decode()
    assert "co-signed ✓" in listing or "已联署" in listing


def test_the_proposer_and_co_signers_read_the_unions_answer(client, worker, other_worker, officer):
    proposal = factories.proposal(worker)
    services.proposal_sign(proposal=proposal, member=other_worker)
    services.proposal_decline(proposal=proposal, by=officer, answer="今年经费已用完，明年再议。")
    for member in (worker, other_worker):
        client.force_login(member.user)
        assert "今年经费已用完" in client.get(proposal.get_absolute_url()).content.decode()


def test_the_officer_turns_it_into_a_draft_on_the_review_page(staff_client, worker, officer):
    proposal = factories.proposal(worker)
    client = staff_client(officer)
    assert "职工羽毛球友谊赛" in client.get(reverse("proposals:review", args=[proposal.pk])).content.decode()
    response = client.post(reverse("proposals:review", args=[proposal.pk]), {"decision": "draft", "answer": ""})
    activity = Activity.objects.get()
    assert response["Location"] == reverse("proposals:review", args=[proposal.pk])
    page = client.get(response["Location"]).content.decode()
    assert reverse("admin:activities_activity_change", args=[activity.pk]) in page


def test_declining_without_a_reason_is_refused_on_the_page(staff_client, worker, officer):
    proposal = factories.proposal(worker)
    response = staff_client(officer).post(reverse("proposals:review", args=[proposal.pk]), {"decision": "decline"})
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.is_open


def test_the_admin_lists_only_the_officers_part_of_the_tree(staff_client, worker, outsider, officer, sibling_officer):
    factories.proposal(worker, title="甲厂的提议")
    factories.proposal(outsider, title="乙厂的提议")
    page = staff_client(officer).get(reverse("admin:proposals_proposal_changelist")).content.decode()
    assert "甲厂的提议" in page and "乙厂的提议" not in page
    page = staff_client(sibling_officer).get(reverse("admin:proposals_proposal_changelist")).content.decode()
    assert "乙厂的提议" in page and "甲厂的提议" not in page


def test_the_proposal_list_runs_the_same_queries_for_twice_the_proposals(client, worker, make_members):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    others = make_members(4)
    client.force_login(worker.user)

    def add(n):
        for i in range(n):
            proposal = factories.proposal(others[i % 4], title=f"提议{i}")
            services.proposal_sign(proposal=proposal, member=worker)
            factories.proposal(worker, title=f"我的提议{i}")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("proposals:list")).status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(2)
    assert count() == few
