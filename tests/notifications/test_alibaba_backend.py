"""The Alibaba Cloud SMS back-end, through the official SDK, against a local server that answers as
the provider's API does (SendSms, RPC style). No test reaches the internet."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from notifications.sms import SmsMessage, SmsPermanentError, SmsTemporaryError
from notifications.sms.alibaba import SmsBackend
from tests.notifications.helpers import free_port


class FakeDysmsapi(BaseHTTPRequestHandler):
    answers: list = []
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        query = parse_qs(urlsplit(self.path).query)
        params = {key: values[0] for key, values in {**query, **form}.items()}
        params.update({key.lower(): value for key, value in self.headers.items() if key.lower().startswith("x-acs-")})
        params["authorization"] = self.headers.get("Authorization", "")
        type(self).received.append(params)
        status, body = type(self).answers.pop(0) if type(self).answers else (200, {"Code": "OK"})
        payload = json.dumps({"RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990", "Message": "OK", **body}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), FakeDysmsapi)
    FakeDysmsapi.answers, FakeDysmsapi.received = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_ALIBABA_ENDPOINT = f"127.0.0.1:{port}"
    settings.SMS_ALIBABA_PROTOCOL = "http"
    settings.SMS_ALIBABA_ACCESS_KEY_ID = "LTAI-test"
    settings.SMS_ALIBABA_ACCESS_KEY_SECRET = "test-secret"  # noqa: S105 - a test's
    settings.SMS_ALIBABA_SIGN_NAME = "职工之家"
    settings.SMS_ALIBABA_TEMPLATE_CODES = {"account-code": "SMS_100000001", "*": "SMS_100000009"}
    settings.SMS_ALIBABA_TIMEOUT_MS = 2000
    yield FakeDysmsapi
    server.shutdown()
    server.server_close()


def text(**kwargs):
    defaults = {"to": "+8613812345678", "body": "【职工之家】你的验证码是123456", "template": "account-code"}
    return SmsMessage(**{**defaults, **kwargs})


def test_a_text_goes_by_its_approved_template_with_the_signature_apart(provider):
    assert SmsBackend().send_messages([text(reference="42")]) == 1
    (sent,) = provider.received
    assert sent["x-acs-action"] == "SendSms" and sent["x-acs-version"] == "2017-05-25"
    assert sent["PhoneNumbers"] == "13812345678"
    assert sent["SignName"] == "职工之家"
    assert sent["TemplateCode"] == "SMS_100000001"
    assert json.loads(sent["TemplateParam"]) == {"content": "你的验证码是123456"}
    assert sent["OutId"] == "42"
    # Signed with the key pair (ACS3-HMAC-SHA256), as the real endpoint requires.
    assert sent["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI-test,")


def test_a_number_abroad_goes_with_its_international_prefix_and_another_template_by_the_default_code(provider):
    SmsBackend().send_messages([text(to="+85261234567", template="welfare-status")])
    assert provider.received[0]["PhoneNumbers"] == "0085261234567"
    assert provider.received[0]["TemplateCode"] == "SMS_100000009"


@pytest.mark.parametrize("code", ["isv.MOBILE_NUMBER_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL"])
def test_an_answer_that_can_never_succeed_is_a_permanent_failure(provider, code):
    provider.answers.append((200, {"Code": code, "Message": "refused"}))
    with pytest.raises(SmsPermanentError, match=code):
        SmsBackend().send_messages([text()])


@pytest.mark.parametrize("code", ["isv.BUSINESS_LIMIT_CONTROL", "isv.AMOUNT_NOT_ENOUGH", "isp.SYSTEM_ERROR"])
def test_throttling_balance_and_provider_errors_are_tried_again(provider, code):
    provider.answers.append((200, {"Code": code, "Message": "later"}))
    with pytest.raises(SmsTemporaryError, match=code):
        SmsBackend().send_messages([text()])


def test_a_server_error_is_tried_again(provider):
    provider.answers.append((503, {"Code": "ServiceUnavailable", "Message": "down"}))
    with pytest.raises(SmsTemporaryError):
        SmsBackend().send_messages([text()])


def test_an_unreachable_provider_is_tried_again(settings):
    settings.SMS_ALIBABA_ENDPOINT = f"127.0.0.1:{free_port()}"  # nothing listens
    settings.SMS_ALIBABA_PROTOCOL = "http"
    settings.SMS_ALIBABA_ACCESS_KEY_ID, settings.SMS_ALIBABA_ACCESS_KEY_SECRET = "id", "secret"
    settings.SMS_ALIBABA_TEMPLATE_CODES = {"*": "SMS_1"}
    settings.SMS_ALIBABA_TIMEOUT_MS = 1000
    with pytest.raises(SmsTemporaryError):
        SmsBackend().send_messages([text()])


def test_a_template_without_a_code_is_a_permanent_failure(provider, settings):
    settings.SMS_ALIBABA_TEMPLATE_CODES = {}
    with pytest.raises(SmsPermanentError, match="SMS_ALIBABA_TEMPLATE_CODES"):
        SmsBackend().send_messages([text()])
    assert provider.received == []


@pytest.mark.django_db
def test_the_outbox_marks_a_refused_number_failed_and_keeps_the_providers_reason(
    provider, settings, django_capture_on_commit_callbacks
):
    from notifications import services

    settings.SMS_BACKEND = "notifications.sms.alibaba.SmsBackend"
    provider.answers.append((200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}))
    with django_capture_on_commit_callbacks(execute=True):
        row = services.sms_enqueue(
            key="t:1",
            to_phone="+8613812345678",
            template="account-code",
            context={"code": "1", "minutes": 10},
            language="zh-hans",
        )
    row.refresh_from_db()
    assert row.status == "failed" and "MOBILE_NUMBER_ILLEGAL" in row.last_error
