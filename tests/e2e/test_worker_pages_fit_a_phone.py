"""Every worker page fits a phone (issue 16 item 7), signed out and signed in, in Chinese and in English.

At 390×844 and at 320 px wide: no horizontal scroll; every visible button, field, select and
navigation link at least 44 px high (a checkbox or radio button counts with its label); every
other link at least 24 px; axe finds nothing serious or critical. One browser context per
language, the width changed in place, so the sweep stays quick.
"""

import pytest

from tests.activities.factories import ActivityFactory
from tests.e2e.conftest import JOURNEY, log_in
from tests.factories import ActiveMemberFactory
from tests.feedback.factories import FeedbackFactory, PublishedFeedbackFactory
from tests.welfare import factories as welfare_factories
from welfare.models import WelfareRequest

pytestmark = [*JOURNEY, pytest.mark.parametrize("viewport", ["phone"])]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
WIDTHS = [(390, 844), (320, 640)]

# What a finger has to hit, measured as drawn. Elements out of sight (the skip link until it
# has the focus, visually hidden text) are left out.
MEASURE = """width => {
  const shown = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && r.right > 0 && s.visibility !== "hidden" && !el.closest(".visually-hidden");
  };
  const say = el => `${el.tagName.toLowerCase()}${el.name ? "[name=" + el.name + "]" : ""} "${
    (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ").slice(0, 40)}"`;
  const problems = [];
  const big = new Set(document.querySelectorAll("button, select, textarea, a.button, a.card-link, nav a, "
    + "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"));
  for (const el of big) {
    if (!shown(el)) continue;
    const h = el.getBoundingClientRect().height;
    if (h < 43.5) problems.push(`${say(el)} is ${h.toFixed(1)} px high (44 wanted)`);
  }
  for (const el of document.querySelectorAll("input[type=checkbox], input[type=radio]")) {
    const label = el.closest("label") || (el.labels && el.labels[0]);
    const target = label && shown(label) ? label : el;
    if (!shown(el) && !shown(target)) continue;
    const h = Math.max(target.getBoundingClientRect().height, el.getBoundingClientRect().height);
    if (h < 43.5) problems.push(`${say(el)} with its label is ${h.toFixed(1)} px high (44 wanted)`);
  }
  for (const el of document.querySelectorAll("a[href]")) {
    if (big.has(el) || !shown(el)) continue;
    const h = el.getBoundingClientRect().height;
    if (h < 23.5) problems.push(`link ${say(el)} is ${h.toFixed(1)} px high (24 wanted)`);
  }
  // A phone widens its layout viewport to fit what overflows, so compare with the screen's width.
  const root = document.documentElement;
  if (Math.max(root.scrollWidth, innerWidth) > width) {
    const wide = [...document.querySelectorAll("main *")].filter(el => el.getBoundingClientRect().right > width + 1)
      .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
    const drawn = Math.max(root.scrollWidth, innerWidth);
    problems.push(`scrolls sideways: ${drawn} px wide in ${width} (${wide.join(", ")})`);
  }
  return problems;
}"""


def sweep(person, paths: list[str], label: str) -> list[str]:
    problems = []
    for path in paths:
        for width, height in WIDTHS:
            person.page.set_viewport_size({"width": width, "height": height})
            if (width, height) == WIDTHS[0]:
                person.goto(path)
            else:
                person.page.wait_for_timeout(50)  # the layout of the new width
            step = f"{label}{path.strip('/').replace('/', '-') or 'home'}-{width}"
            person.check(step)
            problems += [f"{path} at {width} px: {p}" for p in person.page.evaluate(MEASURE, width)]
    return problems


@pytest.fixture
def worker_with_a_bit_of_everything(tree, welfare_officer, chair):
    worker = ActiveMemberFactory(unit=tree["branch_a"], name="李娟", user__email="li.juan@example.cn")
    welfare_factories.scheme("hardship", standard="2000", cap="5000", threshold="3000")
    request = welfare_factories.request_in_state(
        WelfareRequest.State.NEEDS_INFO, member=worker, officer=welfare_officer, chair=chair
    )
    activity = ActivityFactory(unit=tree["union_a"], title="三八节女职工登山", capacity=5)
    FeedbackFactory(author=worker, title="夜班班车")
    PublishedFeedbackFactory(author__unit=tree["branch_a"], title="食堂增加夜宵窗口")
    return worker, request, activity


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_worker_page_fits_a_phone_in_both_languages(journey, worker_with_a_bit_of_everything, lang):
    worker, request, activity = worker_with_a_bit_of_everything
    person = journey.person("worker")
    person.goto("/")
    person.check("first-visit")
    if lang != "zh-hans":
        person.switch_language(lang)
        person.check("switched")
    assert person.page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh-hans" else lang)
    problems = sweep(person, ["/", "/accounts/login/", "/accounts/signup/", "/feedback/"], "out-")

    worker.user.language = lang
    worker.user.save(update_fields=["language"])
    log_in(person, worker.user.email, PASSWORD)
    person.check("signed-in")
    paths = [
        "/",
        "/activities/",
        f"/activities/{activity.pk}/",
        "/welfare/",
        "/welfare/new/",
        "/welfare/new/hardship/",
        f"/welfare/{request.pk}/",
        "/feedback/",
        "/feedback/new/",
        "/feedback/mine/",
        "/notices/",
        "/learning/",
        "/proposals/",
        "/me/",
        "/me/profile/edit/",
        "/me/card/",
    ]
    problems += sweep(person, paths, "in-")
    assert not problems, "\n".join(problems)
