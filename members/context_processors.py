from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The worker-facing areas; an area whose pages are not installed is left out.
NAV = [
    ("activities:list", _("Activities")),
    ("welfare:list", _("Help & rights")),
    ("feedback:board", _("Speak up")),
]


def nav_links() -> list[tuple[str, str]]:
    links = []
    for name, label in NAV:
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return links


def portal(request):
    return {
        "portal_languages": settings.LANGUAGES,
        "portal_nav": nav_links(),
        "staff_require_mfa": settings.STAFF_REQUIRE_MFA,
    }
