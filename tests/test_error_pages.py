"""Error pages are the portal's own, in Chinese (issue 16 item 4), not Django's bare English."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults


@pytest.mark.django_db
def test_an_unknown_address_answers_a_chinese_page_with_the_way_home(client):
    response = client.get("/no-such-page/")  # Chinese by default
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in page and "返回首页" in page
    assert "Not Found" not in page
    assert 'class="site-header"' in page  # the portal's own layout, with its navigation


@pytest.mark.django_db
def test_an_unknown_address_in_english_reads_english(client):
    client.post(reverse("language-set"), {"language": "en", "next": "/"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "status", "words"),
    [
        (lambda r: defaults.permission_denied(r, PermissionDenied()), 403, "你没有权限打开这个页面"),
        (lambda r: defaults.bad_request(r, ValueError()), 400, "无法读取这次请求"),
        (defaults.server_error, 500, "出了点问题"),
    ],
)
def test_the_other_error_pages_are_in_chinese(view, status, words, rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = view(request)
    assert response.status_code == status
    assert words in response.content.decode()
    assert '<html lang="zh-Hans">' in response.content.decode()


@pytest.mark.django_db
def test_a_request_for_an_unknown_host_gets_the_portals_400_not_a_server_error(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "无法读取这次请求" in response.content.decode()
