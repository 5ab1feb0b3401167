from django.conf import settings


def portal(request):
    return {
        "portal_languages": settings.LANGUAGES,
        "staff_require_mfa": settings.STAFF_REQUIRE_MFA,
    }
