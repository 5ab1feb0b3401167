"""Journey: a grant under public notice (公示); a colleague objects on their phone, the chair decides,
and the worker says how she would like the union to visit her."""

from care import services as care_services
from notices.models import Objection
from tests.e2e.conftest import JOURNEY, give_authenticator, log_in
from tests.notices.factories import approved_grant, open_now, rule

pytestmark = JOURNEY

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
REASON = "据我了解，她家里的情况已经好转，建议再核实一下。"
DECISION = "已入户核实，家庭困难情况属实，维持发放。"


def test_a_colleague_objects_to_a_notice_and_the_chair_decides(journey, worker, other_worker, officer, chair):
    rule("hardship", days=5)
    notice = open_now(approved_grant(worker, officer).notice)

    colleague = journey.person("colleague")
    log_in(colleague, other_worker.user.email, PASSWORD)
    colleague.check("profile")
    colleague.from_home("/notices/")
    colleague.check("board")
    board = colleague.main.inner_text()
    assert "李**" in board and "李娟" not in board
    colleague.click(f"main a[href='/notices/{notice.pk}/']")
    colleague.check("notice")
    colleague.main.locator("textarea[name=reason]").fill(REASON)
    colleague.submit(f"form[action='/notices/{notice.pk}/object/']")
    colleague.check("objected")
    objection = Objection.objects.get(notice=notice, member=other_worker)
    assert objection.state == Objection.State.PENDING

    chair_person = journey.person("chair")
    log_in(chair_person, chair.email, PASSWORD, totp_secret=give_authenticator(chair))
    chair_person.check("admin-index")
    chair_person.goto(f"/admin/notices/grantnotice/{notice.pk}/change/")
    chair_person.check("notice-admin")
    chair_person.click(f"a[href='/notices/objections/{objection.pk}/decide/']")
    chair_person.check("decide")
    chair_person.main.locator("input[name=decision][value=dismiss]").check()
    chair_person.main.locator("textarea[name=reason]").fill(DECISION)
    chair_person.submit("form[method=post]")
    chair_person.check("decided")
    objection.refresh_from_db()
    assert objection.state == Objection.State.DISMISSED and objection.decision_reason == DECISION


def test_a_worker_says_how_she_would_like_to_be_visited(journey, worker, officer):
    case = care_services.case_open(member=worker, kind="hospital", about="婆婆", by=officer, reason="住院")
    person = journey.person("worker")
    log_in(person, worker.user.email, PASSWORD)
    person.check("profile")
    person.goto("/care/")
    person.check("visits")
    person.click(f"main a[href='/care/{case.pk}/']")
    person.check("visit")
    person.main.locator("input[name=wish][value=hospital]").check()
    person.main.locator("input[name=note]").fill("3 号楼 12 床，下午方便")
    person.submit("form[method=post]")
    person.check("wish-saved")
    case.refresh_from_db()
    assert case.wish == "hospital"
