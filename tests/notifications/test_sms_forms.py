"""Every notification the portal sends has a text-message form: in the member's language, with
the signature and a short link, one segment (70 characters) in Chinese, counted when longer."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings

from care.models import CareCase
from notifications.services import render_sms
from notifications.shortlinks import collecting
from notifications.sms import sms_length, sms_segments

URL = "https://union.example.cn/welfare/requests/12345/"
TITLE = "二〇二六年职工春季健步走暨趣味运动会"  # longer than a text can hold: cut
WHEN = datetime(2026, 5, 2, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
CONTEXTS = {
    "activity-cancelled": {"title": TITLE, "activity_url": URL},
    "activity-confirmed": {"title": TITLE, "registration_url": URL},
    "activity-invitation": {"title": TITLE, "activity_url": URL},
    "activity-drawn": {"title": TITLE, "registration_url": URL},
    "activity-entered": {"title": TITLE, "registration_url": URL},
    "activity-not-drawn": {"title": TITLE, "registration_url": URL},
    "activity-promoted": {"title": TITLE, "registration_url": URL},
    "activity-reminder": {"title": TITLE, "starts_at": WHEN, "registration_url": URL},
    "activity-waiting": {"title": TITLE, "position": 12, "registration_url": URL},
    "activity-withdrawn": {"title": TITLE, "registration_url": URL},
    "feedback-answered": {"reference": "FK-2026-00042", "item_url": URL},
    "feedback-published": {"reference": "FK-2026-00042", "item_url": URL},
    "feedback-state": {"reference": "FK-2026-00042", "state_label": "处理中", "item_url": URL},
    "birthday-greeting": {"name": "欧阳建国"},
    "dues-reminder": {"months": [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)], "profile_url": URL},
    "membership-status": {"status_label": "会籍暂停", "profile_url": URL},
    "membership-welcome": {"membership_number": "GH2026000123", "card_url": URL},
    "welfare-digest": {"overdue": [1, 2], "unassigned": [1], "awaiting_chair": [], "admin_url": URL},
    "welfare-message": {"reference": "W-2026-00123", "detail_url": URL},
    "welfare-status": {"reference": "W-2026-00123", "state": "approved", "state_label": "已批准", "detail_url": URL},
    "account-code": {"code": "123456", "minutes": 10},
    "account-unknown": {"signup_url": URL},
    "account-exists": {"login_url": URL},
    "care-digest": {"overdue": [1], "due": [1, 2], "unassigned": [], "admin_url": URL},
    "care-reminder": {"case": CareCase(due_on=date(2026, 5, 3), kind="hospital"), "url": URL},
    "care-visit-reminder": {"due_on": date(2026, 5, 3), "officer": "王强", "url": URL},
    "learning-completed": {"course": TITLE, "certificate_url": URL},
    "learning-union-answer": {"title": TITLE, "url": URL},
    "membership-lapse-warning": {"next_month": date(2026, 4, 1), "limit": 3, "profile_url": URL},
    "membership-transfer": {
        "transfer_state": "pending",
        "to_union": "城东区总工会",
        "from_union": "总装一班",
        "profile_url": URL,
    },
    "notice-announced": {"reference": "W-2026-00123", "starts_on": date(2026, 5, 3), "board_url": URL},
    "notice-objection-decided": {"state_label": "已采纳"},
    "proposal-decided": {"title": TITLE, "state": "drafted", "proposal_url": URL},
    "proposal-threshold": {"title": TITLE, "count": "12", "review_url": URL},
}
OPTIONAL = {"birthday-greeting", "dues-reminder"}
ROOT = Path(settings.BASE_DIR)


def mail_templates() -> set[str]:
    return {
        path.name.removesuffix("-body.txt")
        for path in ROOT.glob("*/templates/notifications/email/*-body.txt")
        if ".venv" not in path.parts
    }


def test_every_mail_the_portal_sends_has_a_text_form_here():
    assert mail_templates() <= set(CONTEXTS)


@pytest.fixture(autouse=True)
def _production_like_site(settings):
    settings.SITE_URL = "https://union.example.cn"


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_the_chinese_text_fits_one_segment_with_signature_link_and_opt_out(template):
    with collecting():
        text = render_sms(
            template=template, context=CONTEXTS[template], language="zh-hans", optional=template in OPTIONAL
        )
    assert text.startswith("【职工之家】")
    assert "\n" not in text and "{" not in text and "%(" not in text
    assert sms_length(text)[0] <= 70, f"{len(text)}: {text}"
    assert sms_segments(text) == 1
    if "_url" in "".join(CONTEXTS[template]) and template != "account-code":
        assert "https://union.example.cn/s/" in text
    assert text.endswith("回复TD退订") == (template in OPTIONAL)


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_the_english_text_is_in_english_and_counted_in_segments(template):
    with collecting():
        text = render_sms(template=template, context=CONTEXTS[template], language="en", optional=template in OPTIONAL)
    assert text.isascii() is False  # the signature: the whole text goes as UCS-2
    words = text.removeprefix("【职工之家】").replace("“", "").replace("”", "")
    for value in CONTEXTS[template].values():
        if isinstance(value, str):
            words = words.replace(value[:11], "")  # a title is cut in the text
    assert all(ord(char) < 0x2E80 for char in words), words
    assert 1 <= sms_segments(text) <= 3
    assert text.endswith("Reply TD to stop.") == (template in OPTIONAL)


def test_a_submitted_request_gets_its_answer_date():
    with collecting():
        text = render_sms(
            template="welfare-status",
            context={**CONTEXTS["welfare-status"], "state": "submitted", "first_response_due": date(2026, 5, 9)},
            language="zh-hans",
        )
    assert "将于5/9前答复" in text
