"""Journey 1: a new worker joins the union; an officer with a second factor approves."""

import re

from members.models import Member, User
from tests.e2e.conftest import JOURNEY, give_authenticator, log_in

pytestmark = JOURNEY

PASSWORD = "Gongren-2026!"


def test_a_new_worker_signs_up_applies_and_gets_a_membership_number_an_officer_approved(
    journey, tree, officer, mailoutbox
):
    email = f"zhang.min.{journey.viewport}@example.cn"
    worker = journey.person("worker")

    # The home page invites them to sign up.
    worker.goto("/")
    worker.check("home")
    worker.click("main a[href='/accounts/signup/']")
    worker.check("signup")
    worker.main.locator("input[name=email]").fill(email)
    worker.main.locator("input[name=password1]").fill(PASSWORD)
    worker.main.locator("input[name=password2]").fill(PASSWORD)
    worker.submit("form[action*='signup']")
    assert "/accounts/confirm-email/" in worker.page.url
    worker.check("verification-sent")
    # No mail yet? The page sends it again, to the same address.
    worker.submit("form[action='/me/verification/resend/']")
    worker.check("verification-sent-again")
    assert len([m for m in mailoutbox if m.to == [email]]) == 2

    # The verification mail (sent through the outbox) holds the link.
    mail = [m for m in mailoutbox if m.to == [email]][-1]
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.body).group(1)
    worker.goto(path)
    worker.check("confirm-email")
    # (The key in the form is signed afresh on each page, so match the address's start.)
    worker.submit("form[action^='/accounts/confirm-email/']")
    # Confirming in the same browser logs them in; they log out and in again like next morning.
    worker.log_out()
    worker.check("logged-out")
    log_in(worker, email, PASSWORD)

    # A worker without a profile is asked for one.
    assert worker.page.url.endswith("/me/profile/new/")
    worker.check("profile-new")
    # Beside the consent box, the notice they agree to; the optional mail is not ticked for them.
    notice = worker.main.locator("input[name=consent] ~ .help a").get_attribute("href")
    assert not worker.main.locator("input[name=wants_optional_mail]").is_checked()
    worker.goto(notice)
    worker.check("privacy")
    assert worker.page.locator("h1").inner_text() in ("个人信息保护说明", "Personal information protection notice")
    worker.goto("/me/profile/new/")
    form = worker.main.locator("form")
    form.locator("input[name=name]").fill("张敏")
    form.locator("select[name=gender]").select_option("F")
    form.locator("input[name=date_of_birth]").fill("1994-03-08")
    form.locator("input[name=phone]").fill("13800138000")
    form.locator("input[name=employee_number]").fill("JZ-0308")
    form.locator("input[name=unit]").fill("甲厂工会 / 甲厂一车间")  # a suggestion of the unit picker
    form.locator("input[name=job_title]").fill("装配工")
    form.locator("input[name=consent]").check()
    worker.submit()
    assert worker.page.url.endswith("/me/")
    worker.check("profile")

    worker.submit("form[action='/me/apply/']")
    worker.check("applied")
    member = Member.objects.get(user__email=email)
    assert member.status == Member.Status.APPLICANT

    # The officer logs in with their authenticator code and approves in the back office.
    secret = give_authenticator(officer)
    clerk = journey.person("officer")
    log_in(clerk, officer.email, "pass-word-123", totp_secret=secret)
    assert clerk.page.url.endswith("/admin/")
    clerk.check("admin-index")
    clerk.goto("/admin/members/member/?status__exact=applicant")
    clerk.check("applications")
    clerk.click(f"#result_list a[href*='/admin/members/member/{member.pk}/change/']")
    clerk.check("application")
    clerk.submit(f"form[action*='/admin/members/member/{member.pk}/approve/']")
    clerk.check("approved")

    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE
    assert member.membership_number
    assert any(m.to == [email] and member.membership_number in m.body for m in mailoutbox)

    # The worker sees their number and their card.
    worker.goto("/me/")
    worker.check("member")
    assert worker.main.locator(".membership-number").inner_text() == member.membership_number
    worker.click("main a[href='/me/card/']")
    worker.check("card")
    assert member.membership_number in worker.main.inner_text()
    assert worker.main.locator(".qr svg").is_visible()
    assert User.objects.get(email=email).member == member
