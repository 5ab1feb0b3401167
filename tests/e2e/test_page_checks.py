"""The checks every journey relies on would catch what they claim to catch."""

import pytest

from tests.e2e.conftest import JOURNEY

pytestmark = [*JOURNEY, pytest.mark.parametrize("viewport", ["desktop"], indirect=True)]

INLINE_SCRIPT = "document.body.append(Object.assign(document.createElement('script'), {textContent: 'window.x = 1'}))"


def test_the_page_check_reports_an_inline_script_blocked_by_the_content_security_policy(journey, db):
    visitor = journey.person("visitor")
    visitor.goto("/")
    assert visitor.page.evaluate("window.__cspViolations") == []
    visitor.page.evaluate(INLINE_SCRIPT)
    with pytest.raises(AssertionError, match="CSP violation: script-src"):
        visitor.check("inline-script")


def test_the_page_check_reports_a_missing_label(journey, db):
    visitor = journey.person("visitor")
    visitor.goto("/")
    visitor.page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    with pytest.raises(AssertionError, match="axe critical: label"):
        visitor.check("unlabelled-input")


def test_every_page_served_carries_a_content_security_policy(journey, db):
    visitor = journey.person("visitor")
    response = visitor.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    visitor.check("login")
