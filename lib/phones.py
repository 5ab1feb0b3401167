"""Mobile numbers: parsed and stored in E.164 (``+8613812345678``).

A number typed without a country code is read as a mainland number
(``PHONE_DEFAULT_REGION``); any other number needs its ``+`` and country code.
"""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Longest a typed number may be before it is refused unread (E.164 has at most 15 digits).
MAX_INPUT_LENGTH = 32


def phone_normalise(value: str, *, region: str | None = None) -> str:
    """``value`` in E.164; raises ``ValidationError`` (in the user's language) when it is no valid number."""
    value = (value or "").strip()
    if not value or len(value) > MAX_INPUT_LENGTH:
        raise ValidationError(_("Enter a mobile number, such as 13812345678."), code="invalid_phone")
    try:
        number = phonenumbers.parse(value, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a mobile number, such as 13812345678."), code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(number)s is not a valid mobile number. Check the digits, or add + and the country code.")
            % {"number": value},
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_or_blank(value: str) -> str:
    """E.164 of ``value``, or "" when it is not a valid number (old roster data, landlines typed loosely)."""
    try:
        return phone_normalise(value)
    except ValidationError:
        return ""


def phone_display(value: str) -> str:
    """A stored number as people write it: national form at home, international abroad."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.region_code_for_number(number) == settings.PHONE_DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_masked(value: str) -> str:
    """``+86 138****5678``: enough to recognise one's own number, in logs and officers' lists."""
    if len(value) < 8:
        return value
    return f"{value[:-8]}{value[-8:-4].translate(str.maketrans('0123456789', '**********'))}{value[-4:]}"
