"""allauth's pages and mails in the portal's voice (issue 16 item 4): Chinese, 你, the union's
name as sender, a Chinese password error, a verification page that can send the mail again."""

import re
from datetime import datetime
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from members.models import User

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# Every mail allauth can send (account and second factor), by its template prefix.
MAILS = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_subject.txt")
    for folder in ("account/email", "mfa/email")
    for path in (ALLAUTH_TEMPLATES / folder).glob("*_subject.txt")
)
# What a mail's context puts in (addresses, links, codes): not the template's own words.
CONTEXT = {
    "email": "13800000001@163.com",
    "from_email": "12345@qq.com",
    "to_email": "67890@qq.com",
    "deleted_email": "24680@qq.com",
    "activate_url": "http://127.0.0.1:8000/accounts/confirm-email/abc/",
    "password_reset_url": "http://127.0.0.1:8000/accounts/password/reset/key/1-abc/",
    "signup_url": "http://127.0.0.1:8000/accounts/signup/",
    "code": "123456",
    "key": "abc",
    "ip": "10.0.0.1",
    "user_agent": "Mozilla/5.0",
    "timestamp": datetime(2026, 5, 1, 9, 30, tzinfo=timezone.get_current_timezone()),
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def _render(prefix: str, language: str, **extra):
    context = {**CONTEXT, "union_name": settings.UNION_NAME, "union_contact": settings.UNION_CONTACT, **extra}
    with translation.override(language):
        return get_adapter().render_mail(prefix, CONTEXT["email"], context)


def _own_words(text: str, **extra) -> str:
    """The mail without what the context put in (addresses, links, the union's contact)."""
    values = [str(v) for v in {**CONTEXT, **extra}.values()] + [str(v) for v in settings.UNION_CONTACT.values()]
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, "")
    return re.sub(r"\d{4}年\d{1,2}月\d{1,2}日 ?\d{1,2}:\d{2}", "", text)


def test_the_list_of_allauth_mails_is_complete():
    assert {"account/email/email_confirmation", "account/email/password_reset_key"} <= set(MAILS)
    assert {"account/email/unknown_account", "account/email/account_already_exists"} <= set(MAILS)


@pytest.mark.parametrize("prefix", MAILS)
def test_every_allauth_mail_is_our_own_template(prefix):
    for part in ("subject", "message"):
        origin = get_template(f"{prefix}_{part}.txt").origin.name
        assert origin.startswith(str(settings.BASE_DIR / "templates")), origin


@pytest.mark.parametrize("prefix", MAILS)
def test_every_allauth_mail_is_in_chinese_with_ni_and_signed_by_the_union(prefix, settings):
    settings.UNION_NAME = "甲市总工会"
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "【甲市总工会】"

    message = _render(prefix, "zh-hans")

    assert message.subject.startswith("【甲市总工会】")
    assert message.body.startswith("你好！")
    assert message.body.rstrip().endswith("甲市总工会")
    for text in (message.subject, message.body):
        assert "您" not in text
        assert ENGLISH_WORD.findall(_own_words(text)) == [], text


@pytest.mark.parametrize("prefix", MAILS)
def test_the_mails_read_in_english_for_who_chose_english_without_the_stock_greeting(prefix):
    message = _render(prefix, "en")

    assert message.body.startswith("Hello,")
    assert "Hello from" not in message.body and "127.0.0.1:8000!" not in message.body


def test_the_verification_mail_a_new_worker_gets_comes_from_the_union(
    db, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "new.worker@example.cn", "password1": "Gongren-2026!", "password2": "Gongren-2026!"},
        )

    [mail] = mailoutbox
    assert mail.from_email.startswith(settings.UNION_NAME)
    assert mail.subject == f"【{settings.UNION_NAME}】请验证你的邮箱"
    assert mail.body.startswith("你好！")
    assert "Hello" not in mail.body and "您" not in mail.body
    assert settings.UNION_CONTACT["phone"] in mail.body


@pytest.mark.django_db
def test_a_short_password_gets_a_chinese_message_at_sign_up(client):
    response = client.post(
        reverse("account_signup"), {"email": "new.worker@example.cn", "password1": "a1!", "password2": "a1!"}
    )

    errors = response.context["form"].errors["password1"]
    assert "密码太短了，至少要 8 个字符。" in errors
    assert [e for e in errors if ENGLISH_WORD.search(e)] == []
    assert "This password is too short" not in response.content.decode()


@pytest.mark.parametrize("password", ["a1!", "12345678", "password", "new.worker2026"])
def test_every_password_rule_speaks_chinese(db, password):
    user = User(email="new.worker2026@example.cn")
    messages = []
    with translation.override("zh-hans"):
        for validator in get_default_password_validators():
            try:
                validator.validate(password, user)
            except ValidationError as exc:
                messages += exc.messages
    assert messages
    assert [m for m in messages if ENGLISH_WORD.search(m) or "您" in m] == []


def test_the_verification_page_sends_the_mail_again(db, client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "new.worker@example.cn", "password1": "Gongren-2026!", "password2": "Gongren-2026!"},
            follow=True,
        )
    page = response.content.decode()
    assert "new.worker@example.cn" in page
    assert f'action="{reverse("members:verification-resend")}"' in page
    assert "重新发送邮件" in page
    assert settings.UNION_CONTACT["phone"] in page
    assert "您" not in page and "Email" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:verification-resend"), follow=True)

    assert "邮件已重新发送" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["new.worker@example.cn"], ["new.worker@example.cn"]]
    links = [re.search(r"/accounts/confirm-email/\S+/", m.body).group(0) for m in mailoutbox]
    assert client.post(links[1]).status_code == 302
    assert User.objects.get(email="new.worker@example.cn").emailaddress_set.get().verified


def test_sending_again_is_rate_limited_for_any_address(db, client, mailoutbox, settings):
    settings.ACCOUNT_RATE_LIMITS = {"confirm_email": "1/3m/key"}
    session = client.session
    session["members_verification_email"] = "nobody@example.cn"
    session.save()

    client.post(reverse("members:verification-resend"))
    response = client.post(reverse("members:verification-resend"), follow=True)

    assert "三分钟内已经发过一封了" in response.content.decode()
    assert mailoutbox == []


def test_a_taken_address_gets_the_same_page_and_button(client, worker, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": worker.user.email, "password1": "Gongren-2026!", "password2": "Gongren-2026!"},
            follow=True,
        )
        client.post(reverse("members:verification-resend"))

    assert "重新发送邮件" in response.content.decode()
    assert [m.subject for m in mailoutbox] == [f"【{settings.UNION_NAME}】这个邮箱已经注册过了"] * 2


def test_the_password_reset_pages_name_the_union_office(db, client):
    page = client.get(reverse("account_reset_password")).content.decode()

    assert "请联系工会办公室" in page and settings.UNION_CONTACT["email"] in page
    assert "您" not in page


def test_the_second_factor_pages_an_officer_meets_speak_chinese_with_ni(client, officer):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.pagetext import english_words, visible_text

    client.force_login(officer)
    activate = client.post(
        reverse("account_reauthenticate") + f"?next={reverse('mfa_activate_totp')}",
        {"password": "pass-word-123"},
        follow=True,
    )
    TOTP.activate(officer, generate_totp_secret())
    manage = client.get(reverse("mfa_index"))
    client.logout()
    authenticate = client.post(
        reverse("account_login"), {"login": officer.email, "password": "pass-word-123"}, follow=True
    )

    texts = [visible_text(r.content.decode()) for r in (activate, manage, authenticate)]
    assert "请用身份验证器应用扫描下面的二维码" in texts[0]
    assert "你的账号已开启两步验证" in texts[2]
    for text in texts:
        assert "您" not in text and english_words(text) == [], text
