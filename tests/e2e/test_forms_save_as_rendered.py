"""Every worker form saves with the values it was rendered with, in Chinese and in English.

On a phone, each form is opened; only the fields that are required and were rendered empty
are filled (with valid values); every value the server rendered is left as the browser took it;
then it is submitted and must save. A rendered value the browser refused (a date input given
``1992/03/08``) is caught twice: the input's value is empty although the page gave one, and
the save fails with "this field is required".
"""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from activities.models import Registration
from feedback.models import Feedback
from members.models import DeletionRequest, Member
from tests.activities.factories import ActivityFactory
from tests.e2e.conftest import JOURNEY, log_in
from tests.factories import ActiveMemberFactory, MemberFactory, UserFactory
from tests.welfare import factories as welfare_factories
from welfare.models import WelfareRequest

pytestmark = [*JOURNEY, pytest.mark.parametrize("viewport", ["phone"])]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
LANGUAGES = ["zh-hans", "en"]

# Rendered values the browser dropped: an attribute the page sent, a value the field does not hold.
REFUSED_VALUES = """form => [...form.elements]
  .filter(el => el.tagName === "INPUT" && el.hasAttribute("value") && el.getAttribute("value") !== ""
                && !["checkbox", "radio", "hidden", "submit", "button", "file"].includes(el.type)
                && el.value === "")
  .map(el => `${el.name}: rendered "${el.getAttribute("value")}", the browser holds ""`)"""

# Required fields the page rendered empty: these, and only these, are filled in.
EMPTY_REQUIRED = """form => {
  const out = [];
  const seen = new Set();
  for (const el of form.elements) {
    if (!el.required || !el.name || seen.has(el.name)) continue;
    if (el.type === "radio") {
      seen.add(el.name);
      if (!form.querySelector(`input[name="${el.name}"]:checked`)) out.push([el.name, "radio"]);
    } else if (el.type === "checkbox") {
      if (!el.checked) out.push([el.name, "checkbox"]);
    } else if (el.tagName === "SELECT") {
      if (!el.value) out.push([el.name, "select"]);
    } else if (!el.value && !el.getAttribute("value")) {
      out.push([el.name, el.tagName === "TEXTAREA" ? "textarea" : el.type]);
    }
  }
  return out;
}"""

VALID = {
    "text": "测试内容",
    "tel": "13800138000",
    "email": "worker@example.cn",
    "number": "100",
    "date": "1990-05-01",
    "datetime-local": "2030-05-01T09:00",
    "textarea": "车间夜班结束后没有班车，希望工会和厂里协调增加一班夜班车。",
}


def fill_required_and_empty(form, values: dict[str, str]) -> list[str]:
    filled = []
    for name, kind in form.evaluate(EMPTY_REQUIRED):
        field = form.locator(f"[name='{name}']")
        if kind == "radio":
            field.first.check()
        elif kind == "checkbox":
            field.check()
        elif kind == "select":
            value = values.get(name) or field.locator("option:not([value=''])").first.get_attribute("value")
            field.select_option(value)
        else:
            field.fill(values.get(name, VALID.get(kind, VALID["text"])))
        filled.append(name)
    return filled


def submit_as_rendered(
    person, form_selector: str, *, step: str, values: dict | None = None, scope=None, button: str = ""
) -> None:
    """Open-form state is checked, required-and-empty fields are filled, the form is sent, and
    the page after it must show no error (a success message, or the page the form leads to)."""
    scope = scope if scope is not None else person.main
    form = scope.locator(form_selector).first
    refused = form.evaluate(REFUSED_VALUES)
    fill_required_and_empty(form, values or {})
    with person.page.expect_navigation():
        form.locator(button or "button[type=submit], input[type=submit]").first.click()
    person.check(step)
    errors = person.main.locator(".error, .errors p, .message.error").all_inner_texts()
    assert not refused, f"{step}: the browser refused rendered values: {refused}"
    assert not errors, f"{step}: the form did not save: {errors}"


def as_worker(journey, member, lang: str):
    member.user.language = lang
    member.user.save(update_fields=["language"])
    if member.pk:
        Member.objects.filter(pk=member.pk).update(language=lang)
    person = journey.person("worker")
    log_in(person, member.user.email, PASSWORD)
    person.check("after-login")
    return person


def success_message(person) -> None:
    assert person.page.locator(".message.success").count() >= 1, f"no success message on {person.page.url}"


@pytest.fixture(params=LANGUAGES)
def lang(request):
    return request.param


@pytest.fixture
def member(tree):
    # Born on March 8th: zh-hans writes it 1992/03/08, which a date input refuses.
    return ActiveMemberFactory(
        unit=tree["branch_a"], name="李娟", user__email="li.juan@example.cn", date_of_birth=date(1992, 3, 8)
    )


def test_profile_create(journey, tree, lang):
    user = UserFactory(email="new.worker@example.cn")
    user.language = lang
    user.save(update_fields=["language"])
    person = journey.person("worker")
    log_in(person, user.email, PASSWORD)
    assert person.page.url.endswith("/me/profile/new/")
    person.check("profile-new")
    submit_as_rendered(
        person, "form", step="profile-created", values={"unit": "甲厂工会 / 甲厂一车间", "employee_number": "JZ-0308"}
    )
    success_message(person)
    assert Member.objects.filter(user=user).exists()


def test_profile_edit(journey, member, lang):
    person = as_worker(journey, member, lang)
    person.goto("/me/profile/edit/")
    person.check("profile-edit")
    submit_as_rendered(person, "form", step="profile-saved")
    success_message(person)
    member.refresh_from_db()
    assert member.date_of_birth.isoformat() == "1992-03-08"


def test_membership_apply(journey, tree, lang):
    registered = MemberFactory(unit=tree["branch_a"], user__email="registered@example.cn")
    person = as_worker(journey, registered, lang)
    submit_as_rendered(person, "form[action='/me/apply/']", step="applied")
    success_message(person)
    registered.refresh_from_db()
    assert registered.status == Member.Status.APPLICANT


def test_deletion_request(journey, member, lang):
    person = as_worker(journey, member, lang)
    person.goto("/me/deletion/")
    person.check("deletion-form")
    submit_as_rendered(person, "form[method=post]", step="deletion-requested")
    assert DeletionRequest.objects.filter(member=member).exists()


def test_language_form(journey, member, lang):
    person = as_worker(journey, member, lang)
    # The language already chosen is the pressed button: tapping it keeps the language.
    submit_as_rendered(
        person, "form.language", step="language-kept", scope=person.page.locator("header"), button="[aria-pressed=true]"
    )
    member.user.refresh_from_db()
    assert member.user.language == lang


def test_calendar_feed_form(journey, member, lang):
    person = as_worker(journey, member, lang)
    person.goto("/activities/mine/")
    person.check("my-activities")
    submit_as_rendered(person, "form[action='/activities/feed/']", step="feed-made")
    success_message(person)


def test_activity_sign_up_and_cancel(journey, tree, member, lang):
    hike = ActivityFactory(unit=tree["union_a"], title="三八节女职工登山", capacity=5)
    detail = f"/activities/{hike.pk}/"
    person = as_worker(journey, member, lang)
    person.goto(detail)
    person.check("activity")
    submit_as_rendered(person, f"form[action='{detail}signup/']", step="signed-up")
    assert Registration.objects.get(activity=hike, member=member).status == Registration.Status.CONFIRMED
    if not person.page.url.endswith(detail):
        person.goto(detail)
        person.check("activity-again")
    submit_as_rendered(person, f"form[action='{detail}cancel/']", step="cancelled")
    assert Registration.objects.get(activity=hike, member=member).status != Registration.Status.CONFIRMED


@pytest.mark.parametrize("anonymous", [False, True], ids=["named", "anonymous"])
def test_feedback_submit(journey, member, lang, anonymous):
    # The daily anonymous limit counts in the cache, which outlives each test's database.
    cache.clear()
    person = as_worker(journey, member, lang)
    person.goto("/feedback/new/")
    person.check("feedback-form")
    if anonymous:
        person.main.locator("input[name=anonymous]").check()
    submit_as_rendered(person, "form[method=post]", step="feedback-sent", values={"title": "夜班班车"})
    assert Feedback.objects.filter(title="夜班班车").count() == 1


def test_activity_rate(journey, tree, member, lang):
    starts = (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    talk = ActivityFactory(
        unit=tree["union_a"], title="安全生产讲座", starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    Registration.objects.create(activity=talk, member=member, status=Registration.Status.ATTENDED)
    detail = f"/activities/{talk.pk}/"
    person = as_worker(journey, member, lang)
    person.goto(detail)
    person.check("attended-activity")
    submit_as_rendered(person, f"form[action='{detail}rate/']", step="rated")
    success_message(person)
    assert Registration.objects.get(activity=talk, member=member).rating.score


def test_welfare_request_submit_and_reply(journey, member, lang):
    welfare_factories.scheme("hardship", standard="2000", cap="5000", threshold="3000")
    person = as_worker(journey, member, lang)
    person.goto("/welfare/new/hardship/")
    person.check("welfare-form")
    submit_as_rendered(
        person, "form[enctype='multipart/form-data']", step="welfare-sent", values={"amount_requested": "2000"}
    )
    request = WelfareRequest.objects.get(member=member)
    person.goto(f"/welfare/{request.pk}/")
    person.check("welfare-request")
    reply = person.main.locator(f"form[action='/welfare/{request.pk}/reply/']")
    # The message is the worker's content, not a rendered value: it is typed, the rest is left as rendered.
    reply.locator("textarea[name=body]").fill("工资条明天补交。")
    submit_as_rendered(person, f"form[action='/welfare/{request.pk}/reply/']", step="welfare-replied")
    success_message(person)
