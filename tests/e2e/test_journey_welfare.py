"""Journey 3: hardship aid with an attachment, assigned, more information asked and given, approved within the cap."""

from decimal import Decimal

from tests.e2e.conftest import JOURNEY, give_authenticator, log_in
from tests.welfare import factories, files
from welfare.models import WelfareRequest

pytestmark = JOURNEY

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
S = WelfareRequest.State


def test_a_worker_gets_hardship_aid_after_sending_the_information_the_officer_asked_for(
    journey, worker, welfare_officer, mailoutbox
):
    # Hardship aid: standard ¥2000, at most ¥5000 a year, the chair decides above ¥3000.
    factories.scheme("hardship", standard="2000", cap="5000", threshold="3000")
    me = journey.person("worker")
    log_in(me, worker.user.email, PASSWORD)
    me.check("profile")
    me.tab("/welfare/")
    me.check("my-requests")
    me.click("main a[href='/welfare/new/']")
    me.check("choose-type")
    me.click("main a[href='/welfare/new/hardship/']")
    me.check("hardship-form")
    form = me.main.locator("form[enctype='multipart/form-data']")
    form.locator("textarea[name=description]").fill("丈夫住院三个月，家里只有我一份工资，孩子下学期的学费交不上。")
    form.locator("input[name=amount_requested]").fill("2000")
    form.locator("input[name=sensitivity][value=normal]").check()
    form.locator("input[name=attachments]").set_input_files(
        [{"name": "住院证明.pdf", "mimeType": "application/pdf", "buffer": files.PDF}]
    )
    me.submit("form[enctype='multipart/form-data']")
    me.check("submitted")
    request = WelfareRequest.objects.get(member=worker)
    assert request.attachments.get().original_name == "住院证明.pdf"

    # A welfare officer, with their second factor, takes the case and asks for the wage slip.
    clerk = journey.person("officer")
    log_in(clerk, welfare_officer.email, PASSWORD, totp_secret=give_authenticator(welfare_officer))
    clerk.check("admin-index")
    clerk.goto("/admin/welfare/welfarerequest/")
    clerk.check("requests")
    clerk.click(f"#result_list a[href*='/admin/welfare/welfarerequest/{request.pk}/change/']")
    clerk.check("request")
    clerk.submit(f"form[action$='/{request.pk}/assign-me/']")
    clerk.check("assigned")
    for to, note in ((S.IN_REVIEW, ""), (S.NEEDS_INFO, "请上传丈夫的住院费用清单和你最近三个月的工资条。")):
        clerk.click(f"a.wf-move-{to}")
        clerk.check(f"move-{to}")
        if note:
            clerk.main.locator("textarea[name=note]").fill(note)
        clerk.submit("form[method=post]", button="[type=submit]")
        clerk.check(f"moved-{to}")
    request.refresh_from_db()
    assert (request.state, request.assigned_to) == (S.NEEDS_INFO, welfare_officer)

    # The worker answers with the documents; the request goes back to review.
    me.goto(f"/welfare/{request.pk}/")
    me.check("needs-info")
    reply = me.main.locator(f"form[action='/welfare/{request.pk}/reply/']")
    reply.locator("textarea[name=body]").fill("已上传费用清单和工资条。")
    reply.locator("input[name=attachments]").set_input_files(
        [{"name": "工资条.png", "mimeType": "image/png", "buffer": files.png_bytes()}]
    )
    me.submit(f"form[action='/welfare/{request.pk}/reply/']")
    me.check("answered")
    request.refresh_from_db()
    assert request.state == S.IN_REVIEW

    # The officer approves ¥2000: within the yearly cap, below the chair's threshold.
    clerk.goto(f"/admin/welfare/welfarerequest/{request.pk}/change/")
    clerk.check("request-answered")
    clerk.click(f"a.wf-move-{S.APPROVED}")
    clerk.check("decide")
    clerk.main.locator("input[name=granted_amount]").fill("2000")
    clerk.main.locator("textarea[name=note]").fill("符合困难帮扶条件，按标准发放。")
    clerk.submit("form[method=post]", button="[type=submit]")
    clerk.check("approved")
    request.refresh_from_db()
    assert (request.state, request.granted_amount) == (S.APPROVED, Decimal("2000"))

    # The worker sees the whole story, and got an e-mail at each step.
    me.goto(f"/welfare/{request.pk}/")
    me.check("timeline")
    story = me.main.locator("ol.timeline").inner_text()
    assert "请上传丈夫的住院费用清单" in story and "已上传费用清单和工资条" in story and "符合困难帮扶条件" in story
    mails = [m for m in mailoutbox if m.to == [worker.user.email]]
    assert len(mails) >= 4  # received, in review, needs information, approved
    assert request.reference in mails[-1].subject or request.reference in mails[-1].body
