"""The privacy notice (个人信息保护说明, issue 16 item 5): it exists, every consent links to it,
and optional mail is off unless the worker ticks it."""

import importlib
import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from members.models import Member
from tests.factories import MemberFactory, UserFactory

PRIVACY = "/privacy/"


def _get(client, url, language="zh-hans"):
    if language != "zh-hans":
        client.post(reverse("language-set"), {"language": language, "next": "/"})
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_the_notice_says_what_is_kept_who_sees_it_and_whom_to_ask_in_chinese(client, settings):
    settings.UNION_NAME = "甲市总工会"
    settings.UNION_CONTACT = {"office": "权益保障部", "phone": "0571-1234 5678", "email": "pi@union.example.cn"}

    page = _get(client, reverse("privacy"))

    assert "<h1>个人信息保护说明</h1>" in page
    for said in ("你的账号", "你的会费", "活动报名", "帮扶维权申请", "谁能看到", "保存多久", "有问题找谁"):
        assert said in page
    assert "甲市总工会" in page and "权益保障部" in page
    assert 'href="tel:0571-12345678"' in page and 'href="mailto:pi@union.example.cn"' in page
    assert f'href="{reverse("members:data-export")}"' in page
    assert f'href="{reverse("members:deletion-request")}"' in page
    assert "您" not in page


@pytest.mark.django_db
def test_the_notice_is_in_english_for_who_chose_english(client):
    page = _get(client, reverse("privacy"), language="en")

    assert "<h1>Personal information protection notice</h1>" in page
    assert "Who sees it" in page and "个人信息保护说明" not in page


@pytest.mark.django_db
def test_every_page_links_the_notice_in_its_footer(client):
    page = _get(client, reverse("home"))

    footer = page[page.index('<footer class="site-footer">') :]
    assert f'<a href="{PRIVACY}">个人信息保护说明</a>' in footer


def _our_forms():
    """Every form class defined in our apps' forms modules."""
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(settings.BASE_DIR)) or ".venv" in str(config.path):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_consent_box_in_our_forms_links_the_notice(db):
    consents = []
    for cls in _our_forms():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.BooleanField) and "consent" in name:
                consents.append(cls)
                assert f'href="{PRIVACY}"' in str(cls().fields[name].help_text), cls
    assert consents, "no consent box found: has the sign-up lost its consent?"


@pytest.fixture
def newcomer(tree):
    return UserFactory(email="newcomer@example.cn")


def test_the_profile_form_links_the_notice_beside_the_consent_box(client, newcomer):
    client.force_login(newcomer)

    page = _get(client, reverse("members:profile-create"))

    consent = page[page.index('name="consent"') :]
    consent = consent[: consent.index("</div>")]
    assert f'href="{PRIVACY}"' in consent and "阅读个人信息保护说明" in consent


def test_the_sign_up_and_the_membership_application_link_the_notice(client, tree):
    assert f'href="{PRIVACY}"' in _get(client, reverse("account_signup")).split('<main id="main"')[1]

    member = MemberFactory(unit=tree["branch_a"], status=Member.Status.REGISTERED)
    client.force_login(member.user)
    page = _get(client, reverse("members:profile"))
    application = page[page.index(reverse("members:apply")) :]
    assert f'href="{PRIVACY}"' in application[: application.index("</form>")]


def test_optional_mail_and_texts_are_unticked_in_a_fresh_profile_form(client, newcomer):
    client.force_login(newcomer)

    page = _get(client, reverse("members:profile-create"))

    for name in ("wants_optional_mail", "wants_optional_sms"):
        box = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', page)
        assert box is not None, name
        assert "checked" not in box.group(0), name


def test_a_profile_saved_without_the_boxes_gets_no_optional_mail_or_texts(client, newcomer, tree):
    client.force_login(newcomer)
    data = {
        "name": "周敏",
        "gender": "F",
        "date_of_birth": "1991-04-02",
        "unit": tree["branch_a"].pk,
        "language": "zh-hans",
        "channel": "auto",
        "consent": "on",
    }

    assert client.post(reverse("members:profile-create"), data).status_code == 302

    member = Member.objects.get(user=newcomer)
    assert (member.wants_optional_mail, member.wants_optional_sms) == (False, False)


def test_a_worker_who_ticks_the_mail_box_gets_optional_mail(client, newcomer, tree):
    client.force_login(newcomer)
    data = {
        "name": "周敏",
        "gender": "F",
        "date_of_birth": "1991-04-02",
        "unit": tree["branch_a"].pk,
        "language": "zh-hans",
        "consent": "on",
        "wants_optional_mail": "on",
    }

    client.post(reverse("members:profile-create"), data)

    member = Member.objects.get(user=newcomer)
    assert (member.wants_optional_mail, member.wants_optional_sms) == (True, False)
