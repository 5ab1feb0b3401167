"""An anonymous item keeps no link to its author: not in its row, its
history, its messages, the outbox, the admin log, the session, anywhere.

The main test drives the whole life of an anonymous item through the real
web pages (so every middleware runs, simple-history's included) while the
author is logged in, then reads every column of every row of every table.
"""

import datetime
import re
import uuid

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import models

from feedback.models import Feedback, FeedbackMessage
from members.models import Member, User
from notifications.models import Notification


def _all_models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            yield model


def _snapshot() -> dict:
    """Every row of every table: {(model label, pk): {attname: value}}."""
    rows = {}
    for model in _all_models():
        attnames = [f.attname for f in model._meta.concrete_fields]
        for values in model._base_manager.values_list(*attnames):
            row = dict(zip(attnames, values, strict=True))
            rows[(model._meta.label, row[model._meta.pk.attname])] = row
    return rows


def _identity(member: Member) -> dict:
    texts = [member.name, member.user.email, member.email, member.employee_number, member.membership_number]
    return {"user_id": member.user.pk, "member_id": member.pk, "texts": [t for t in texts if t]}


def _links(label: str, row: dict, who: dict) -> list[str]:
    """The columns of one row that point at ``who`` (empty if none)."""
    model = apps.get_model(label)
    found = []
    for field in model._meta.concrete_fields:
        value = row[field.attname]
        if value is None:
            continue
        target = field.related_model if field.is_relation else None
        if target is User and value == who["user_id"]:
            found.append(f"{field.attname} = author's account")
        elif target is Member and value == who["member_id"]:
            found.append(f"{field.attname} = author's member profile")
        elif isinstance(field, models.CharField | models.TextField | models.JSONField):
            text = str(value)
            found += [f"{field.attname} mentions {t!r}" for t in who["texts"] if t in text]
    if model is LogEntry:
        ct = ContentType.objects.get_for_id(row["content_type_id"]) if row["content_type_id"] else None
        if (
            ct
            and ct.model_class() in (User, Member)
            and row["object_id"]
            in (
                str(who["user_id"]),
                str(who["member_id"]),
            )
        ):
            found.append("admin log entry about the author")
    if model is Session:
        data = SessionStore().decode(row["session_data"])
        if str(data.get("_auth_user_id")) == str(who["user_id"]):
            found.append("the author's session was written to")
    return found


def _code_from(response) -> str:
    match = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", response.content.decode())
    assert match, "the follow-up code is shown once, right after sending"
    return match.group(0)


def test_an_anonymous_item_leaves_no_trace_of_its_author_in_any_table(
    worker, other_worker, officer, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    author = client_for(worker.user)
    supporter = client_for(other_worker.user)
    office = client_for(officer, staff=True)
    who = _identity(worker)
    before = _snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        page = author.get("/feedback/new/")
        nonce = page.context["form"].initial["nonce"]
        response = author.post(
            "/feedback/new/",
            {
                "category": "safety",
                "title": "夜班照明不足",
                "body": "三号仓库夜里只有一盏灯，搬货时看不清台阶。",
                "anonymous": "on",
                "nonce": nonce,
            },
        )
        assert response.status_code == 200
        code = _code_from(response)
        item = Feedback.objects.get()

        # The officer answers privately, publishes, and decides, all through the back office.
        assert (
            office.post(f"/admin/feedback/feedback/{item.pk}/answer/", {"how": "private", "text": "已安排电工检查。"})
        ).status_code == 302
        # The author, still logged in, reads and replies with the code.
        reply = author.post("/feedback/follow-up/", {"code": code, "text": "谢谢，台阶那里最暗。"})
        assert "谢谢，台阶那里最暗。" in reply.content.decode()
        office.post(
            f"/admin/feedback/feedback/{item.pk}/answer/", {"how": "publish", "text": "已在三号仓库加装四盏灯。"}
        )
        supporter.post(f"/feedback/{item.pk}/support/")
        office.post(
            "/admin/feedback/feedback/",
            {"action": "change_state", "_selected_action": [item.pk], "to": "adopted", "note": ""},
        )

    item.refresh_from_db()
    assert (item.state, item.published, item.supports.count(), item.messages.count()) == ("adopted", True, 1, 2)
    after = _snapshot()

    # 1. Everything feedback-related, the outbox and the admin log: every row, every column.
    related = {"feedback", "notifications", "admin"}
    leaks = {
        key: links
        for key, row in after.items()
        if apps.get_model(key[0])._meta.app_label in related and (links := _links(key[0], row, who))
    }
    assert leaks == {}

    # 2. Every other table: nothing written during the item's life points at the author.
    changed = {key: row for key, row in after.items() if before.get(key) != row}
    leaks = {key: links for key, row in changed.items() if (links := _links(key[0], row, who))}
    assert leaks == {}
    assert any(label == "feedback.Feedback" for label, _ in changed)  # the scan saw the item

    # 3. Nobody was e-mailed and no history was kept for the item.
    assert mailoutbox == []
    assert not Notification.objects.exists()
    assert not Feedback.history.filter(id=item.pk).exists()


def test_an_anonymous_row_holds_the_unit_and_nothing_of_the_person(anonymous_item, worker, tree):
    item, code = anonymous_item
    row = Feedback.objects.filter(pk=item.pk).values().get()
    assert row["author_id"] is None
    assert row["unit_id"] == tree["union_a"].pk  # the worker's branch has one member: the union above it
    assert row["anonymous"] is True
    assert code.replace("-", "") not in str(row)  # only the HMAC is kept
    assert len(row["followup_digest"]) == 64


def test_the_database_refuses_an_anonymous_item_with_an_author(worker, tree):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(
            unit=tree["branch_a"],
            category="safety",
            title="t",
            body="b",
            anonymous=True,
            author=worker,
            followup_digest="x",
        )


def test_the_authors_side_carries_days_not_moments(anonymous_item):
    """Officers see when an anonymous item came in to the day, never the minute;
    its ids are random, so their order says nothing either."""
    item, _ = anonymous_item
    datetimes = {f.name for f in Feedback._meta.concrete_fields if isinstance(f, models.DateTimeField)}
    assert datetimes == {"published_at"}  # an officer's act, not the author's
    assert not [f for f in FeedbackMessage._meta.concrete_fields if isinstance(f, models.DateTimeField)]
    assert type(item.submitted_on) is datetime.date
    assert isinstance(item.pk, uuid.UUID)
    assert isinstance(FeedbackMessage._meta.pk, models.UUIDField)


def test_a_reply_by_a_logged_in_author_writes_no_history_even_with_the_history_middleware(
    anonymous_item, worker, client_for
):
    item, code = anonymous_item
    client_for(worker.user).post("/feedback/follow-up/", {"code": code, "text": "补充：螺丝是M8的。"})
    assert item.messages.get().officer_id is None
    assert not Feedback.history.filter(id=item.pk).exists()


def test_named_items_keep_their_history(named_item, officer):
    from feedback import services

    services.feedback_transition(feedback=named_item, to="considering", by=officer)
    assert list(Feedback.history.filter(id=named_item.pk).values_list("state", flat=True).order_by("history_date")) == [
        "received",
        "considering",
    ]


def test_officers_changes_to_an_anonymous_item_are_recorded_with_the_officer_only(anonymous_item, officer):
    from feedback import services

    item, _ = anonymous_item
    services.feedback_transition(feedback=item, to="considering", by=officer, note="转安全科")
    assert list(item.events.values_list("by", "from_state", "to_state", "note")) == [
        (officer.pk, "received", "considering", "转安全科")
    ]


# --- What the cache and the response say about an anonymous author ----------------------------------


class _CacheSpy:
    """The real cache, with every write it receives noted: (method, key, value, timeout)."""

    def __init__(self, real):
        self._real = real
        self.writes = []

    def __getattr__(self, name):
        return getattr(self._real, name)

    def add(self, key, value, timeout=None):
        self.writes.append(("add", key, value, timeout))
        return self._real.add(key, value, timeout=timeout)

    def set(self, key, value, timeout=None):
        self.writes.append(("set", key, value, timeout))
        return self._real.set(key, value, timeout=timeout)

    def incr(self, key, delta=1):
        self.writes.append(("incr", key, delta, None))
        return self._real.incr(key, delta)


@pytest.fixture
def cache_spy(monkeypatch):
    from django.core.cache import cache

    from feedback import services

    spy = _CacheSpy(cache)
    monkeypatch.setattr(services, "cache", spy)
    return spy


def _send_anonymous(member):
    from feedback import services

    return services.feedback_submit(member=member, category="hours", title="加班", body="太多", anonymous=True)


def test_the_cache_holds_a_counter_and_no_salt(worker, cache_spy, time_machine):
    from django.core.cache import cache

    time_machine.move_to("2026-03-02 10:00 +08:00")
    _send_anonymous(worker)
    assert cache_spy.writes, "the rate limit counts in the cache"
    # Only the counter was written, and only numbers: nothing a salt or key could be read from.
    assert {key for _, key, _, _ in cache_spy.writes} == {cache_spy.writes[0][1]}
    assert all(isinstance(value, int) for _, _, value, _ in cache_spy.writes)
    assert "2026-03-02" in cache_spy.writes[0][1]  # a new day is a new counter
    assert cache.get("feedback:anon-salt:2026-03-02") is None


def test_the_counter_key_is_derived_from_the_secret_key_and_the_day(worker, time_machine, settings):
    from feedback import services

    time_machine.move_to("2026-03-02 10:00 +08:00")
    key = services._anonymous_counter_key(worker)
    time_machine.move_to("2026-03-02 23:00 +08:00")
    assert services._anonymous_counter_key(worker) == key  # the same all day, with nothing stored
    time_machine.move_to("2026-03-03 00:30 +08:00")
    assert services._anonymous_counter_key(worker) != key
    time_machine.move_to("2026-03-02 10:00 +08:00")
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert services._anonymous_counter_key(worker) != key


@pytest.mark.parametrize("hour", ["00:00:01", "08:15:42", "13:00:00", "23:59:58"])
def test_the_counters_expiry_says_nothing_of_when_it_was_set(worker, cache_spy, time_machine, hour):
    """Every counter of a day expires at the same moment (an hour after that day ends),
    so neither its remaining lifetime nor its expiry tells when the first item came."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    time_machine.move_to(f"2026-03-02 {hour} +08:00", tick=False)
    _send_anonymous(worker)
    timeouts = {timeout for method, _, _, timeout in cache_spy.writes if method in ("add", "set")}
    assert len(timeouts) == 1
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=timeouts.pop())
    assert expires == dt.datetime(2026, 3, 3, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_named_and_an_anonymous_post_answer_with_the_same_status(worker, client):
    """An access log records the status of every POST: it must not tell which items were anonymous."""
    client.force_login(worker.user)

    def post(**extra):
        nonce = client.get("/feedback/new/").context["form"].initial["nonce"]
        data = {"category": "canteen", "title": "食堂菜价", "body": "最近菜价涨了不少。", "nonce": nonce, **extra}
        return client.post("/feedback/new/", data)

    named, anonymous = post(), post(anonymous="on")
    assert Feedback.objects.filter(anonymous=False).count() == Feedback.objects.filter(anonymous=True).count() == 1
    assert named.status_code == anonymous.status_code == 200
    assert "Location" not in named and "Location" not in anonymous


# --- A small group does not give its author away --------------------------------------------------


def _group(parent, name, size):
    from members.models import OrgUnit
    from tests.factories import ActiveMemberFactory, add_unit

    group = add_unit(OrgUnit.objects.get(pk=parent.pk), name, OrgUnit.Kind.GROUP)
    return group, [ActiveMemberFactory(unit=group) for _ in range(size)]


def test_an_anonymous_item_from_a_three_member_group_carries_the_unit_above(tree):
    from tests.factories import ActiveMemberFactory

    group, (author, *_) = _group(tree["branch_a"], "焊接班", 3)
    ActiveMemberFactory.create_batch(2, unit=tree["branch_a"])  # the branch has 5 with the group
    item, _ = _send_anonymous(author)
    assert item.unit == tree["branch_a"]
    # A named item keeps the author's own unit.
    named, _ = services_submit_named(author)
    assert named.unit == group


def test_the_walk_up_stops_at_the_grassroots_union_however_few_it_has(tree):
    _, (author, *_) = _group(tree["branch_b"], "电工班", 2)
    item, _ = _send_anonymous(author)
    assert item.unit == tree["union_b"]  # not the federation above it


def test_a_group_of_five_keeps_its_own_unit(tree):
    group, (author, *_) = _group(tree["branch_a"], "装配班", 5)
    item, _ = _send_anonymous(author)
    assert item.unit == group


def test_members_who_left_do_not_count_towards_the_five(tree):
    from members.models import Member
    from tests.factories import MemberFactory

    group, (author, *_) = _group(tree["branch_a"], "包装班", 3)
    MemberFactory(unit=group, status=Member.Status.WITHDRAWN)
    MemberFactory(unit=group, status=Member.Status.TRANSFERRED)
    item, _ = _send_anonymous(author)
    assert item.unit == tree["union_a"]


def services_submit_named(member):
    from feedback import services

    return services.feedback_submit(member=member, category="hours", title="加班", body="太多", anonymous=False)
