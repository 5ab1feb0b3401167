"""Journey 2: the March 8 hike for women workers: eligibility, a full hike, the waiting list, a promotion."""

from activities.models import Activity, Registration
from tests.activities.factories import ActivityFactory
from tests.e2e.conftest import JOURNEY, log_in
from tests.factories import ActiveMemberFactory

pytestmark = JOURNEY

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
R = Registration.Status


def test_women_sign_up_for_the_march_8_hike_a_man_sees_why_not_and_the_waiting_list_moves_up(
    journey, tree, worker, other_worker, mailoutbox
):
    hike = ActivityFactory(
        unit=tree["union_a"],
        title="三八节女职工登山",
        category=Activity.Category.CULTURE_SPORT,
        place="凤凰山",
        capacity=1,
        waiting_list=True,
        gender="F",
    )
    man = ActiveMemberFactory(unit=tree["branch_a"], name="张伟", gender="M")
    detail = f"/activities/{hike.pk}/"

    # 李娟 finds the hike in the list and takes the only place.
    first = journey.person("first-woman")
    log_in(first, worker.user.email, PASSWORD)
    first.check("profile")
    first.tab("/activities/")
    first.check("activities")
    first.click(f"main a[href='{detail}']")
    first.check("hike")
    first.submit(f"form[action='{detail}signup/']")
    first.check("signed-up")
    assert Registration.objects.get(activity=hike, member=worker).status == R.CONFIRMED

    # A man sees why he cannot sign up, and no button to do it.
    him = journey.person("man")
    log_in(him, man.user.email, PASSWORD)
    him.check("profile")
    him.goto(detail)
    him.check("not-eligible")
    assert him.main.locator(".notice li").count() >= 1
    assert him.main.locator(f"form[action='{detail}signup/']").count() == 0

    # 王芳 finds it full and joins the waiting list.
    second = journey.person("second-woman")
    log_in(second, other_worker.user.email, PASSWORD)
    second.check("profile")
    second.goto(detail)
    second.check("hike-full")
    second.submit(f"form[action='{detail}signup/']")
    second.check("waiting")
    assert Registration.objects.get(activity=hike, member=other_worker).status == R.WAITING

    # 李娟 cancels; 王芳 is promoted at once and told by e-mail.
    first.goto(detail)
    first.check("hike-again")
    first.submit(f"form[action='{detail}cancel/']")
    first.check("cancelled")
    assert Registration.objects.get(activity=hike, member=other_worker).status == R.CONFIRMED
    assert any(m.to == [other_worker.user.email] and hike.title in (m.subject + m.body) for m in mailoutbox)
    second.goto(detail)
    second.check("promoted")
    assert second.main.locator(f"form[action='{detail}cancel/']").count() == 1
