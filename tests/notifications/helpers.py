"""Helpers for the outbox tests: greetings queued, sweeping later, and brokers that are real or not there."""

import contextlib
import socket
import threading
from datetime import date, timedelta

import time_machine
from django.conf import settings
from django.utils import timezone
from kombu import pools as kombu_pools

from members.reminders import birthday_greetings_queue
from notifications import services
from unionportal.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_connection_pools() -> None:
    # Closing the app's pool is not enough: kombu keeps it in its registry
    # (keyed by broker URL), where the app would find it again, closed, once
    # the URL is back. ``pools.reset`` closes every pool and forgets it.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_publishing_to(broker_url: str):
    """Make this (test) process publish to a real Redis broker, with the
    production transport options, instead of running tasks eagerly."""
    conf = celery_app.conf
    keys = ("broker_url", "broker_transport_options", "task_always_eager")
    saved = {key: conf[key] for key in keys}
    drop_connection_pools()
    conf.update(
        broker_url=broker_url,
        broker_transport_options=dict(settings.REDIS_BROKER_TRANSPORT_OPTIONS),
        task_always_eager=False,
    )
    try:
        yield celery_app
    finally:
        drop_connection_pools()
        conf.update(saved)


@contextlib.contextmanager
def black_hole_server():
    """A TCP port that accepts connections and never answers (a hung Redis)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        listener.close()


def sweep_after_grace(seconds_later: float = 0) -> int:
    """Run the outbox sweep once pending rows are old enough for it."""
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE + 1 + seconds_later)
    with time_machine.travel(later, tick=False):
        return services.outbox_sweep()


BIRTHDAY = date(2026, 5, 2)


def greetings_queued_on_a_birthday(*members) -> int:
    """Give ``members`` a birthday on ``BIRTHDAY`` and queue that day's greetings;
    queued only: the caller decides whether they are sent (on commit, the sweep)."""
    for member in members:
        member.date_of_birth = BIRTHDAY.replace(year=1990)
        member.save(update_fields=["date_of_birth"])
    return birthday_greetings_queue(day=BIRTHDAY)
