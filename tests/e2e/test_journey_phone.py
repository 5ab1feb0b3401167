"""Journey: a new worker signs up with a mobile number, reads the texted code (var/sms/, the file
back-end of ``make run``), applies for membership and gets the approval by text."""

import re
from pathlib import Path

from members import services as member_services
from members.models import Member, User
from tests.e2e.conftest import JOURNEY

pytestmark = JOURNEY

PASSWORD = "Gongren-2026!"


def texts_to(folder: Path, phone: str) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob(f"*-{phone.lstrip('+')}.txt"))]


def test_a_new_worker_signs_up_with_a_mobile_number_and_gets_the_approval_by_text(
    journey, tree, officer, settings, tmp_path
):
    settings.SMS_BACKEND = "notifications.sms.filebased.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    phone = f"+86139001380{len(journey.viewport):02d}"
    worker = journey.person("worker")

    worker.goto("/accounts/signup/")
    worker.check("signup")
    worker.main.locator("input[name=phone]").fill(phone.removeprefix("+86"))
    worker.main.locator("input[name=password1]").fill(PASSWORD)
    worker.main.locator("input[name=password2]").fill(PASSWORD)
    worker.submit("form[action*='signup']")
    assert "/accounts/phone/verify/" in worker.page.url
    worker.check("verify-phone")

    # The code, as the file back-end wrote the text.
    [text] = texts_to(settings.SMS_FILE_PATH, phone)
    assert "【职工之家】你的验证码是" in text
    code = re.search(r"验证码是(\d{6})", text).group(1)
    worker.main.locator("input[name=code]").fill(code)
    worker.submit("form[action*='phone/verify']")
    assert worker.page.url.endswith("/me/profile/new/")
    worker.check("profile-new")
    user = User.objects.get(phone=phone)
    assert user.phone_verified and user.email is None

    form = worker.main.locator("form")
    form.locator("input[name=name]").fill("陈建国")
    form.locator("select[name=gender]").select_option("M")
    form.locator("input[name=date_of_birth]").fill("1979-11-20")
    form.locator("input[name=unit]").fill("甲厂工会 / 甲厂一车间")  # a suggestion of the unit picker
    form.locator("input[name=consent]").check()
    worker.submit()
    assert worker.page.url.endswith("/me/")
    worker.check("profile")
    assert "短信" in worker.main.inner_text()  # reached by text: no address

    worker.submit("form[action='/me/apply/']")
    worker.check("applied")
    member = Member.objects.get(user=user)
    assert member.status == Member.Status.APPLICANT

    # The officer approves (their back-office journey is journey 1); the worker gets a text.
    member_services.membership_approve(member=member, by=officer)
    member.refresh_from_db()
    welcome = texts_to(settings.SMS_FILE_PATH, phone)[-1]
    assert "入会已批准" in welcome and member.membership_number in welcome
    link = re.search(r"(/s/\w+)", welcome).group(1)
    worker.goto(link)  # the short link leads to the member card
    assert worker.page.url.endswith("/me/card/")
    worker.check("card")
