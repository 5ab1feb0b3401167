"""Who may open which URL, generated from the URL configuration.

Every URL of the portal (the admin's and allauth's own aside) must have an
entry in ``ACCESS``: a new URL without one fails ``test_every_url_has_an_entry``.
Each URL that names an object (an id or a token) is tried as its owner,
another worker of the same branch, a worker of another union, an anonymous
visitor and each officer role. Anyone not allowed gets 404 (so nobody learns
that the object exists) and changes nothing; an anonymous visitor is sent to
the login page. One more column, an officer over everything (the chair's roles)
who logged in with a password only and has no authenticator app, must be refused
on every URL (sent to set one up, or 404) while ``STAFF_REQUIRE_MFA`` is on, so a
new officer's view cannot forget the second factor.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import get_converters

from members import services as member_services

ROLES = ["owner", "other_worker", "outsider", "anonymous", "officer", "sibling_officer", "welfare_officer", "chair"]
OFFICERS = ("officer", "welfare_officer", "chair")  # all act for union A or above it
NO_SECOND_FACTOR = "officer_without_second_factor"
EXCLUDED_PREFIXES = ("admin/", "accounts/")  # the back office and allauth: tested on their own


@dataclass
class Case:
    """One object behind a URL: how to make it, how to call the URL, who may."""

    make: Callable[[dict], dict]  # the cast -> the URL's kwargs
    allowed: tuple[str, ...] = ("owner",)
    method: str = "GET"
    data: dict = field(default_factory=dict)
    label: str = ""
    anonymous: str = "login"  # what a visitor who is not logged in gets: "login", "open", "redirect" or "404"


@dataclass
class NoObject:
    """A URL that names no object; ``anonymous`` says what a visitor gets."""

    anonymous: str  # "login" (sent to the login page) or "open"
    method: str = "GET"


# --- objects ------------------------------------------------------------------


def card_token(cast) -> dict:
    return {"token": member_services.member_card_token(cast["owner"])}


def feedback_named(cast) -> dict:
    from feedback import services

    item, _ = services.feedback_submit(
        member=cast["owner"], category="canteen", title="食堂排队太久", body="中午排队要二十分钟。", anonymous=False
    )
    return {"pk": item.pk}


def feedback_published(cast) -> dict:
    from feedback import services

    kwargs = feedback_named(cast)
    item = services.Feedback.objects.get(pk=kwargs["pk"])
    services.feedback_publish(feedback=item, by=cast["chair"], official_answer="已增加一个窗口。")
    return kwargs


def welfare_request(cast, sensitivity: str = "normal") -> "object":
    from tests.welfare import factories, files

    factories.scheme("hardship")
    code = "hardship" if sensitivity == "normal" else "discrimination"
    return factories.submit(cast["owner"], code, sensitivity=sensitivity, files=[files.pdf("收入证明.pdf")])


def welfare_normal(cast) -> dict:
    return {"pk": welfare_request(cast).pk}


def welfare_normal_file(cast) -> dict:
    return {"pk": welfare_request(cast).attachments.get().pk}


def welfare_confidential_file(cast) -> dict:
    return {"pk": welfare_request(cast, "confidential").attachments.get().pk}


def welfare_type(cast) -> dict:
    return {"code": "hardship"}


def unsubscribe_token(cast) -> dict:
    from members.notify import unsubscribe_token_for

    return {"token": unsubscribe_token_for(member=cast["owner"])}


def unsubscribe_token_forged(cast) -> dict:
    from django.core import signing

    # The owner's id, signed with another salt: what someone guessing tokens would try.
    return {"token": signing.Signer(salt="members.card").sign(str(cast["owner"].pk))}


def activity_of_union_a(cast) -> "object":
    from tests.activities.factories import ActivityFactory

    return ActivityFactory(unit=cast["owner"].unit.grassroots_union, title="三八节登山", capacity=5)


def activity(cast) -> dict:
    return {"pk": activity_of_union_a(cast).pk}


def activity_signed_up(cast) -> dict:
    from activities import services

    item = activity_of_union_a(cast)
    services.registration_signup(activity=item, member=cast["owner"], by=cast["owner"].user)
    return {"pk": item.pk}


def registration(cast) -> dict:
    from activities import services

    item = activity_of_union_a(cast)
    return {"pk": services.registration_signup(activity=item, member=cast["owner"], by=cast["owner"].user).pk}


def calendar_feed_token(cast) -> dict:
    from activities import services

    return {"token": services.calendar_feed_renew(member=cast["owner"]).token}


def calendar_feed_forged(cast) -> dict:
    calendar_feed_token(cast)
    return {"token": "a" * 43}


def care_case(cast) -> dict:
    from care import services

    case = services.case_open(member=cast["owner"], kind="hospital", by=cast["officer"], reason="住院")
    return {"pk": case.pk}


def grant_notice(cast) -> "object":
    from tests.notices.factories import approved_grant, open_now, rule

    rule("hardship")
    return open_now(approved_grant(cast["owner"], cast["officer"]).notice)


def notice(cast) -> dict:
    return {"pk": grant_notice(cast).pk}


def objection(cast) -> dict:
    from notices import services

    item = grant_notice(cast)
    other = cast["other_worker"]
    return {"pk": services.objection_raise(notice=item, member=other, by=other.user, reason="情况不属实").pk}


def short_link_code(cast) -> dict:
    from notifications.shortlinks import short_code, short_url

    short_url("/me/")
    return {"code": short_code("/me/")}


def learning_material(cast) -> dict:
    from tests.learning.factories import MaterialFactory

    return {"pk": MaterialFactory(unit=cast["owner"].unit.grassroots_union).pk}


def learning_pdf(cast) -> dict:
    from django.core.files.base import ContentFile

    from learning.models import Material
    from tests.learning.factories import MaterialFactory
    from tests.welfare import files

    material = MaterialFactory.build(
        unit=cast["owner"].unit.grassroots_union, kind=Material.Kind.PDF, content_type="application/pdf"
    )
    material.file.save("rules.pdf", ContentFile(files.pdf("rules.pdf").read()), save=False)
    material.save()
    return {"pk": material.pk}


def learning_course(cast) -> dict:
    from tests.learning.factories import course_with_questions

    return {"pk": course_with_questions(unit=cast["owner"].unit.grassroots_union).pk}


def learning_step(cast) -> dict:
    from learning import services
    from tests.learning.factories import course_with_questions

    course = course_with_questions(unit=cast["owner"].unit.grassroots_union)
    for member in (cast["owner"], cast["other_worker"]):
        services.course_start(course=course, member=member)
    return {"pk": course.steps.first().pk}


def learning_completed(cast) -> dict:
    from learning import services
    from tests.learning.factories import course_with_questions, right_answers

    course = course_with_questions(unit=cast["owner"].unit.grassroots_union, steps=1)
    enrolment = services.course_start(course=course, member=cast["owner"])
    step = course.steps.get()
    services.step_answer(enrolment=enrolment, step=step, answers=right_answers(step))
    return {"pk": course.pk}


def learning_post(cast) -> dict:
    from learning import services
    from learning.models import Material

    material = Material.objects.get(**learning_material(cast))
    return {"pk": services.post_create(member=cast["other_worker"], thread=material, text="试用期能延长吗？").pk}


def survey_of_union_a(cast) -> dict:
    from tests.surveys import factories

    # Named, so its results are not withheld for want of answers (anonymous ones need five).
    return {"pk": factories.survey(unit=cast["owner"].union, by=cast["chair"], anonymous=False).pk}


def survey_choice(cast) -> dict:
    from tests.surveys import factories

    item = factories.survey(unit=cast["owner"].union, by=cast["chair"], anonymous=False)
    factories.answer(item, cast["other_worker"])
    return {"pk": factories.choice(item, 1, "登山徒步").pk}


def proposal_of_owner(cast) -> dict:
    from tests.proposals import factories

    return {"pk": factories.proposal(cast["owner"]).pk}


# The owner's union (A) may see a published item; union B may not.
UNION_A = ("owner", "other_worker", *OFFICERS)

ACCESS: dict[str, list[Case] | NoObject] = {
    "home": NoObject("open"),
    "privacy": NoObject("open"),
    "health": NoObject("open"),
    "favicon": NoObject("open"),
    "language-set": NoObject("open", method="POST"),
    "members:profile": NoObject("login"),
    "members:profile-create": NoObject("login"),
    "members:profile-edit": NoObject("login"),
    "members:apply": NoObject("login", method="POST"),
    "members:withdraw": NoObject("login", method="POST"),
    "members:card": NoObject("login"),
    "members:card-renew": NoObject("login", method="POST"),
    "members:data-export": NoObject("login"),
    "members:deletion-request": NoObject("login"),
    # The verification page's "send again": for who has not signed in yet (this session's address only).
    "members:verification-resend": NoObject("open", method="POST"),
    # Only an officer over the member's unit may look a scanned card up.
    "members:card-scan": [Case(card_token, allowed=OFFICERS)],
    "welfare:list": NoObject("login"),
    "welfare:choose-type": NoObject("login"),
    # A type of request is no secret: every logged-in person reaches the form (or is asked for a profile).
    "welfare:submit": [Case(welfare_type, allowed=tuple(r for r in ROLES if r != "anonymous"))],
    "welfare:detail": [Case(welfare_normal)],
    "welfare:reply": [Case(welfare_normal, method="POST", data={"body": "补充：工资条已上传。"})],
    "welfare:withdraw": [Case(welfare_normal), Case(welfare_normal, method="POST", data={"note": "不需要了"})],
    # Files: the worker and the officers over the unit; a confidential case's only to welfare officers and the chair.
    "welfare:attachment": [
        Case(welfare_normal_file, allowed=("owner", *OFFICERS), label="normal request"),
        Case(welfare_confidential_file, allowed=("owner", "welfare_officer", "chair"), label="confidential request"),
    ],
    "care:list": NoObject("login"),
    "care:report": NoObject("login"),
    # A care case is the worker's: officers handle it in the back office, a colleague never sees it.
    "care:detail": [Case(care_case), Case(care_case, method="POST", data={"wish": "phone"})],
    "notices:board": NoObject("login"),
    # A notice of union A's branch: members of the branch (and the units above) read it and may object.
    "notices:detail": [Case(notice, allowed=("owner", "other_worker"))],
    "notices:object": [Case(notice, allowed=("owner", "other_worker"), method="POST", data={"reason": "不属实"})],
    # Only the chair decides an objection, over the notice's unit.
    "notices:decide": [
        Case(objection, allowed=("chair",)),
        Case(objection, allowed=("chair",), method="POST", data={"decision": "dismiss", "reason": "已核实"}),
    ],
    "activities:list": NoObject("login"),
    "activities:mine": NoObject("login"),
    "activities:feed-manage": NoObject("login", method="POST"),
    # Published activities of union A: its members see them and may sign up; union B's may not.
    "activities:detail": [Case(activity, allowed=("owner", "other_worker"))],
    "activities:calendar": [Case(activity, allowed=("owner", "other_worker"))],
    "activities:signup": [Case(activity, allowed=("owner", "other_worker"), method="POST")],
    "activities:cancel": [Case(activity_signed_up, method="POST")],
    "activities:rate": [Case(activity_signed_up)],
    "activities:registration": [Case(registration)],
    # A calendar app fetches the private feed without logging in: the token is the key.
    "activities:feed": [
        Case(calendar_feed_token, allowed=tuple(ROLES), anonymous="open", label="the member's own token"),
        Case(calendar_feed_forged, allowed=(), anonymous="404", label="a forged token"),
    ],
    # An officer over the member's unit checks a scanned member in.
    "activities:check-in": [Case(card_token, allowed=OFFICERS)],
    "mail:preferences": NoObject("login"),
    # Setting a password without the old one, only just after signing in with a texted code.
    "members:password-by-code": NoObject("login"),
    # A text's short link leads anyone to its page (which asks for a login itself); an unknown code is 404.
    "notifications:short-link": [
        Case(short_link_code, allowed=tuple(ROLES), anonymous="redirect", label="a link we made"),
        Case(lambda cast: {"code": "nothere"}, allowed=(), anonymous="404", label="a code we never made"),
    ],
    # The provider posts replies without cookies: the token in the URL is the proof (none is set in
    # tests: every token is 404; tests/notifications/test_sms_replies.py sets one).
    "notifications:sms-inbound": [
        Case(lambda cast: {"token": "guessed"}, allowed=(), anonymous="404", method="POST", label="a guessed token"),
    ],
    # One-click unsubscribe (RFC 8058): mail providers call it without cookies; the signed token is the proof.
    "mail:unsubscribe": [
        Case(unsubscribe_token, allowed=tuple(ROLES), anonymous="open", label="the member's own token"),
        Case(unsubscribe_token_forged, allowed=(), anonymous="404", label="a forged token"),
        Case(unsubscribe_token_forged, allowed=(), anonymous="404", method="POST", label="a forged token, POST"),
    ],
    "feedback:board": NoObject("login"),
    "feedback:submit": NoObject("login"),
    "feedback:mine": NoObject("login"),
    # The code travels in the form body; wrong codes are counted and blocked.
    "feedback:follow-up": NoObject("open"),
    "feedback:detail": [
        Case(feedback_named, label="named, not published"),
        Case(feedback_published, allowed=UNION_A, label="published in union A"),
    ],
    "feedback:reply": [
        Case(feedback_named, method="POST", data={"text": "补充一句"}, label="named, not published"),
        Case(feedback_published, method="POST", data={"text": "补充一句"}, label="published: still the author's"),
    ],
    "learning:library": NoObject("login"),
    "learning:mine": NoObject("login"),
    # Material and courses of union A: its members read them, officers over it too; union B's may not.
    "learning:material": [Case(learning_material, allowed=UNION_A)],
    "learning:material-file": [Case(learning_pdf, allowed=UNION_A)],
    # Officers without a member profile are sent to fill one in (a 302): they may reach the page.
    "learning:material-discuss": [Case(learning_material, allowed=UNION_A, method="POST", data={"text": "请问"})],
    "learning:course": [Case(learning_course, allowed=UNION_A)],
    "learning:course-start": [Case(learning_course, allowed=UNION_A, method="POST")],
    "learning:course-discuss": [Case(learning_course, allowed=UNION_A, method="POST", data={"text": "请问"})],
    "learning:step": [Case(learning_step, allowed=UNION_A)],
    # The completion record is the owner's alone.
    "learning:certificate": [Case(learning_completed, allowed=("owner", *OFFICERS))],
    # The owner reports the other worker's post first, which hides it: after that nobody else finds it.
    "learning:post-report": [Case(learning_post, allowed=("owner", *OFFICERS), method="POST")],
    "feedback:support": [
        Case(feedback_named, method="POST", label="named, not published"),
        Case(feedback_published, allowed=UNION_A, method="POST", label="published in union A"),
    ],
    "surveys:list": NoObject("login"),
    # A survey of union A asks its members; the officers over it read the results.
    "surveys:answer": [
        Case(survey_of_union_a, allowed=("owner", "other_worker")),
        Case(survey_of_union_a, allowed=("owner", "other_worker"), method="POST", label="an empty answer"),
    ],
    "surveys:results": [Case(survey_of_union_a, allowed=OFFICERS)],
    "surveys:csv": [Case(survey_of_union_a, allowed=OFFICERS)],
    "surveys:draft": [Case(survey_choice, allowed=OFFICERS, method="POST")],
    "proposals:list": NoObject("login"),
    "proposals:submit": NoObject("login"),
    # A proposal for union A: its members read and co-sign it; the officers over it decide.
    "proposals:detail": [Case(proposal_of_owner, allowed=("owner", "other_worker"))],
    "proposals:sign": [Case(proposal_of_owner, allowed=("owner", "other_worker"), method="POST")],
    "proposals:review": [
        Case(proposal_of_owner, allowed=OFFICERS),
        Case(
            proposal_of_owner,
            allowed=OFFICERS,
            method="POST",
            data={"decision": "decline", "answer": "今年经费已用完，明年再议。"},
            label="decline",
        ),
    ],
}


# --- walking the URL configuration ------------------------------------------------


CONVERTERS = {type(converter): name for name, converter in get_converters().items()}


def portal_urls(patterns=None, prefix: str = "", namespace: str = "", with_converters: bool = False):
    """(name, route, parameters) of every URL outside the admin and allauth; the parameters as
    a sorted list of names, or with ``with_converters`` as {name: converter name}."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from portal_urls(pattern.url_patterns, route, inner, with_converters)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else route
            converters = pattern.pattern.converters
            if with_converters:
                yield name, route, {key: CONVERTERS[type(value)] for key, value in converters.items()}
            else:
                yield name, route, sorted(converters)


def test_every_url_has_an_entry():
    found = {name: params for name, _, params in portal_urls()}
    missing = sorted(set(found) - set(ACCESS))
    stale = sorted(set(ACCESS) - set(found))
    assert not missing, f"add these URLs to ACCESS in {__name__}: {missing}"
    assert not stale, f"these entries name no URL any more: {stale}"
    for name, params in found.items():
        if params:
            assert isinstance(ACCESS[name], list), f"{name} takes {params}: list who may use it"
        else:
            assert isinstance(ACCESS[name], NoObject), f"{name} names no object: use NoObject"


# --- the checks ---------------------------------------------------------------------


@pytest.fixture
def cast(worker, other_worker, outsider, officer, sibling_officer, welfare_officer, chair, tree):
    from allauth.mfa.models import Authenticator

    from tests.factories import officer_user

    for user in (officer, sibling_officer, welfare_officer, chair):
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    return {
        NO_SECOND_FACTOR: officer_user(
            unit=tree["root"], roles=("Chair", "Welfare officer"), email="password-only@example.cn"
        ),
        "owner": worker,
        "other_worker": other_worker,
        "outsider": outsider,
        "officer": officer,
        "sibling_officer": sibling_officer,
        "welfare_officer": welfare_officer,
        "chair": chair,
    }


def _user(cast, role):
    person = cast[role]
    return getattr(person, "user", person)


def _row_counts() -> dict[str, int]:
    """Rows per table of our apps: a wrong person's request must change none."""
    counts = {}
    apps_ = ("members", "notifications", "activities", "welfare", "feedback", "care", "notices", "learning")
    for app in (*apps_, "surveys", "proposals"):
        for model in apps.get_app_config(app).get_models():
            counts[model._meta.label] = model._base_manager.count()
    return counts


OBJECT_CASES = [
    pytest.param(name, index, id=f"{name}[{case.label or index}]")
    for name, cases in ACCESS.items()
    if isinstance(cases, list)
    for index, case in enumerate(cases)
]


MISSING = {"int": 987654321, "uuid": uuid.UUID(int=1), "slug": "no-such-thing", "str": "no-such-token-0000"}


def _missing_kwargs(name: str, kwargs: dict) -> dict:
    """The same URL naming an object that does not exist."""
    converters = next(params for url_name, _, params in portal_urls(with_converters=True) if url_name == name)
    return {key: MISSING[converters[key]] for key in kwargs}


def _answer(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


@pytest.mark.parametrize("name,index", OBJECT_CASES)
def test_only_the_right_people_reach_an_object(client, cast, name, index):
    """The owner and those allowed get the page; anyone else gets exactly what they would
    get for an object that does not exist (a 404, or first the login or profile page),
    and changes nothing."""
    case = ACCESS[name][index]
    kwargs = case.make(cast)
    url = reverse(name, kwargs=kwargs)
    missing_url = reverse(name, kwargs=_missing_kwargs(name, kwargs))
    verdicts = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(_user(cast, role))
        missing = _answer(client.generic(case.method, missing_url, data=_encode(case.data), content_type=_FORM))
        before = _row_counts()
        response = client.generic(case.method, url, data=_encode(case.data), content_type=_FORM)
        allowed = role in case.allowed
        if role == "anonymous" and case.anonymous == "login":
            ok = response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        elif role == "anonymous" and case.anonymous == "redirect":
            ok = response.status_code == 302  # on to the page, which asks for a login itself
        elif role == "anonymous" and case.anonymous == "404":
            ok = response.status_code == 404 and _row_counts() == before
        elif role == "anonymous":
            ok = response.status_code == 200
        elif allowed:
            ok = response.status_code in (200, 302) and not response.get("Location", "").startswith(
                reverse("account_login")
            )
            if response.get("Content-Type", "").startswith("text/html"):
                ok = ok and "script-src 'self'" in response.get("Content-Security-Policy", "")
        else:
            refused = response.status_code == 404 or response.get("Location", "").startswith(
                (reverse("account_login"), reverse("members:profile-create"))
            )
            ok = refused and _answer(response) == missing and _row_counts() == before
        verdicts[role] = (response.status_code, "ok" if ok else "WRONG")
    client.logout()
    client.force_login(cast[NO_SECOND_FACTOR])
    before = _row_counts()
    response = client.generic(case.method, url, data=_encode(case.data), content_type=_FORM)
    ok = _refused_for_want_of_a_second_factor(response) and _row_counts() == before
    verdicts[NO_SECOND_FACTOR] = (response.status_code, "ok" if ok else "WRONG")
    wrong = {role: status for role, (status, verdict) in verdicts.items() if verdict == "WRONG"}
    assert not wrong, f"{case.method} {url}: {verdicts}"


def _refused_for_want_of_a_second_factor(response) -> bool:
    return response.status_code == 404 or response.get("Location") == reverse("mfa_activate_totp")


NO_OBJECT = [name for name, entry in ACCESS.items() if isinstance(entry, NoObject)]


@pytest.mark.parametrize("name", NO_OBJECT)
def test_an_anonymous_visitor_is_sent_to_log_in_or_served(client, db, name):
    entry = ACCESS[name]
    response = client.generic(entry.method, reverse(name), data=_encode({}), content_type=_FORM)
    if entry.anonymous == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code in (200, 301, 302)
        assert not response.get("Location", "").startswith(reverse("account_login"))
    if response.get("Content-Type", "").startswith("text/html"):
        assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", [name for name in NO_OBJECT if ACCESS[name].anonymous == "login"])
def test_an_officer_without_a_second_factor_is_sent_to_set_one_up(client, tree, name):
    from tests.factories import officer_user

    entry = ACCESS[name]
    client.force_login(officer_user(unit=tree["root"], roles=("Chair",), email="password-only@example.cn"))
    response = client.generic(entry.method, reverse(name), data=_encode({}), content_type=_FORM)
    assert _refused_for_want_of_a_second_factor(response)


_FORM = "application/x-www-form-urlencoded"


def _encode(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data)
