"""A restarted worker takes back at once what its killed processes had claimed."""

import os
import socket
import subprocess

from notifications import services, tasks
from notifications.models import Notification
from tests.notifications.test_outbox_sending import welcome


def dead_pid() -> int:
    child = subprocess.Popen(["true"])  # noqa: S607 - a process that has ended
    child.wait()
    return child.pid


def claimed_by(row: Notification, claimer: str) -> None:
    assert services.notification_claim(notification_id=row.pk)
    Notification.objects.filter(pk=row.pk).update(claimed_by=claimer)


def test_a_claim_names_the_process_that_holds_it(worker):
    row = welcome(worker)
    assert services.notification_claim(notification_id=row.pk)
    row.refresh_from_db()
    assert row.claimed_by == f"{socket.gethostname()}:{os.getpid()}"


def test_a_starting_worker_sends_at_once_what_a_dead_process_of_its_host_had_claimed(worker, mailoutbox):
    host = socket.gethostname()
    of_the_dead = welcome(worker, key="test:dead")
    of_a_living_process = welcome(worker, key="test:alive")
    of_another_machine = welcome(worker, key="test:elsewhere")
    claimed_by(of_the_dead, f"{host}:{dead_pid()}")
    claimed_by(of_a_living_process, f"{host}:{os.getpid()}")
    claimed_by(of_another_machine, f"another-{host}:{dead_pid()}")

    tasks.sweep_when_a_worker_starts()  # the worker_ready hook; tasks run eagerly here

    statuses = dict(Notification.objects.values_list("key", "status"))
    assert statuses == {"test:dead": "sent", "test:alive": "sending", "test:elsewhere": "sending"}
    assert len(mailoutbox) == 1
