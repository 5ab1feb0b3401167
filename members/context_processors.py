from django.conf import settings
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _

from unionportal.fragments import reverse_kept

# The worker-facing areas; an area whose pages are not installed is left out.
NAV = [
    ("activities:list", _("Activities")),
    ("welfare:list", _("Help & rights")),
    ("feedback:board", _("Speak up")),
]


def nav_links() -> list[tuple[str, str]]:
    """The areas' URLs, kept per process by the URLs' prefix (every page shows them);
    the labels stay lazy, translated where the page is rendered."""
    links = []
    for name, label in NAV:
        try:
            links.append((reverse_kept(name), label))
        except NoReverseMatch:
            continue
    return links


def portal(request):
    return {
        "portal_languages": settings.LANGUAGES,
        "portal_nav": nav_links(),
        "staff_require_mfa": settings.STAFF_REQUIRE_MFA,
    }
