"""Alibaba Cloud SMS (短信服务, API version 2017-05-25), through its official Python SDK.

Each text goes by an approved template (``SMS_ALIBABA_TEMPLATE_CODES``: outbox
template → ``SMS_…`` code, ``"*"`` for any other) whose one parameter,
``${content}``, receives the text without the signature; the signature goes as
``SignName``. The provider's answers are mapped to the outbox's two kinds of
failure: ``SmsPermanentError`` for a text that will never go (bad number,
refused template or signature), ``SmsTemporaryError`` for anything to try again
(throttling, balance, an unreachable endpoint, a server error).
"""

import json

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models
from django.conf import settings

from . import SmsPermanentError, SmsTemporaryError
from .base import BaseSmsBackend

# Codes after which the same request can never succeed.
PERMANENT_CODES = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.MOBILE_COUNT_OVER_LIMIT",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.SMS_SIGN_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.TEMPLATE_PARAMS_ILLEGAL",
        "isv.INVALID_JSON_PARAM",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.SMS_CONTENT_ILLEGAL",
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    }
)


def _national(number: str) -> str:
    # Mainland numbers go without +86; others as 00<country><number>, as the API wants.
    if number.startswith("+86"):
        return number[3:]
    return "00" + number.lstrip("+")


class SmsBackend(BaseSmsBackend):
    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def open(self):
        if self.client is None:
            config = open_api_models.Config(
                access_key_id=settings.SMS_ALIBABA_ACCESS_KEY_ID,
                access_key_secret=settings.SMS_ALIBABA_ACCESS_KEY_SECRET,
                endpoint=settings.SMS_ALIBABA_ENDPOINT,
                protocol=settings.SMS_ALIBABA_PROTOCOL,
            )
            self.client = Client(config)
        return self.client

    def _template_code(self, template: str) -> str:
        codes = settings.SMS_ALIBABA_TEMPLATE_CODES
        code = codes.get(template) or codes.get("*")
        if not code:
            raise SmsPermanentError(f"No Alibaba template code for {template!r} (SMS_ALIBABA_TEMPLATE_CODES)")
        return code

    def _content(self, body: str) -> str:
        signature = f"【{settings.SMS_SIGNATURE}】"
        return body[len(signature) :] if body.startswith(signature) else body

    def send_messages(self, messages) -> int:
        client = self.open()
        timeout = settings.SMS_ALIBABA_TIMEOUT_MS
        runtime = util_models.RuntimeOptions(read_timeout=timeout, connect_timeout=timeout, autoretry=False)
        sent = 0
        for message in messages:
            request = sms_models.SendSmsRequest(
                phone_numbers=_national(message.to),
                sign_name=settings.SMS_ALIBABA_SIGN_NAME,
                template_code=self._template_code(message.template),
                template_param=json.dumps(
                    message.params or {"content": self._content(message.body)}, ensure_ascii=False
                ),
                out_id=message.reference or None,
            )
            try:
                response = client.send_sms_with_options(request, runtime)
            except Exception as exc:  # noqa: BLE001 - the SDK's TeaException, socket and HTTP errors
                # A TeaException carries the provider's code; a socket error none (try again).
                code = getattr(exc, "code", "") or ""
                if code in PERMANENT_CODES:
                    raise SmsPermanentError(f"{code}: {getattr(exc, 'message', exc)}") from exc
                raise SmsTemporaryError(f"{code or type(exc).__name__}: {exc}") from exc
            body = response.body
            if body.code != "OK":
                error = f"{body.code}: {body.message} (request {body.request_id})"
                if body.code in PERMANENT_CODES:
                    raise SmsPermanentError(error)
                raise SmsTemporaryError(error)
            sent += 1
        return sent
