"""Exactly once across a worker's death: what the mail server may already have is not sent again.

The worker records (and commits) "handed over" just before the line that
ends the message goes out, and "sent" with the server's answer (its queue
id). A mail whose end went out but whose answer never came is "unconfirmed":
neither the sweep nor a restarted worker sends it again; an officer may.
Tested against a real SMTP server on this machine (aiosmtpd).
"""

import asyncio
import email
import socket
import subprocess

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import get_connection

from notifications import services, tasks
from notifications.models import Notification
from tests.notifications.helpers import free_port, sweep_after_grace
from tests.notifications.test_outbox_sending import welcome


class Server:
    """An SMTP server whose answer to the end of a message the test chooses."""

    def __init__(self):
        self.answer = "250 2.0.0 Ok: queued as 4Xk9pQ"
        self.silent = False  # never answer the end of the message
        self.received: list[str] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(envelope.rcpt_tos)
        while self.silent:
            await asyncio.sleep(0.05)
        return self.answer


@pytest.fixture
def server(settings):
    smtp = Server()
    smtp._controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", smtp.port, 1
    yield smtp
    smtp.silent = False
    smtp._controller.stop()


def test_an_accepted_mail_keeps_the_servers_answer_with_its_queue_id(worker, server):
    row = welcome(worker)
    assert services.notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.server_reply == "250 2.0.0 Ok: queued as 4Xk9pQ"
    assert row.handed_over_at is not None and row.handed_over_at <= row.sent_at
    assert server.received == [worker.contact_email]


def test_a_mail_whose_answer_never_came_is_unconfirmed_and_not_sent_again(worker, server):
    row = welcome(worker)
    server.silent = True  # the server got the whole message and says nothing (1 s timeout)
    assert not services.notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.UNCONFIRMED
    assert "timed out" in row.last_error
    server.silent = False

    assert sweep_after_grace(seconds_later=3600) == 0
    assert server.received == [worker.contact_email]  # once, never twice


def test_a_refusal_of_the_message_is_retried_like_any_failure(worker, server):
    row = welcome(worker)
    server.answer = "451 4.3.0 Try again later"
    assert not services.notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.handed_over_at is None  # the server said no: nothing of it is in doubt
    assert "451" in row.last_error

    server.answer = "250 2.0.0 Ok: queued as 5Yz"
    assert sweep_after_grace(seconds_later=120) == 1
    row.refresh_from_db()
    assert (row.status, row.server_reply) == (Notification.Status.SENT, "250 2.0.0 Ok: queued as 5Yz")
    assert server.received == [worker.contact_email] * 2


def test_an_officer_may_send_an_unconfirmed_mail_again(worker, server, django_capture_on_commit_callbacks):
    row = welcome(worker)
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.UNCONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_retry(notifications=Notification.objects.filter(pk=row.pk)) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert server.received == [worker.contact_email]


def dead_pid() -> int:
    child = subprocess.Popen(["true"])  # noqa: S607 - a process that has ended
    child.wait()
    return child.pid


def test_a_restarted_worker_sends_again_what_its_dead_process_held_but_not_what_it_had_handed_over(
    worker, server, django_capture_on_commit_callbacks
):
    dead = f"{socket.gethostname()}:{dead_pid()}"
    waiting, handed = welcome(worker, key="test:waiting"), welcome(worker, key="test:handed")
    for row in (waiting, handed):
        assert services.notification_claim(notification_id=row.pk)
    Notification.objects.filter(pk__in=[waiting.pk, handed.pk]).update(claimed_by=dead)
    Notification.objects.filter(pk=handed.pk).update(handed_over_at=handed.created_at)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_when_a_worker_starts()

    statuses = dict(Notification.objects.values_list("key", "status"))
    assert statuses == {"test:waiting": "sent", "test:handed": "unconfirmed"}
    assert server.received == [worker.contact_email]  # the waiting one, once


def test_a_stale_claim_with_its_message_handed_over_is_not_swept_again(worker, server):
    row = welcome(worker)
    assert services.notification_claim(notification_id=row.pk)  # the worker died ...
    Notification.objects.filter(pk=row.pk).update(handed_over_at=row.created_at)  # ... after handing it over
    assert sweep_after_grace(seconds_later=3600) == 0
    row.refresh_from_db()
    assert row.status == Notification.Status.UNCONFIRMED
    assert server.received == []


def test_a_line_starting_with_a_dot_arrives_as_written(worker, server, monkeypatch):
    seen = []

    async def keep(smtp_server, session, envelope):
        seen.append(envelope.content)
        return "250 OK"

    monkeypatch.setattr(server, "handle_DATA", keep)
    row = welcome(worker)
    Notification.objects.filter(pk=row.pk).update(body_text="第一行\n.\n.第三行", body_html="")
    assert services.notification_send(notification_id=row.pk)
    body = email.message_from_bytes(seen[0]).get_payload(decode=True).decode()
    assert body.replace("\r\n", "\n") == "第一行\n.\n.第三行\n"  # SMTP ends the message with a line end


def test_the_end_of_a_message_leaves_at_once_not_after_the_servers_delayed_acknowledgement(worker, server):
    # The end of DATA is a small write of its own after the mark; Nagle's algorithm would hold it
    # until the server acknowledged the body (some 20 ms a mail: the fan-out bench fell twelvefold).
    connection = get_connection()
    try:
        assert services.notification_send(notification_id=welcome(worker).pk, connection=connection)
        assert connection.connection.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        connection.close()
