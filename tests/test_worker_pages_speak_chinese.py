"""Proof for issue 16 item 4, the class and not the case: every page a worker can reach, signed
out and signed in as the demo worker, reads in Chinese, in 你, without a stray English word.

The demo data (``seed_demo``) gives the worker a membership with its history, sign-ups, help
requests, feedback, courses and notices; the test follows every link from the home page and
the worker's own pages, as a worker tapping through would, and reads what each page shows
(text, alt, titles, placeholders; not scripts, styles or addresses)."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from members.models import User
from tests.pagetext import english_words, visible_text

# Not worker pages, or not pages: the back office, signing out, downloads and short links.
LEFT_OUT = (
    "/admin/",
    "/accounts/logout/",
    "/static/",
    "/s/",
    "/healthz",
    "/favicon.ico",
    "/notifications/unsubscribe/",
    "/sms/",
)
DOWNLOADS = re.compile(r"\.(ics|csv|json|txt|pdf|png|svg)$|/files?/|/object/|/certificate/")
START = [
    "/",
    "/privacy/",
    "/activities/",
    "/welfare/",
    "/feedback/",
    "/notices/",
    "/learning/",
    "/proposals/",
    "/surveys/",
    "/care/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/login/code/",
]
SIGNED_IN = [
    "/me/",
    "/me/profile/edit/",
    "/me/card/",
    "/me/deletion/",
    "/activities/mine/",
    "/activities/feed/",
    "/welfare/new/",
    "/feedback/new/",
    "/feedback/mine/",
    "/feedback/follow-up/",
    "/learning/mine/",
    "/proposals/new/",
    "/notifications/preferences/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/phone/change/",
    "/accounts/2fa/",
]
HREF = re.compile(r'href="([^"#]+)')
MOST_PAGES = 400


def _crawl(client, start: list[str]) -> dict[str, str]:
    """Every page reachable from ``start`` by links: {address: what it shows}."""
    queue, seen, pages = list(start), set(), {}
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        if url in seen or url.startswith(LEFT_OUT) or DOWNLOADS.search(urlsplit(url).path):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        pages[url] = visible_text(html)
        for href in HREF.findall(html):
            link = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(link)
            if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def _stumbles(pages: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for url, text in pages.items():
        words = english_words(text)
        if "您" in text:
            words.append("您")
        if words:
            found[url] = words
    return found


@pytest.fixture
def demo(db):
    call_command("seed_demo")
    return User.objects.get(email="worker@demo.unionportal.cn")


@pytest.mark.slow
def test_every_page_a_signed_out_visitor_reaches_reads_in_chinese(client, demo):
    pages = _crawl(client, START)

    assert len(pages) > 20
    stumbles = _stumbles(pages)
    assert stumbles == {}, "\n".join(f"{url}: {words}" for url, words in stumbles.items())


@pytest.mark.slow
def test_every_page_the_demo_worker_reaches_reads_in_chinese(client, demo):
    client.force_login(demo)

    pages = _crawl(client, SIGNED_IN + START)

    assert len(pages) > 50
    assert any("/welfare/" in url and url.rstrip("/").split("/")[-1].isdigit() for url in pages)
    stumbles = _stumbles(pages)
    assert stumbles == {}, "\n".join(f"{url}: {words}" for url, words in stumbles.items())
