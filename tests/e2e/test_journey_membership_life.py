"""Journey: an officer suspends a member and restores them, then transfers another to a union that accepts."""

from members.models import Member, MembershipTransfer
from tests.e2e.conftest import JOURNEY, give_authenticator, log_in

pytestmark = JOURNEY

OFFICER_PASSWORD = "pass-word-123"


def test_an_officer_suspends_and_restores_a_member_and_the_worker_sees_it(journey, worker, officer, mailoutbox):
    worker.user.set_password("Gongren-2026!")
    worker.user.save()
    clerk = journey.person("officer")
    log_in(clerk, officer.email, OFFICER_PASSWORD, totp_secret=give_authenticator(officer))
    clerk.check("admin-index")
    clerk.goto(f"/admin/members/member/{worker.pk}/change/")
    clerk.check("member")
    clerk.click(f"a[href$='/admin/members/member/{worker.pk}/door/suspend/']")
    clerk.check("suspend-form")
    clerk.main.locator("textarea[name=reason]").fill("连续三个月未参加小组活动，经委员会研究暂停会籍。")
    clerk.submit("form", button="input[type=submit]")
    clerk.check("suspended")
    worker.refresh_from_db()
    assert worker.status == Member.Status.SUSPENDED

    clerk.click(f"a[href$='/admin/members/member/{worker.pk}/door/restore/']")
    clerk.check("restore-form")
    clerk.main.locator("textarea[name=reason]").fill("已说明情况，恢复会籍。")
    clerk.submit("form", button="input[type=submit]")
    clerk.check("restored")
    worker.refresh_from_db()
    assert worker.status == Member.Status.ACTIVE
    assert [e.to_state for e in worker.events.order_by("at", "id")] == ["suspended", "active"]
    assert sum(m.to == ["worker@example.cn"] for m in mailoutbox) == 2

    # The worker reads both changes and their reasons on their profile.
    member = journey.person("worker")
    log_in(member, "worker@example.cn", "Gongren-2026!")
    member.goto("/me/")
    member.check("profile")
    assert "暂停会籍" in member.main.inner_text() and "恢复会籍" in member.main.inner_text()


def test_an_officer_transfers_a_member_and_the_receiving_union_accepts(journey, worker, officer, sibling_officer, tree):
    clerk = journey.person("officer")
    log_in(clerk, officer.email, OFFICER_PASSWORD, totp_secret=give_authenticator(officer))
    clerk.check("admin-index")
    clerk.goto(f"/admin/members/member/{worker.pk}/change/")
    clerk.check("member")
    clerk.click(f"a[href$='/admin/members/member/{worker.pk}/transfer/']")
    clerk.check("transfer-form")
    clerk.main.locator("select[name=to_union]").select_option(str(tree["union_b"].pk))
    clerk.main.locator("textarea[name=reason]").fill("调入乙厂工作，组织关系随转。")
    clerk.submit("form", button="input[type=submit]")
    clerk.check("transfer-asked")
    transfer = MembershipTransfer.objects.get()

    receiver = journey.person("receiving-officer")
    log_in(receiver, sibling_officer.email, OFFICER_PASSWORD, totp_secret=give_authenticator(sibling_officer))
    receiver.check("admin-index")
    receiver.goto("/admin/members/membershiptransfer/")
    receiver.check("transfers")
    receiver.click(f"#result_list a[href*='/admin/members/membershiptransfer/{transfer.pk}/change/']")
    receiver.check("transfer")
    receiver.click(f"a[href$='/admin/members/membershiptransfer/{transfer.pk}/accept/']")
    receiver.check("accept-form")
    receiver.main.locator("select[name=unit]").select_option(str(tree["branch_b"].pk))
    receiver.main.locator("input[name=employee_number]").fill("YB-0101")
    receiver.submit("form", button="input[type=submit]")
    receiver.check("accepted")

    worker.refresh_from_db()
    assert (worker.status, worker.unit, worker.employee_number) == (Member.Status.ACTIVE, tree["branch_b"], "YB-0101")
    # The old union's officer no longer finds the member, but keeps the transfer.
    clerk.goto("/admin/members/member/")
    clerk.check("members-after")
    assert worker.name not in clerk.main.inner_text()
    clerk.goto(f"/admin/members/membershiptransfer/{transfer.pk}/change/")
    clerk.check("transfer-kept")
