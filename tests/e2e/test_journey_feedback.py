"""Journey 4: anonymous feedback, a follow-up code, a published answer, support from another member."""

from playwright.sync_api import expect

from feedback.models import Feedback, FeedbackSupport
from tests.e2e.conftest import JOURNEY, give_authenticator, log_in

pytestmark = JOURNEY

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
TITLE = "夜班食堂没有热饭"
ANSWER = "从下周一起，夜班食堂供应热饭到凌晨一点。"


def test_anonymous_feedback_is_answered_on_the_board_read_with_the_code_and_supported(
    journey, worker, other_worker, officer
):
    author = journey.person("author")
    log_in(author, worker.user.email, PASSWORD)
    author.check("profile")
    author.tab("/feedback/")
    author.check("board")
    author.click("main a[href='/feedback/new/']")
    author.check("new-feedback")
    form = author.main.locator("form")
    form.locator("select[name=category]").select_option("canteen")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=body]").fill("夜班工人凌晨只能吃泡面，希望食堂留一个窗口供应热饭。")
    form.locator("input[name=anonymous]").check()
    author.submit()
    author.check("follow-up-code")
    code = author.main.locator(".followup-code strong").inner_text().strip()
    # One tap copies the code, so it can be pasted into a note only the author reads.
    author.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=journey.live_server.url)
    author.main.get_by_role("button", name="复制查询码").click()
    expect(author.main.locator("#copy-status")).to_contain_text("已复制")
    assert author.page.evaluate("navigator.clipboard.readText()") == code
    item = Feedback.objects.get(title=TITLE)
    # Nothing in the row says who wrote it.
    assert item.anonymous and item.author_id is None

    # An officer, with their second factor, answers and publishes it.
    clerk = journey.person("officer")
    log_in(clerk, officer.email, PASSWORD, totp_secret=give_authenticator(officer))
    clerk.check("admin-index")
    clerk.goto("/admin/feedback/feedback/")
    clerk.check("feedback-list")
    clerk.click(f"#result_list a[href*='/admin/feedback/feedback/{item.pk}/change/']")
    clerk.check("feedback-item")
    clerk.click(f"a[href$='/admin/feedback/feedback/{item.pk}/answer/']")
    clerk.check("answer")
    clerk.main.locator("input[name=how][value=publish]").check()
    clerk.main.locator("textarea[name=text]").fill(ANSWER)
    clerk.submit("form[method=post]", button="input[type=submit]")
    clerk.check("answered")
    item.refresh_from_db()
    assert item.published and item.official_answer == ANSWER

    # The author reads the answer with the code, on another device, without logging in.
    reader = journey.person("author-with-code")
    reader.goto("/feedback/follow-up/")
    reader.check("follow-up")
    reader.main.locator("input[name=code]").fill(code)
    reader.submit("form[action='/feedback/follow-up/']")
    reader.check("follow-up-answer")
    assert ANSWER in reader.main.inner_text()

    # Another member of the union supports it on the board.
    colleague = journey.person("colleague")
    log_in(colleague, other_worker.user.email, PASSWORD)
    colleague.check("profile")
    colleague.goto("/feedback/")
    colleague.check("board")
    assert TITLE in colleague.main.inner_text()
    colleague.submit(f"form[action='/feedback/{item.pk}/support/']")
    colleague.check("supported")
    assert (
        colleague.main.locator(f"form[action='/feedback/{item.pk}/support/'] button").get_attribute("aria-pressed")
        == "true"
    )
    assert FeedbackSupport.objects.filter(feedback=item, member=other_worker).count() == 1
