"""Hypothesis on every public form: whatever a worker or a visitor sends, the
portal never answers with a server error and never leaves a half-saved object.

Each example is posted through the real view (form, service, template) inside
a transaction rolled back afterwards. After each one, every row of our apps
is checked with ``full_clean`` (a half-saved or invalid object fails), and
each form adds its own invariants.
"""

import contextlib
import os
from datetime import date
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import Member
from tests.factories import UserFactory

EXAMPLES = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202etxet",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n{0}{{ x }}",
    "１２３",
    "😀" * 50,
    "a" * 6000,
    "\r\n\r\n",
    "../../etc/passwd",
    "javascript:alert(1)",
    "//evil.example/",
    "9" * 40,
    "-1",
    "1e309",
    "2026-02-30",
    "0000-00-00",
]
# Any text a browser could send (no lone surrogates: they cannot be encoded).
TEXT = st.one_of(st.sampled_from(NASTY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))


def has_nul(data) -> bool:
    """A NUL byte anywhere: refused with a 400 before any view (lib.middleware)."""
    values = data.values() if isinstance(data, dict) else [data]
    return any("\x00" in str(value) for value in values)


def choice(valid) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(list(valid)), TEXT)


DATE = st.one_of(st.dates(min_value=date(1, 1, 1)).map(str), TEXT)
CHECKBOX = st.sampled_from(["on", "", "true", "false", "0", "1", "\x00"])


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Run one example in a transaction that is undone afterwards."""
    cache.clear()  # rate limits and form nonces start afresh
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def all_rows_valid(*labels: str) -> None:
    """Every row of the apps (or models, "app.Model") a form writes to passes its
    model validation: nothing half-saved, nothing invalid slipped through."""
    for label in labels:
        if "." in label:
            models = [apps.get_model(label)]
        else:
            models = [m for m in apps.get_app_config(label).get_models() if not m.__name__.startswith("Historical")]
        for model in models:
            for obj in model._base_manager.all():
                obj.full_clean(validate_unique=False, validate_constraints=False)


def post(client: Client, path: str, data: dict):
    response = client.post(path, data)
    assert response.status_code < 500, (path, data, response.status_code)
    return response


# --- accounts (allauth's forms, as the public uses them) --------------------------


@EXAMPLES
@given(data=st.fixed_dictionaries({}, optional={"email": TEXT, "password1": TEXT, "password2": TEXT}))
def test_sign_up_survives_any_input(db, data):
    from allauth.account.models import EmailAddress

    from members.models import User

    with rolled_back():
        post(Client(), "/accounts/signup/", data)
        # A new account always comes with its (unverified) address.
        for user in User.objects.all():
            assert EmailAddress.objects.filter(user=user, email__iexact=user.email).exists()
        all_rows_valid("members.User", "account.EmailAddress")


@EXAMPLES
@given(data=st.fixed_dictionaries({}, optional={"login": TEXT, "password": TEXT, "remember": CHECKBOX}))
def test_log_in_survives_any_input(worker, data):
    with rolled_back():
        response = post(Client(), "/accounts/login/", data)
        assert response.status_code == (400 if has_nul(data) else 200)  # never logged in by junk


# --- members ---------------------------------------------------------------------------


def profile_data(tree) -> st.SearchStrategy:
    units = [str(unit.pk) for unit in tree.values()]
    return st.fixed_dictionaries(
        {},
        optional={
            "name": TEXT,
            "gender": choice(["F", "M"]),
            "date_of_birth": DATE,
            "phone": TEXT,
            "employee_number": st.one_of(st.sampled_from(["E00001", "E00002"]), TEXT),
            "unit": choice(units),
            "job_title": TEXT,
            "retired": CHECKBOX,
            "language": choice(["zh-hans", "en"]),
            "consent": CHECKBOX,
        },
    )


def member_consistent(member: Member) -> None:
    member.full_clean()
    assert member.union_id == member.unit.grassroots_union.pk
    assert member.privacy_consent_at is not None


@pytest.mark.django_db
def test_creating_a_profile_survives_any_input(tree, other_worker):
    client = Client()
    user = UserFactory()
    client.force_login(user)

    @EXAMPLES
    @given(data=profile_data(tree))
    def run(data):
        with rolled_back():
            post(client, "/me/profile/new/", data)
            created = Member.objects.filter(user=user)
            assert created.count() <= 1
            for member in created:
                member_consistent(member)
            all_rows_valid("members.MembershipEvent")

    run()


@pytest.mark.django_db
def test_editing_a_profile_survives_any_input(tree, worker, other_worker):
    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(data=profile_data(tree))
    def run(data):
        with rolled_back():
            post(client, "/me/profile/edit/", data)
            member_consistent(Member.objects.get(pk=worker.pk))

    run()


@pytest.mark.django_db
def test_asking_for_deletion_survives_any_input(worker):
    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"reason": TEXT}))
    def run(data):
        with rolled_back():
            post(client, "/me/deletion/", data)
            assert worker.deletion_requests.filter(status="open").count() <= 1
            all_rows_valid("members.DeletionRequest")

    run()


@EXAMPLES
@given(data=st.fixed_dictionaries({}, optional={"language": choice(["zh-hans", "en"]), "next": TEXT}))
def test_switching_language_never_leaves_the_site(db, data):
    with rolled_back():
        response = post(Client(), "/language/", data)
        if has_nul(data):
            assert response.status_code == 400
            return
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


# --- feedback -------------------------------------------------------------------------


@pytest.mark.django_db
def test_sending_feedback_survives_any_input(worker):
    from feedback.models import Feedback

    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={
                "category": choice(Feedback.Category.values),
                "title": TEXT,
                "body": TEXT,
                "anonymous": CHECKBOX,
                "nonce": TEXT,
            },
        )
    )
    def run(data):
        with rolled_back():
            post(client, "/feedback/new/", data)
            for item in Feedback.objects.all():
                # Named: the author and no code; anonymous: a code and no author.
                assert (item.author_id is None) == item.anonymous == (item.followup_digest is not None)
            all_rows_valid("feedback")

    run()


@pytest.mark.django_db
def test_replying_to_own_feedback_survives_any_input(worker):
    from feedback import services

    item, _ = services.feedback_submit(
        member=worker, category="canteen", title="菜太咸", body="少放盐。", anonymous=False
    )
    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"text": TEXT}))
    def run(data):
        with rolled_back():
            post(client, f"/feedback/{item.pk}/reply/", data)
            positions = list(item.messages.values_list("position", flat=True))
            assert len(positions) == len(set(positions))
            all_rows_valid("feedback")

    run()


@pytest.mark.django_db
def test_the_follow_up_page_survives_any_code_and_reply(worker):
    from feedback import services

    _, code = services.feedback_submit(
        member=worker, category="safety", title="护栏松了", body="三号线。", anonymous=True
    )
    client = Client()

    @EXAMPLES
    @given(
        data=st.fixed_dictionaries(
            {}, optional={"code": st.one_of(st.just(code), st.just(code.lower()), TEXT), "text": TEXT}
        )
    )
    def run(data):
        with rolled_back():
            post(client, "/feedback/follow-up/", data)
            all_rows_valid("feedback")

    run()


@pytest.mark.django_db
def test_the_board_survives_any_query(worker):
    from feedback.models import Feedback

    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={
                "sort": choice(["support", "new"]),
                "category": choice(Feedback.Category.values),
                "page": TEXT,
            },
        )
    )
    def run(data):
        response = client.get("/feedback/", data)
        assert response.status_code == (400 if has_nul(data) else 200), (data, response.status_code)

    run()


# --- welfare ------------------------------------------------------------------------------

FILE_NAMES = st.one_of(
    st.sampled_from(["收入证明.pdf", "照片.png", "../../etc/passwd", "a.pdf.exe", "x" * 300 + ".pdf", ".htaccess"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60),
).filter(lambda name: os.path.basename(name) not in ("", ".", ".."))  # the test client cannot send those


def _file_contents():
    from tests.welfare import files

    return st.one_of(
        st.sampled_from([files.PDF, files.png_bytes(), files.JPEG, files.HTML, files.POLYGLOT, files.EXE, b""]),
        st.binary(max_size=2000),
    )


def uploads() -> st.SearchStrategy:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return st.lists(
        st.builds(lambda name, content: SimpleUploadedFile(name, content), FILE_NAMES, _file_contents()), max_size=3
    )


def welfare_consistent() -> None:
    """A request is saved whole: its reference, its first timeline entry, files that exist."""
    from welfare.models import Attachment, WelfareRequest

    for request in WelfareRequest.objects.all():
        assert request.reference, request.pk
        assert request.transitions.filter(from_state="").count() == 1
    for attachment in Attachment.objects.all():
        assert attachment.file.size == attachment.size
    all_rows_valid("welfare")


@pytest.mark.django_db
def test_asking_for_help_survives_any_input_and_file(worker):
    from welfare.models import RequestType, WelfareRequest

    client = Client()
    client.force_login(worker.user)
    codes = list(RequestType.objects.values_list("code", flat=True))

    @EXAMPLES
    @given(
        code=choice(codes).filter(lambda c: "/" not in c and c.strip() and "?" not in c and "#" not in c),
        data=st.fixed_dictionaries(
            {},
            optional={
                "description": TEXT,
                "amount_requested": st.one_of(st.decimals(allow_nan=True).map(str), TEXT),
                "sensitivity": choice(WelfareRequest.Sensitivity.values),
                "attachments": uploads(),
            },
        ),
    )
    def run(code, data):
        with rolled_back():
            response = client.post(f"/welfare/new/{quote(code)}/", data)
            assert response.status_code < 500
            welfare_consistent()

    run()


@pytest.mark.django_db
def test_answering_the_union_survives_any_input_and_file(worker):
    from tests.welfare import factories

    factories.scheme("hardship")
    request = factories.submit(worker, "hardship")
    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"body": TEXT, "attachments": uploads()}))
    def run(data):
        with rolled_back():
            post(client, f"/welfare/{request.pk}/reply/", data)
            for message in request.messages.all():
                assert message.body.strip() or message.attachments.exists()
            welfare_consistent()

    run()


@pytest.mark.django_db
def test_withdrawing_a_request_survives_any_input(worker):
    from tests.welfare import factories

    factories.scheme("hardship")
    request = factories.submit(worker, "hardship")
    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"note": TEXT}))
    def run(data):
        with rolled_back():
            post(client, f"/welfare/{request.pk}/withdraw/", data)
            request.refresh_from_db()
            # Withdrawn and recorded, or untouched.
            assert request.transitions.filter(to_state=request.state).exists()
            welfare_consistent()

    run()


# --- notifications ----------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_preferences_survive_any_input(worker):
    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"wants_optional_mail": CHECKBOX, "junk": TEXT}))
    def run(data):
        with rolled_back():
            post(client, "/notifications/preferences/", data)
            member_consistent(Member.objects.get(pk=worker.pk))

    run()


@pytest.mark.django_db
def test_unsubscribing_with_any_token_changes_nobody_else(worker, other_worker):
    from members.notify import unsubscribe_token_for

    real = unsubscribe_token_for(member=worker)
    client = Client()

    @EXAMPLES
    @given(
        token=st.one_of(st.just(real), st.just(real[:-1] + "x"), TEXT.filter(lambda t: t.strip("/") and "/" not in t))
    )
    def run(token):
        with rolled_back():
            response = post(client, f"/notifications/unsubscribe/{quote(token, safe='')}/", {})
            assert response.status_code in ((400,) if has_nul(token) else (200, 404))
            # Only the holder of the member's own token turns their mail off.
            assert Member.objects.get(pk=other_worker.pk).wants_optional_mail
            assert Member.objects.get(pk=worker.pk).wants_optional_mail == (token != real)

    run()


# --- activities ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_activity_list_survives_any_filter(worker):
    from activities.models import Activity
    from tests.activities.factories import ActivityFactory

    ActivityFactory(unit=worker.unit.grassroots_union, title="读书会")
    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(
        data=st.fixed_dictionaries(
            {}, optional={"category": choice(Activity.Category.values), "for_me": CHECKBOX, "page": TEXT}
        )
    )
    def run(data):
        response = client.get("/activities/", data)
        assert response.status_code == (400 if has_nul(data) else 200), (data, response.status_code)

    run()


@pytest.mark.django_db
def test_rating_an_activity_survives_any_input(worker):
    from datetime import timedelta

    from django.utils import timezone

    from activities.models import Registration
    from tests.activities.factories import ActivityFactory

    past = timezone.now() - timedelta(days=2)
    activity = ActivityFactory(unit=worker.unit.grassroots_union, starts_at=past, ends_at=past + timedelta(hours=2))
    Registration.objects.create(activity=activity, member=worker, status=Registration.Status.ATTENDED, position=1)
    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"score": choice(["1", "2", "3", "4", "5"]), "comment": TEXT}))
    def run(data):
        with rolled_back():
            post(client, f"/activities/{activity.pk}/rate/", data)
            all_rows_valid("activities")

    run()


@pytest.mark.django_db
def test_managing_the_calendar_feed_survives_any_input(worker):
    from activities.models import CalendarFeed

    client = Client()
    client.force_login(worker.user)

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"action": st.one_of(st.just("revoke"), TEXT)}))
    def run(data):
        with rolled_back():
            post(client, "/activities/feed/", data)
            assert CalendarFeed.objects.filter(member=worker).count() <= 1

    run()
