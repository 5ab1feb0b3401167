"""Browser journeys: Playwright (sync API) driving Debian's Chromium against ``live_server``.

Each journey runs on a phone (390×844) and on a desktop viewport. Every page a
journey lands on must be checked with ``person.check("name")``: axe finds no
serious or critical violation, the console shows no error, the page reports
no Content-Security-Policy violation, and a screenshot goes to
``var/e2e/<test>/``. A page that was visited but never checked fails the test.
"""

import base64
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test.utils import override_settings

from tests.markers import CHROMIUM, requires_chromium

SCREENSHOTS = Path(settings.VAR_DIR) / "e2e"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The live server needs committed data, so each journey runs in a real transaction and the
# tables are emptied after it (``_migrated_data`` puts back what migrations created).
JOURNEY = [pytest.mark.e2e, requires_chromium, pytest.mark.django_db(transaction=True)]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
BAD_IMPACTS = {"serious", "critical"}
# Runs in every page before its own scripts: collects CSP violations.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="session")
def _live_server_media_url():
    # Django's live server wraps the site in a media handler that needs a
    # MEDIA_URL; ours is None on purpose (private uploads are never served).
    # A URL on another host makes that handler serve nothing at all.
    with override_settings(MEDIA_URL="http://media.invalid/"):
        yield


@pytest.fixture(scope="session")
def live_server(_live_server_media_url, live_server):
    return live_server


@pytest.fixture(scope="session")
def _migrated_rows(django_db_setup, django_db_blocker) -> str:
    """What the migrations put in the test database (roles, request types...), as Django serialized it."""
    from django.db import connections

    with django_db_blocker.unblock():
        contents = getattr(connections["default"], "_test_serialized_contents", None)
        if contents is None:
            contents = connections["default"].creation.serialize_db_to_string()
    return contents


@pytest.fixture(autouse=True)
def _migrated_data(_migrated_rows, transactional_db):
    """Each journey starts from the freshly migrated database.

    Django's own ``serialized_rollback`` cannot be relied on here: Playwright's
    sync API leaves the test thread in a new context, where Django opens a new
    connection object that does not carry the serialized data. So: empty the
    tables (without re-running post_migrate), then load the migrated rows.
    """
    from django.core.management import call_command
    from django.db import connections

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connections["default"].creation.deserialize_db_from_string(_migrated_rows)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("needs Chromium: apt-get install chromium (CI does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django refuses
    # ORM calls there unless told it is safe (the test's own setup and asserts).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


class Person:
    """One person with their own browser session (cookies) on one viewport."""

    def __init__(self, journey: "Journey", name: str, context):
        self.journey = journey
        self.name = name
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.checked: set[str] = set()
        # axe fetches stylesheets itself and resolves their @imports against the page: those
        # failed fetches are the checker's, not the portal's, and are left out.
        self.axe_running = False
        self.axe_fetches: set[str] = set()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("framenavigated", self._on_navigated)
        self.page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        if self.axe_running and response.request.resource_type in ("xhr", "fetch"):
            self.axe_fetches.add(response.url)

    def _on_console(self, message) -> None:
        if message.type == "error" and message.location.get("url") not in self.axe_fetches:
            self.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.visited.append(frame.url)

    def url(self, path: str) -> str:
        return self.journey.live_server.url + path

    def goto(self, path: str):
        return self.page.goto(self.url(path))

    @property
    def main(self):
        return self.page.locator("main")

    def submit(self, form_selector: str = "form", button: str = "button[type=submit]") -> None:
        """Click a form's submit button inside <main> and wait for the next page."""
        with self.page.expect_navigation():
            self.main.locator(form_selector).locator(button).first.click()

    def click(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()

    def tab(self, href: str) -> None:
        """Tap one of the tab bar's five destinations."""
        self.click(f"nav.tabbar a[href='{href}']")

    def from_home(self, href: str) -> None:
        """Reach a destination that is not a tab: the 首页 tab, then its card."""
        self.tab("/")
        self.check("home")
        self.click(f"main a.card-link[href='{href}']")

    def switch_language(self, code: str) -> None:
        """One tap on the header's language button (``zh-hans`` or ``en``)."""
        with self.page.expect_navigation():
            self.page.locator(f"header form.language button[value='{code}']").click()

    def log_out(self) -> None:
        """退出 is on the 我的 page (or on the profile form before there is a profile)."""
        self.click("nav.tabbar a[href='/me/']")
        self.check("me-before-log-out")
        with self.page.expect_navigation():
            self.main.locator("form.logout button").click()

    def check(self, step: str) -> None:
        """axe, console, CSP and a screenshot for the page now shown."""
        page = self.page
        page.wait_for_load_state("load")
        self.axe_running = True
        try:
            violations = self.journey.axe.run(page).response["violations"]
        finally:
            self.axe_running = False
        bad = [v for v in violations if v.get("impact") in BAD_IMPACTS]
        csp = page.evaluate("window.__cspViolations || []")
        self.journey.screenshot(self, step)
        self.checked.add(page.url)
        self.journey.pages_checked += 1
        problems = [f"CSP violation: {v}" for v in csp] + self.problems
        self.problems = []
        for violation in bad:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            problems.append(f"axe {violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
        assert not problems, f"{self.name} on {step} ({page.url}):\n  " + "\n  ".join(problems)

    def unchecked_pages(self) -> list[str]:
        return [url for url in self.visited if url not in self.checked and url != "about:blank"]


class Journey:
    """The people of one journey on one viewport, and the evidence they leave."""

    def __init__(self, browser, viewport: str, live_server, test_name: str):
        from axe_playwright_python.sync_playwright import Axe

        self.browser = browser
        self.viewport = viewport
        self.live_server = live_server
        self.axe = Axe()
        self.people: list[Person] = []
        self.pages_checked = 0
        self.folder = SCREENSHOTS / re.sub(r"[^\w-]+", "-", test_name).strip("-")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self._shots = 0

    def person(self, name: str) -> Person:
        context = self.browser.new_context(
            **VIEWPORTS[self.viewport], locale="zh-CN", timezone_id="Asia/Shanghai", base_url=self.live_server.url
        )
        context.add_init_script(CSP_LISTENER)
        person = Person(self, name, context)
        self.people.append(person)
        return person

    def screenshot(self, person: Person, step: str) -> None:
        self._shots += 1
        name = f"{self._shots:02d}-{person.name}-{step}.png"
        person.page.screenshot(path=str(self.folder / name), full_page=True)

    def close(self) -> None:
        for person in self.people:
            person.context.close()


@pytest.fixture
def journey(browser, viewport, live_server, request):
    started = time.monotonic()
    trip = Journey(browser, viewport, live_server, request.node.name)
    yield trip
    unchecked = {person.name: person.unchecked_pages() for person in trip.people}
    trip.close()
    print(f"\n{request.node.name}: {trip.pages_checked} pages checked in {time.monotonic() - started:.1f}s")
    assert not any(unchecked.values()), f"pages visited but never checked: {unchecked}"


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret`` (RFC 6238, as allauth checks it)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def give_authenticator(user) -> str:
    """Set up a TOTP authenticator for ``user`` and return its secret."""
    from allauth.mfa.totp.internal.auth import TOTP

    secret = base64.b32encode(os.urandom(20)).decode()
    TOTP.activate(user, secret)
    return secret


def log_in(person: Person, email: str, password: str, totp_secret: str | None = None) -> None:
    person.goto("/accounts/login/")
    person.check("login")
    person.main.locator("input[name=login]").fill(email)
    person.main.locator("input[name=password]").fill(password)
    person.submit("form[action*='login']")
    if totp_secret is not None:
        assert "/accounts/2fa/authenticate" in person.page.url
        person.check("second-factor")
        person.main.locator("input[name=code]").fill(totp_code(totp_secret))
        person.submit("form[action*='2fa/authenticate']")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each journey starts with an empty cache, as with an empty database: the live server shares
    this process's cache, so an earlier journey's rate-limit counters (an anonymous item's daily
    allowance) would otherwise carry over."""
    from django.core.cache import cache

    cache.clear()
    yield
