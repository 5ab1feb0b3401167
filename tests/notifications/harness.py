"""Real processes for the integration tests: an SMTP sink, a private Redis
server, and Celery workers and beats running the production settings against
the test database.
"""

import asyncio
import email
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from tests.notifications.helpers import free_port

REPO = Path(settings.BASE_DIR)


def wait_for(condition, *, timeout: float, interval: float = 0.1, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


class SmtpSink:
    """Counts every message the SMTP server accepted (answered "250").

    ``hold()`` makes it keep every further DATA command waiting: a client
    killed then never got its "250", so, as for any SMTP server, that message
    was not accepted and is not counted.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.accepted: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.waiting = 0
        self._holding = False
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()

    def stop(self) -> None:
        self.release()
        self._controller.stop()

    def hold(self) -> None:
        self._holding = True

    def release(self) -> None:
        self._holding = False

    async def handle_DATA(self, server, session, envelope):
        if self._holding:
            with self._lock:
                self.waiting += 1
            try:
                while self._holding:
                    await asyncio.sleep(0.02)  # cancelled if the client goes away
            finally:
                with self._lock:
                    self.waiting -= 1
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.accepted.append((recipient, message["Message-ID"]))
        return "250 Message accepted for delivery"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.accepted)

    def per_recipient(self) -> Counter:
        with self._lock:
            return Counter(recipient for recipient, _ in self.accepted)


class RedisServer:
    """A throwaway redis-server on a free port, which a test may stop and start."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command + ["--dir", str(self.workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(self.answers, timeout=10, interval=0.02, message="redis-server to start")

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def database_url_of_this_run() -> str:
    """The database pytest-django made for this run, for the processes we start."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Portal:
    """Celery workers and beats, each in its own process group, logging to files."""

    def __init__(self, *, workdir: Path, redis_url: str, smtp_port: int):
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DJANGO_SETTINGS_MODULE": "unionportal.settings.production",
            "DJANGO_SECRET_KEY": "integration-tests-only-" + "x" * 40,
            "DATABASE_URL": database_url_of_this_run(),
            "CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "2",
            # a claim left by a killed worker is taken over after 15 s (production: 300 s);
            # shorter leases re-sent rows a live but slow worker was still sending on a loaded machine
            "OUTBOX_CLAIM_TIMEOUT": "15",
            # and the sweep takes over rows the broker did not deliver after 2 s (production: 30 s)
            "OUTBOX_SWEEP_GRACE": "2",
            "SITE_URL": "https://portal.example.cn",
            "VAR_DIR": str(workdir / "var"),
            "LOG_LEVEL": "INFO",
        }

    def _start(self, name: str, arguments: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "unionportal", *arguments],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def start_worker(self, name: str, concurrency: int = 2) -> None:
        self._start(
            name,
            ["worker", "--loglevel", "INFO", "--concurrency", str(concurrency), "--without-mingle", "--without-gossip"]
            + ["--hostname", f"{name}@%h"],
        )

    def start_beat(self, name: str) -> None:
        self._start(name, ["beat", "--loglevel", "INFO", "--max-interval", "1"])

    def wait_until_ready(self, *names: str, timeout: float = 45) -> None:
        marks = {name: "ready." if name.startswith("worker") else "beat: Starting" for name in names}
        for name, mark in marks.items():
            wait_for(lambda name=name, mark=mark: self._alive_with(name, mark), timeout=timeout, message=name)

    def _alive_with(self, name: str, text: str) -> bool:
        if self.processes[name].poll() is not None:
            raise AssertionError(f"{name} exited:\n{self.log(name)[-3000:]}")
        return text in self.log(name)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, name: str) -> None:
        """SIGKILL the process and its pool children, like a machine that dies."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    def stop_all(self) -> None:
        processes, self.processes = self.processes, {}
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
