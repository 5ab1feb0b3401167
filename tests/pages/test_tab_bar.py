"""The worker's phone chrome (issue 16 item 7): a slim header with one-tap language buttons and a
tab bar of five destinations, the current one marked; 退出 on the 我的 page, not among them."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from pages.context_processors import nav_section

TABS = ["首页", "活动", "帮扶", "建言", "我的"]


def tab_bar(page: str) -> str:
    return re.search(r'<nav class="tabbar".*?</nav>', page, re.S).group(0)


def current_tab(page: str) -> list[str]:
    return re.findall(r'aria-current="page">.*?<span>(.*?)</span>', tab_bar(page), re.S)


@pytest.mark.django_db
def test_a_visitor_sees_five_tabs_and_the_last_leads_to_the_login(client):
    nav = tab_bar(client.get("/").content.decode())
    assert re.findall(r"<span>(.*?)</span>", nav) == TABS
    assert f'href="{reverse("account_login")}"' in nav
    assert "退出" not in nav and "Log out" not in nav


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "tab"),
    [
        ("/", "首页"),
        ("/activities/", "活动"),
        ("/welfare/", "帮扶"),
        ("/welfare/new/", "帮扶"),
        ("/feedback/", "建言"),
        ("/proposals/", "建言"),
        ("/notices/", "首页"),
        ("/me/", "我的"),
    ],
)
def test_the_current_section_is_marked(client, worker, path, tab):
    client.force_login(worker.user)
    response = client.get(path)
    assert response.status_code == 200
    assert current_tab(response.content.decode()) == [tab]


@pytest.mark.django_db
def test_the_me_tab_leads_a_worker_to_the_profile_where_logging_out_is(client, worker):
    client.force_login(worker.user)
    nav = tab_bar(client.get("/").content.decode())
    assert f'href="{reverse("members:profile")}"' in nav
    assert "退出" not in nav
    profile = client.get(reverse("members:profile")).content.decode()
    assert f'action="{reverse("account_logout")}"' in profile and "退出" in profile


@pytest.mark.django_db
def test_an_error_page_marks_no_tab_and_still_renders(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert current_tab(response.content.decode()) == []
    assert nav_section(RequestFactory().get("/x/")) == {"nav_section": ""}  # nothing resolved


@pytest.mark.django_db
def test_the_language_is_one_tap_with_the_current_one_pressed(client):
    page = client.get("/").content.decode()
    form = re.search(r'<form[^>]*class="language".*?</form>', page, re.S).group(0)
    assert "<select" not in form
    assert re.search(r'value="zh-hans"[^>]*aria-pressed="true"[^>]*>中文</button>', form)
    assert re.search(r'value="en"[^>]*aria-pressed="false"[^>]*>English</button>', form)
    client.post(reverse("language-set"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert re.search(r'value="en"[^>]*aria-pressed="true"', page)
    assert current_tab(page) == ["Home"]
