"""Sending the outbox in batches: a batch is claimed at once, each mail is
marked sent as it goes, and a worker that dies leaves the rest to the sweep.
Reminders are rendered once per language and filled in per recipient; the
mails composed for SMTP read like Django's."""

import email
from datetime import timedelta
from email.header import decode_header, make_header
from email.policy import default as default_policy

import pytest
import time_machine
from django.core import mail as django_mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from members import notify
from members import services as member_services
from notifications import services
from notifications.models import Notification
from notifications.outbound import Composer
from notifications.services import Mail, Stencil, notification_enqueue_many, render_email
from tests.markers import requires_postgres
from tests.notifications.helpers import greetings_queued_on_a_birthday, sweep_after_grace

pytestmark = pytest.mark.django_db


def queue_greetings(count: int, **mail) -> list[int]:
    mails = [
        Mail(
            key=f"test:greeting:{n}",
            to_email=f"member{n}@example.cn",
            template="birthday-greeting",
            language="zh-hans" if n % 2 else "en",
            context={"name": f"会员{n}"},
            **mail,
        )
        for n in range(count)
    ]
    notification_enqueue_many(mails=mails)
    return list(Notification.objects.order_by("pk").values_list("pk", flat=True))


class Killed(BaseException):
    """The worker's process dies: no exception handler and no clean-up runs."""


def test_a_batch_claimed_by_one_worker_is_not_sent_by_another(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        ids = queue_greetings(5)
    claimed, _ = services.notification_claim_many(notification_ids=ids)
    assert claimed == ids
    assert services.notification_send_many(notification_ids=ids) == 0
    assert sweep_after_grace() == 0
    assert mailoutbox == []


def test_a_worker_killed_mid_batch_leaves_the_rest_to_the_sweep_which_sends_each_once(
    mailoutbox, monkeypatch, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        ids = queue_greetings(6)
    real_send = Composer.send

    def die_at_the_third(self, notification, **kwargs):
        if len(mailoutbox) == 2:
            raise Killed
        return real_send(self, notification, **kwargs)

    monkeypatch.setattr(Composer, "send", die_at_the_third)
    monkeypatch.setattr(services, "_release", lambda *args: None)  # a killed process gives nothing back
    with pytest.raises(Killed):
        services.notification_send_many(notification_ids=ids)
    monkeypatch.undo()
    statuses = list(Notification.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["sent", "sent"] + ["sending"] * 4  # each mail marked sent as soon as it went

    assert sweep_after_grace() == 0  # the dead worker's claim is still fresh
    assert sweep_after_grace(seconds_later=settings.OUTBOX_CLAIM_TIMEOUT) == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(f"member{n}@example.cn" for n in range(6))
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_long_batch_keeps_its_claim_so_the_sweep_does_not_send_its_rows_again(
    mailoutbox, monkeypatch, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        ids = queue_greetings(4)
    # Each mail takes 40% of the claim timeout: a batch of four outlives its first claim.
    step = timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT * 0.4)
    swept = []
    real_send = Composer.send
    with time_machine.travel(timezone.now(), tick=False) as clock:
        monkeypatch.setattr("notifications.services.time.monotonic", lambda: timezone.now().timestamp())

        def slow_send(self, notification, **kwargs):
            reply = real_send(self, notification, **kwargs)
            clock.shift(step)
            # another worker's sweep, meanwhile
            swept.append(services.outbox_sweep())
            return reply

        monkeypatch.setattr(Composer, "send", slow_send)
        assert services.notification_send_many(notification_ids=ids) == 4
    assert swept == [0, 0, 0, 0]
    assert len(mailoutbox) == 4


def test_an_optional_mail_in_a_batch_is_skipped_when_its_member_opted_out(
    worker, other_worker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        greetings_queued_on_a_birthday(worker, other_worker)
    member_services.optional_mail_set(member=other_worker, wanted=False)
    assert sweep_after_grace() == 1
    assert [m.to for m in mailoutbox] == [["worker@example.cn"]]
    statuses = dict(Notification.objects.values_list("to_email", "status"))
    assert statuses == {"worker@example.cn": "sent", "other@example.cn": "skipped"}


NAMES = ["李娟", "<b>O'Brien & Søn</b>", "  Anna   Maria  ", '"Quoted" {{ name }} %(name)s']


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_greeting_filled_in_from_the_stencil_reads_as_if_rendered_for_the_member(name, language):
    context = {"name": name, "unsubscribe_url": "https://portal.example.cn/notifications/unsubscribe/1:abc-_/"}
    stencil = Stencil.for_mail(template="birthday-greeting", language=language, context=context)
    assert stencil is not None
    assert stencil.render(context) == render_email(template="birthday-greeting", context=context, language=language)


def test_the_html_greeting_escapes_the_name_and_the_text_greeting_does_not(
    mailoutbox, django_capture_on_commit_callbacks
):
    url = "https://portal.example.cn/notifications/unsubscribe/1:abc/"
    mails = [
        Mail(key=f"k{n}", to_email=f"m{n}@example.cn", template="birthday-greeting", language="en",
             context={"name": name}, unsubscribe_url=url)
        for n, name in enumerate(["Ann", "<script>alert(1)</script> & Co"])
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue_many(mails=mails)
    greeting = next(m for m in mailoutbox if m.to == ["m1@example.cn"])
    html = greeting.alternatives[0][0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<script>" not in html
    assert "Dear <script>alert(1)</script> & Co," in greeting.body
    assert f'href="{url}"' in html


def test_a_template_that_does_not_print_a_value_as_it_is_is_rendered_in_full(monkeypatch):
    real = services._render_parts

    def upper_name(*, template, context, language):
        subject, text, html = real(template=template, context=context, language=language)
        return subject.upper(), text, html  # as if the subject said {{ name|upper }}

    monkeypatch.setattr(services, "_render_parts", upper_name)
    context = {"name": "Ann", "unsubscribe_url": "https://x/u/"}
    assert Stencil.for_mail(template="birthday-greeting", language="en", context=context) is None


def _parsed(raw: bytes) -> dict:
    message = email.message_from_bytes(raw, policy=default_policy)
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    headers = ("From", "To", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version")
    return {
        # Django folds a long subject right after "Subject:", which decodes with a leading space
        "subject": str(make_header(decode_header(message["Subject"]))).strip(),
        **{name: str(message[name]) for name in headers},
        "type": message.get_content_type(),
        **parts,
    }


@pytest.mark.parametrize("html", [True, False])
def test_a_mail_composed_for_smtp_reads_like_djangos(html, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = Notification(
        pk=7,
        key="k",
        to_email="li.juan@example.cn",
        subject="李娟，生日快乐！这是一个很长的主题，" * 3,
        body_text="Line one\n." + "x" * 20 + "\n\n长长的一行" * 3 + "\n",
        body_html="<p>你好 &amp; welcome</p>\n" if html else "",
        headers={"List-Unsubscribe": "<https://portal.example.cn/u/1:x/>", "List-Unsubscribe-Post": "x=y"},
    )
    ours = Composer().compose(row, message_id="<outbox.7.abc@portal.example.cn>")
    theirs = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        to=[row.to_email],
        headers={"Message-ID": "<outbox.7.abc@portal.example.cn>", **row.headers},
    )
    if html:
        theirs.attach_alternative(row.body_html, "text/html")
    assert b"\r\n" in ours and b"\n" not in ours.replace(b"\r\n", b"")
    assert _parsed(ours) == _parsed(theirs.message().as_bytes(linesep="\r\n"))


def test_a_mail_with_a_very_long_line_still_arrives_intact():
    row = Notification(pk=1, key="k", to_email="a@example.cn", subject="s", body_text="长" * 600, body_html="")
    raw = Composer().compose(row, message_id="<m@x>")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert _parsed(raw)["text/plain"].rstrip("\n") == "长" * 600


def test_other_mail_back_ends_get_ordinary_django_messages(worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = services.notification_enqueue(
        key="k", to_email="a@example.cn", template="membership-welcome", language="en",
        context={"name": "Ann", "membership_number": "GH1", "card_url": "x"},
    )  # fmt: skip
    assert services.notification_send(notification_id=row.pk)
    assert django_mail.outbox[-1].extra_headers["Message-ID"].startswith(f"<outbox.{row.pk}.")


def test_the_unsubscribe_links_of_a_batch_are_each_members_own(client, worker, other_worker, settings):
    links = notify.unsubscribe_urls_for(members=[worker, other_worker])
    assert links == {m.pk: notify.unsubscribe_url_for(member=m) for m in (worker, other_worker)}
    assert client.post(links[other_worker.pk].removeprefix(settings.SITE_URL)).status_code == 200
    worker.refresh_from_db()
    other_worker.refresh_from_db()
    assert (worker.wants_optional_mail, other_worker.wants_optional_mail) == (True, False)


@requires_postgres
def test_on_postgresql_keys_another_run_inserted_meanwhile_are_skipped(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        assert len(queue_greetings(150)) == 150
    fields = ("key", "to_email", "user_id", "template", "language", "optional", "subject", "body_text", "body_html")
    rows = [{**row, "headers": {}} for row in Notification.objects.order_by("pk").values(*fields)]
    # A second run that looked for these keys before the first one inserted them, with ten more of its own.
    services._insert_new(rows + [{**row, "key": row["key"] + ":more"} for row in rows[:10]])
    assert Notification.objects.count() == 160
    assert sweep_after_grace() == 160
    assert len(mailoutbox) == 160
