"""Short links for text messages: ``<SITE_URL>/s/<code>`` → a page of the site.

The code is derived from the page's path, so the same page always gets the same
link and nothing needs reading to make one. Links made while a text is rendered
are collected (``collecting``) and saved with one insert per batch
(``short_links_save``); a duplicate is ignored by the unique code.
"""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings

from .models import ShortLink

ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/l/I
CODE_LENGTH = 7  # 57**7 ≈ 2e12 codes

_collected: ContextVar[dict | None] = ContextVar("short_links", default=None)


def short_code(path: str) -> str:
    number = int.from_bytes(hashlib.sha256(path.encode()).digest()[:12], "big")
    code = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        code.append(ALPHABET[digit])
    return "".join(code)


def short_url(url: str) -> str:
    """The short link of a URL of this site (another site's URL is returned as it is)."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != site.netloc:
        return url
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    code = short_code(path)
    pending = _collected.get()
    if pending is None:
        ShortLink.objects.get_or_create(code=code, defaults={"path": path})
    else:
        pending[code] = path
    return f"{settings.SITE_URL}/s/{code}"


@contextmanager
def collecting():
    """Collect the links made inside; the caller saves them (``short_links_save``)."""
    pending: dict = {}
    token = _collected.set(pending)
    try:
        yield pending
    finally:
        _collected.reset(token)


def short_links_save(pending: dict) -> None:
    if pending:
        ShortLink.objects.bulk_create(
            [ShortLink(code=code, path=path) for code, path in pending.items()], ignore_conflicts=True
        )
