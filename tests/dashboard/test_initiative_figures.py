"""The dashboard counts proposals waiting for a decision and open surveys, in the officer's part of the tree."""

from django.urls import reverse

from proposals import services
from tests.proposals import factories as proposal_factories
from tests.surveys import factories as survey_factories


def test_the_dashboard_counts_proposals_past_the_threshold_and_open_surveys(
    client, officer, worker, other_worker, outsider, tree, chair, settings
):
    from allauth.mfa.models import Authenticator

    settings.PROPOSALS_THRESHOLD = 1
    waiting = proposal_factories.proposal(worker, title="甲厂羽毛球赛")
    services.proposal_sign(proposal=waiting, member=other_worker)
    proposal_factories.proposal(other_worker, title="甲厂读书会")
    proposal_factories.proposal(outsider, title="乙厂的提议")
    survey_factories.survey(unit=tree["union_a"], by=chair)
    survey_factories.survey(unit=tree["union_b"], by=chair)
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={})
    client.force_login(officer)
    response = client.get(reverse("admin:index"))
    panels = {panel.title: {f.label: f.count for f in panel.figures} for panel in response.context["panels"]}
    proposals = next(figures for title, figures in panels.items() if "提议" in str(title) or "Proposal" in str(title))
    assert sorted(proposals.values()) == [1, 1]
    surveys = next(figures for title, figures in panels.items() if "调查" in str(title) or "survey" in str(title))
    assert sorted(surveys.values()) == [0, 1]
