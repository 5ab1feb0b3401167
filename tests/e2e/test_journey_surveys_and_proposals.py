"""Journey: a worker answers a needs survey and co-signs a colleague's proposal;
past the threshold the officer turns the proposal into an activity draft."""

from activities.models import Activity
from proposals.models import Proposal, ProposalThreshold
from surveys.models import SurveyRespondent, SurveyResponse
from tests.e2e.conftest import JOURNEY, give_authenticator, log_in
from tests.proposals import factories as proposal_factories
from tests.surveys import factories as survey_factories

pytestmark = JOURNEY

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's


def test_a_worker_answers_a_survey_and_co_signs_and_the_officer_makes_a_draft(
    journey, worker, other_worker, officer, chair
):
    survey = survey_factories.survey(unit=worker.union, by=chair, anonymous=True)
    proposal = proposal_factories.proposal(other_worker)
    ProposalThreshold.objects.create(unit=worker.union, supporters=1)

    person = journey.person("worker")
    log_in(person, worker.user.email, PASSWORD)
    person.check("profile")
    person.from_home("/proposals/")
    person.check("proposals")
    person.click("main a[href='/surveys/']")
    person.check("surveys")
    person.click(f"main a[href='/surveys/{survey.pk}/']")
    person.check("survey-form")
    form = person.main.locator("form")
    form.get_by_label("周六上午").check()
    form.get_by_label("登山徒步").check()
    form.locator("textarea").fill("希望能带家属一起去。")
    person.submit()
    person.check("survey-answered")
    response = SurveyResponse.objects.get(survey=survey)
    assert response.member_id is None and SurveyRespondent.objects.filter(survey=survey).count() == 1

    person.click("main a[href='/proposals/']")
    person.check("proposals-again")
    person.click(f"main a[href='/proposals/{proposal.pk}/']")
    person.check("proposal")
    person.submit(f"form[action='/proposals/{proposal.pk}/sign/']")
    person.check("co-signed")
    proposal.refresh_from_db()
    assert proposal.supporter_count == 1 and proposal.threshold_reached_at is not None

    clerk = journey.person("officer")
    log_in(clerk, officer.email, PASSWORD, totp_secret=give_authenticator(officer))
    clerk.check("admin-index")
    clerk.goto("/admin/proposals/proposal/?past=yes")
    clerk.check("proposal-changelist")
    clerk.click(f"#result_list a[href='/proposals/{proposal.pk}/review/']")
    clerk.check("review")
    clerk.main.locator("input[name=decision][value=draft]").check()
    clerk.main.locator("textarea[name=answer]").fill("好主意！体育馆已经约好，下周发布报名。")
    clerk.submit("form[method=post]")
    clerk.check("decided")
    assert clerk.main.locator("a[href*='/admin/activities/activity/']").count() == 1
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.DRAFTED
    assert Activity.objects.get(pk=proposal.activity_id).status == Activity.Status.DRAFT

    person.goto(f"/proposals/{proposal.pk}/")
    person.check("answer-read")
    assert "体育馆已经约好" in person.main.inner_text()
