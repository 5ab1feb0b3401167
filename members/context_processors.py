from django.conf import settings


def portal(request):
    return {
        "portal_languages": settings.LANGUAGES,
        "staff_require_mfa": settings.STAFF_REQUIRE_MFA,
        "sms_cool_down": settings.SMS_CODE_COOL_DOWN,
        "sms_code_minutes": settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT // 60,
        "sms_code_tries": settings.ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS,
        # The privacy notice, the account pages and their mails name the union and its office.
        "union_name": settings.UNION_NAME,
        "union_contact": settings.UNION_CONTACT,
    }
