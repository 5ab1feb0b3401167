"""Text messages, sent through a back-end as Django sends e-mail.

``SMS_BACKEND`` names the class (``filebased`` writes one file per text under
``SMS_FILE_PATH``, ``console`` prints, ``locmem`` keeps them in ``outbox`` for
tests, ``alibaba`` speaks to Alibaba Cloud SMS). A back-end's
``send_messages`` sends each message or raises: ``SmsTemporaryError`` (try
again later: throttled, provider down) or ``SmsPermanentError`` (this text will
never go: a bad number, a template the provider refused). The outbox counts
anything else as temporary.

To add a provider, subclass ``BaseSmsBackend``, implement ``send_messages``
mapping its errors to those two, and name the class in ``SMS_BACKEND``.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

# GSM 03.38's basic set: a text of these only is 7-bit (160 a segment, 153 when split);
# any other character (Chinese, 【】) makes the whole text UCS-2 (70 a segment, 67 when split).
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")  # two septets each


def sms_length(text: str) -> tuple[int, bool]:
    """(length in the carrier's units, whether the text goes as UCS-2)."""
    if all(char in GSM7 or char in GSM7_EXTENDED for char in text):
        return sum(2 if char in GSM7_EXTENDED else 1 for char in text), False
    # UCS-2 counts UTF-16 code units: a character outside the BMP (an emoji) is two.
    return len(text.encode("utf-16-le")) // 2, True


def sms_segments(text: str) -> int:
    """How many messages the carrier splits ``text`` into (and bills)."""
    length, ucs2 = sms_length(text)
    single, part = (70, 67) if ucs2 else (160, 153)
    if length <= single:
        return 1
    return -(-length // part)


class SmsError(Exception):
    """A text could not be sent."""


class SmsTemporaryError(SmsError):
    """Try again later (throttled, the provider unreachable)."""


class SmsPermanentError(SmsError):
    """This text will never go (invalid number, refused template): do not retry."""


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    body: str  # as the phone shows it, signature included
    template: str = ""  # the outbox template, for providers that send by approved template
    reference: str = ""  # an id of ours the provider echoes (OutId)
    params: dict = field(default_factory=dict)


def get_sms_connection(backend: str | None = None, **kwargs):
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def send_sms(to: str, body: str, **kwargs) -> None:
    """Send one text now (tests, the shell); the portal sends through the outbox."""
    get_sms_connection().send_messages([SmsMessage(to=to, body=body, **kwargs)])
