"""``make bench``: load the portal on PostgreSQL with gunicorn (2 workers) and measure it.

Every page is loaded from BENCH_CONNECTIONS (8) connections at once and measured
by its latency (p50, p95, p99), its requests per second and the number of database
queries it runs; each admin search once more from one connection (its p50 there is
what one officer waits). The ratio to the "ceiling" (the cheapest authenticated
view, ``/bench/ceiling``, measured next to each page) is printed as information.
The targets checked are issue 14's (``check_targets``). The reminder fan-out is
measured against a plain smtplib loop on one connection, also in the same run.
Results go to ``tests/bench/results.json`` and to the table in ``tests/bench/README.md``.

    make bench                                  # everything
    BENCH_SCALE=0.05 BENCH_SECONDS=3 make bench  # a quick look
    BENCH_ONLY=pages make bench                  # or: fanout
    BENCH_ONLY=pages BENCH_PAGES=changelist,search make bench  # only the pages whose names contain these

Environment: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/up_bench),
BENCH_REDIS_URL (redis://127.0.0.1:6379/8), BENCH_SECONDS per page (10),
BENCH_CONNECTIONS (8), BENCH_MAILS (10000), BENCH_SCALE (1.0 = 100,000 members),
BENCH_LOADGEN (wrk where installed, else python).
"""

import datetime
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
RESULTS = HERE / "results.json"
README = HERE / "README.md"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/up_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
MAILS = int(os.environ.get("BENCH_MAILS", "10000"))
SCALE = os.environ.get("BENCH_SCALE", "1.0")
ONLY = os.environ.get("BENCH_ONLY", "")
# Comma-separated parts of page names: measure only those pages (and the ceiling); a partial run
# prints its figures but leaves results.json and the README alone.
PAGES = [part.strip() for part in os.environ.get("BENCH_PAGES", "").split(",") if part.strip()]
# "python" forces the fallback load generator even where wrk is installed.
LOADGEN = os.environ.get("BENCH_LOADGEN", "wrk" if shutil.which("wrk") else "python")
WORKERS = 2
# The changelists held to "≥ 50 requests/s with ≤ 8 queries" (issue 14).
CHANGELISTS = ("admin: member changelist", "admin: feedback changelist", "admin: welfare changelist")

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    # One key for every process of the run: sessions made here must hold in gunicorn.
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "PYTHONUNBUFFERED": "1",
    # The sign-up service's lock figures (bench settings only; see tests/bench/rush.py).
    "BENCH_LOCK_LOG": str(ROOT / "var" / "bench-locks.log"),
}


def say(text: str) -> None:
    print(text, flush=True)


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True)  # nosec B603


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')  # nosec B608 - our own configured name


def django_setup() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        kib = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal")))
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": get_version(),
        "postgresql": postgres,
        "load_generator": load_generator_name(),
    }


# --- who is logged in -----------------------------------------------------------


def session_cookies() -> dict[str, str]:
    """A session cookie for the benchmark worker and for the benchmark officer."""
    from django.test import Client

    from members.models import User
    from tests.bench.management.commands.bench_seed import BENCH_OFFICER_EMAIL, BENCH_WORKER_EMAIL

    cookies = {}
    for who, email in (("worker", BENCH_WORKER_EMAIL), ("officer", BENCH_OFFICER_EMAIL)):
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        cookies[who] = f"sessionid={client.cookies['sessionid'].value}"
    return cookies


# --- the pages ------------------------------------------------------------------


def pages() -> list[dict]:
    """Every page measured: name, path, who looks at it. Areas not installed yet are left out."""
    from django.urls import NoReverseMatch, reverse

    from members.models import Member

    found = []

    def add(name: str, who: str, url_name: str, query: str = "", args=(), kind: str = "worker") -> None:
        try:
            path = reverse(url_name, args=args)
        except NoReverseMatch:
            say(f"  (no page {url_name}: {name} is left out)")
            return
        found.append({"name": name, "who": who, "path": path + query, "kind": kind})

    some = Member.objects.filter(status=Member.Status.ACTIVE).order_by("pk")[1234 % max(1, Member.objects.count())]
    add("ceiling (empty authenticated view)", "worker", "bench-ceiling", kind="ceiling")
    add("my profile", "worker", "members:profile")
    add("my member card", "worker", "members:card")
    add("activity list", "worker", "activities:list")
    add("my requests", "worker", "welfare:list")
    add("feedback board", "worker", "feedback:board")
    add("admin: member changelist", "officer", "admin:members_member_changelist", kind="admin")
    add(
        "admin: member search by name",
        "officer",
        "admin:members_member_changelist",
        f"?q={urllib.parse.quote(some.name)}",
        kind="admin-search",
    )
    add(
        "admin: member search by membership number",
        "officer",
        "admin:members_member_changelist",
        f"?q={some.membership_number}",
        kind="admin-search",
    )
    add("admin: feedback changelist", "officer", "admin:feedback_feedback_changelist", kind="admin")
    add("admin: dashboard (index)", "officer", "admin:index", kind="admin")
    add("admin: statistics", "officer", "dashboard:statistics", kind="admin")
    try:
        from welfare.models import WelfareRequest
    except ImportError:
        return found
    request = WelfareRequest.objects.select_related("member").order_by("pk")[
        4321 % max(1, WelfareRequest.objects.count())
    ]
    add("admin: welfare changelist", "officer", "admin:welfare_welfarerequest_changelist", kind="admin")
    add(
        "admin: welfare search by name",
        "officer",
        "admin:welfare_welfarerequest_changelist",
        f"?q={urllib.parse.quote(request.member.name)}",
        kind="admin-search",
    )
    add(
        "admin: welfare search by reference",
        "officer",
        "admin:welfare_welfarerequest_changelist",
        f"?q={request.reference}",
        kind="admin-search",
    )
    return found


def query_count(path: str, who: str) -> tuple[int, int]:
    """Status and number of queries of one request, in-process, as ``who``."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User
    from tests.bench.management.commands.bench_seed import BENCH_OFFICER_EMAIL, BENCH_WORKER_EMAIL

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(email=BENCH_WORKER_EMAIL if who == "worker" else BENCH_OFFICER_EMAIL))
    client.get(path)  # warm caches (content types, permissions) as a running server has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, len(queries)


# --- load generators -----------------------------------------------------------


def load_generator_name() -> str:
    wrk = shutil.which("wrk")
    if LOADGEN == "wrk" and wrk:
        out = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout  # nosec B603
        return out.split("Copyright")[0].strip() or "wrk"
    return "python (http.client threads)"


def _fmt(ms: float | None) -> str:
    return "—" if ms is None else f"{ms:.1f}"


# wrk's --latency prints no p95: a script prints the percentiles wanted (in microseconds).
WRK_PERCENTILES = """
done = function(summary, latency, requests)
  if summary.requests > 0 then
    for _, p in ipairs({50, 95, 99}) do
      io.write(string.format("percentile %d %d\\n", p, latency:percentile(p)))
    end
  end
end
"""


def load_wrk(url: str, cookie: str, seconds: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as file:
        file.write(WRK_PERCENTILES)
    script = Path(file.name)
    command = [
        shutil.which("wrk"),
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "-s",
        str(script),
        "--timeout",
        "30s",
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # nosec B603
    finally:
        script.unlink(missing_ok=True)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # No percentiles when no request finished within the run.
    latency = {int(p): int(us) / 1000 for p, us in re.findall(r"^percentile (\d+) (\d+)$", out, re.MULTILINE)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": latency.get(50),
        "p95_ms": latency.get(95),
        "p99_ms": latency.get(99),
        "errors": (int(errors.group(1)) if errors else 0) + (int(timeouts.group(1)) if timeouts else 0),
    }


def _percentile(ordered: list[float], p: int) -> float | None:
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else None


def load_python(url: str, cookie: str, seconds: float, connections: int) -> dict:
    """The fallback: ``connections`` threads, each with its own keep-alive connection."""
    parsed = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        conn = HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                target = parsed.path + ("?" + parsed.query if parsed.query else "")
                conn.request("GET", target, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn.close()
                conn = HTTPConnection(parsed.hostname, parsed.port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
        "errors": errors[0],
    }


def load(url: str, cookie: str, seconds: float = SECONDS, connections: int = CONNECTIONS) -> dict:
    loader = load_wrk if LOADGEN == "wrk" else load_python
    return loader(url, cookie, seconds, connections)


# --- gunicorn ---------------------------------------------------------------


class Gunicorn:
    def __init__(self, workers: int = WORKERS):
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(  # nosec B603
            [
                str(BIN / "gunicorn"),
                "unionportal.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=ENV,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # nosec B310
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not come up")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch_status(url: str, cookie: str) -> int:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:  # nosec B310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def run_pages() -> dict:
    cookies = session_cookies()
    measured = []
    the_pages = [
        page
        for page in pages()
        if page["kind"] == "ceiling" or not PAGES or any(part in page["name"] for part in PAGES)
    ]
    for page in the_pages:
        page["status"], page["queries"] = query_count(page["path"], page["who"])
    ceiling_page = next(p for p in the_pages if p["kind"] == "ceiling")
    with Gunicorn() as server:
        ceilings = []
        # The ceiling before and after the pages; and, since other work on the machine can
        # change its speed during a run, once more just before each page: a page's ratio
        # is to the ceiling measured next to it.
        order = the_pages + [ceiling_page]
        for page in order:
            if page["kind"] != "ceiling":
                ceiling_url = server.url + ceiling_page["path"]
                adjacent = load(ceiling_url, cookies[ceiling_page["who"]], max(2, round(SECONDS / 3)))
                page["adjacent_ceiling_rps"] = adjacent["rps"]
            url = server.url + page["path"]
            status = fetch_status(url, cookies[page["who"]])
            if status != 200:
                raise RuntimeError(f"{page['name']}: {page['path']} answered {status} to the {page['who']}")
            for _ in range(20):  # warm up both workers
                fetch_status(url, cookies[page["who"]])
            result = load(url, cookies[page["who"]])
            if page["kind"] == "admin-search":
                # What one officer waits for a search, with nobody else on the server.
                alone = load(url, cookies[page["who"]], connections=1)
                result["alone_p50_ms"] = alone["p50_ms"] if alone["rps"] else None
            say(
                f"  {page['name']:<45} {result['rps']:8.1f} req/s  p50 {_fmt(result['p50_ms']):>7} ms  "
                f"p95 {_fmt(result['p95_ms']):>7} ms  p99 {_fmt(result['p99_ms']):>7} ms  "
                f"{page['queries']:3d} queries"
                + (f"  p50 at 1 connection {_fmt(result['alone_p50_ms'])} ms" if "alone_p50_ms" in result else "")
                + (
                    f"  (ceiling next to it {page['adjacent_ceiling_rps']:.0f} req/s)"
                    if "adjacent_ceiling_rps" in page
                    else ""
                )
                + (f"  {result['errors']} errors/timeouts" if result["errors"] else "")
            )
            if page["kind"] == "ceiling":
                ceilings.append(result["rps"])
                if len(ceilings) > 1:
                    continue
            measured.append({**page, **result})
            # Let requests the load generator gave up on finish before the next page.
            time.sleep(0.5 + min(5.0, (result["p99_ms"] or 5000) * 2 / 1000))
    for row in measured:
        row["ratio"] = 1.0 if row["kind"] == "ceiling" else round(row["rps"] / row["adjacent_ceiling_rps"], 3)
    return {"ceiling_rps": [round(c, 1) for c in ceilings], "pages": measured}


# --- reminder fan-out -----------------------------------------------------------


class Sink:
    """A local SMTP server (aiosmtpd) that counts what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.count = 0
        self.last_at = 0.0
        self.recipients = set()  # a second mail to the same address shows as count > len(recipients)
        self.lock = threading.Lock()
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                with sink.lock:
                    sink.count += 1
                    sink.recipients.update(envelope.rcpt_tos)
                    sink.last_at = time.monotonic()
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, server_hostname="sink.bench")

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count >= count:
                return True
            time.sleep(0.05)
        return False


def smtplib_loop(port: int, message: bytes, count: int) -> float:
    """Mails per second from a plain loop on one SMTP connection: the reference."""
    import smtplib

    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            smtp.sendmail("noreply@unionportal.local", [f"m{i}@bench.local"], message)
    return count / (time.monotonic() - started)


# A leap day in the future: nobody is greeted on it by accident while the benchmark runs.
FANOUT_DAY = datetime.date(2028, 2, 29)


def fanout_prepare(count: int) -> tuple[str, bytes, int]:
    """``count`` members whose birthday greeting is due on FANOUT_DAY; a typical greeting as raw bytes.

    Every second one is reached by text message only (issue 17), with a mainland number of their own.
    Returns the outbox key pattern of those greetings, one rendered mail for the reference loop and
    how many greetings go by text.
    """
    from django.core.mail import EmailMultiAlternatives
    from django.db.models import F

    from members.models import Member
    from members.notify import unsubscribe_url_for
    from members.reminders import birthday_members
    from notifications.models import Notification, SmsDay
    from notifications.services import render_email

    Notification.objects.filter(key__contains=f":{FANOUT_DAY.isoformat()}").delete()  # mails and texts
    SmsDay.objects.all().delete()  # the bench's own texts of earlier runs: each run starts with a full allowance
    # Members born on 29 February are moved a day; then exactly ``count`` are given that birthday.
    leap = Member.objects.filter(date_of_birth__month=2, date_of_birth__day=29)
    leap.update(date_of_birth=F("date_of_birth") + datetime.timedelta(days=1))
    chosen = list(
        Member.objects.filter(status=Member.Status.ACTIVE).exclude(email="").order_by("pk").values_list("pk", flat=True)
    )[:count]
    Member.objects.filter(pk__in=chosen).update(
        date_of_birth=datetime.date(1988, 2, 29),
        wants_optional_mail=True,
        wants_optional_sms=True,
        channel=Member.Channel.EMAIL,
    )
    by_text = chosen[1::2]
    for pk in by_text:  # one number each: 139 followed by the member's id
        Member.objects.filter(pk=pk).update(channel=Member.Channel.SMS, phone=f"139{pk:08d}")
    assert birthday_members(day=FANOUT_DAY).count() == count
    member = Member.objects.get(pk=chosen[0])
    subject, text, html = render_email(
        template="birthday-greeting",
        context={"name": member.name, "unsubscribe_url": unsubscribe_url_for(member=member)},
        language=member.language,
    )
    message = EmailMultiAlternatives(subject=subject, body=text, to=[member.contact_email])
    message.attach_alternative(html, "text/html")
    return f":{FANOUT_DAY.isoformat()}", message.message().as_bytes(linesep="\r\n"), len(by_text)


def run_fanout() -> dict:
    import redis

    from members.tasks import birthday_greetings_task
    from notifications.models import Notification

    redis.Redis.from_url(REDIS_URL).flushdb()
    key_end, message, texts = fanout_prepare(MAILS)
    mails = MAILS - texts
    sms_dir = Path(tempfile.mkdtemp(prefix="bench-sms-"))
    with Sink() as sink:
        reference = smtplib_loop(sink.port, message, MAILS)
        say(f"  smtplib loop, one connection: {reference:8.1f} mails/s")
        sink.count = 0
        worker_env = {
            **ENV,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            # Texts to files (the embedded default's back-end); the day's ceiling above the run's texts.
            "SMS_BACKEND": "notifications.sms.filebased.SmsBackend",
            "SMS_FILE_PATH": str(sms_dir),
            "SMS_DAILY_LIMIT": str(texts + 1000),
        }
        worker = subprocess.Popen(  # nosec B603
            [
                str(BIN / "celery"),
                "-A",
                "unionportal",
                "worker",
                "--concurrency",
                str(WORKERS),
                "--loglevel",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=worker_env,
        )
        try:
            time.sleep(5)  # let the worker connect to Redis (and run its start-up sweep of nothing)
            started, started_wall = time.monotonic(), time.time()
            # What beat does on the day: the job finds the members, writes the outbox, workers send it.
            birthday_greetings_task.apply_async((FANOUT_DAY.isoformat(),))
            done = sink.wait_for(mails, timeout=max(180, MAILS / 10))
            deadline = time.monotonic() + max(60, texts / 50)
            while len(list(sms_dir.iterdir())) < texts and time.monotonic() < deadline:
                time.sleep(0.05)
            last_text = max((f.stat().st_mtime for f in sms_dir.iterdir()), default=time.time())
            # The sink's clock is monotonic, the files' the wall clock: both measured from the start.
            elapsed = max((sink.last_at or time.monotonic()) - started, last_text - started_wall)
            time.sleep(2)  # a duplicate would arrive now
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    numbers = [f.name.split("-", 3)[3].removesuffix(".txt") for f in sms_dir.iterdir()]
    shutil.rmtree(sms_dir, ignore_errors=True)
    texts_once = len(numbers) == texts and len(set(numbers)) == texts
    greetings = Notification.objects.filter(key__startswith="birthday:", key__contains=key_end)  # and ":sms"
    sent = greetings.filter(status=Notification.Status.SENT).count()
    delivered = sink.count + len(numbers)
    rate = delivered / elapsed if elapsed > 0 else 0.0
    say(
        f"  birthday greetings through beat's job, Celery + Redis: {rate:8.1f} messages/s "
        f"({sink.count} of {mails} mails and {len(numbers)} of {texts} texts received, "
        f"{sent} of {greetings.count()} marked sent)"
    )
    return {
        "mails": MAILS,
        "job": "notifications.birthday_greetings (find members, render, outbox, send in batches)",
        "received": sink.count,
        "marked_sent": sent,
        "texts": texts,
        "texts_received": len(numbers),
        "all_delivered_once": done and texts_once and sent == MAILS and sink.count == mails,
        "reference_mails_per_s": round(reference, 1),
        "fanout_mails_per_s": round(rate, 1),
        "ratio": round(rate / reference, 3),
        "worker_concurrency": WORKERS,
    }


# --- a million members ------------------------------------------------------------

LARGE_SCALE = os.environ.get("BENCH_SCALE_LARGE", "10")
LARGE_DATABASE_URL = os.environ.get("BENCH_LARGE_DATABASE_URL", DATABASE_URL + "_1m")


def run_scale() -> dict:
    """The officers' and workers' pages at two sizes (BENCH_SCALE and BENCH_SCALE_LARGE: 100,000 and
    1,000,000 members), each in a database of its own, side by side with their query counts.

    Each size is a ``BENCH_ONLY=pages`` run of this script (seeded once per database)."""
    sizes = []
    for url, scale in ((DATABASE_URL, SCALE), (LARGE_DATABASE_URL, LARGE_SCALE)):
        out = ROOT / "var" / f"bench-scale-{scale}.json"
        env = {**os.environ, "BENCH_ONLY": "pages", "BENCH_DATABASE_URL": url, "BENCH_SCALE": scale}
        env["BENCH_RESULTS_OUT"] = str(out)
        say(f"=== pages at scale {scale} ({url})")
        subprocess.run([PYTHON, str(Path(__file__).resolve())], cwd=ROOT, env=env, check=True)  # nosec B603
        sizes.append(json.loads(out.read_text(encoding="utf-8")))
    small, large = ({row["name"]: row for row in size["pages"]["pages"]} for size in sizes)
    say(
        f"\n| page | {sizes[0]['members']:,}: req/s | p50 ms | queries | {sizes[1]['members']:,}: req/s | p50 ms "
        "| queries | p50 large/small |"
    )
    say("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for name, a in small.items():
        b = large.get(name)
        if b is None:
            continue
        a50 = a.get("alone_p50_ms") or a["p50_ms"]
        b50 = b.get("alone_p50_ms") or b["p50_ms"]
        ratio = b50 / a50 if a50 and b50 else None
        rows.append({"name": name, "small": a, "large": b, "p50_ratio": ratio})
        say(
            f"| {name} | {a['rps']:.1f} | {_fmt(a50)} | {a['queries']} | {b['rps']:.1f} | {_fmt(b50)} | "
            f"{b['queries']} | {'' if ratio is None else f'{ratio:.2f}×'} |"
        )
    say(f"(load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}; the searches' p50 is at 1 connection)")
    return {"members": [sizes[0]["members"], sizes[1]["members"]], "pages": rows}


# --- the monthly dues reminder --------------------------------------------------

# A day in the future: its reference month's reminders are the bench's own.
DUES_DAY = datetime.date(2031, 6, 5)
DUES_CONCURRENCY = [int(c) for c in os.environ.get("BENCH_DUES_CONCURRENCY", "2").split(",") if c.strip()]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_dues() -> dict:
    """Beat's monthly dues reminder to every member due, through real Celery workers and Redis into the sink.

    The job (``notifications.dues_reminders``) reads the members with an iterator in batches of
    1,000 and writes the outbox per batch; the workers send in batches of 200 on one SMTP
    connection each. Run once per worker concurrency in BENCH_DUES_CONCURRENCY ("1,2" gives the
    two-processes-against-one ratio). Peak memory: VmHWM of the worker's main process and of each
    of its children (one of which ran the job), read before the worker stops.
    """
    import redis

    from members.reminders import dues_members, dues_reference_month
    from members.tasks import dues_reminders_task
    from notifications.models import Notification

    month = dues_reference_month(day=DUES_DAY)
    reminders = Notification.objects.filter(key__startswith="dues:", key__endswith=f":{month:%Y-%m}")
    due = dues_members(day=DUES_DAY).count()
    runs = []
    for concurrency in DUES_CONCURRENCY:
        reminders.delete()
        # Mails other parts left pending (the rush's confirmations) would reach the same addresses
        # through the same sink: they are the bench's own and are dropped first.
        Notification.objects.exclude(key__startswith="dues:").filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING]
        ).delete()
        redis.Redis.from_url(REDIS_URL).flushdb()
        with Sink() as sink:
            worker_env = {**ENV, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port), "EMAIL_USE_TLS": "0"}
            worker = subprocess.Popen(  # nosec B603
                [
                    str(BIN / "celery"),
                    "-A",
                    "unionportal",
                    "worker",
                    "--concurrency",
                    str(concurrency),
                    "--loglevel",
                    "warning",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=worker_env,
            )
            try:
                time.sleep(5)
                load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
                started = time.monotonic()
                dues_reminders_task.apply_async((DUES_DAY.isoformat(),))  # what beat sends on the day
                done = sink.wait_for(due, timeout=max(300, due / 20))
                elapsed = (sink.last_at or time.monotonic()) - started
                time.sleep(3)  # a duplicate would arrive now
                peaks = {pid: round(_peak_rss_mib(pid), 1) for pid in _children(worker.pid)}
                main_peak = round(_peak_rss_mib(worker.pid), 1)
            finally:
                worker.terminate()
                worker.wait(timeout=60)
        sent = reminders.filter(status=Notification.Status.SENT).count()
        run = {
            "concurrency": concurrency,
            "due": due,
            "received": sink.count,
            "distinct_recipients": len(sink.recipients),
            "marked_sent": sent,
            "exactly_once": done and sink.count == due == len(sink.recipients) == sent,
            "seconds_to_last": round(elapsed, 1),
            "messages_per_s": round(sink.count / elapsed, 1) if elapsed > 0 else 0.0,
            "worker_main_peak_rss_mib": main_peak,
            "worker_children_peak_rss_mib": sorted(peaks.values()),
            "load_average": load_before,
        }
        runs.append(run)
        say(
            f"  [{concurrency} worker process(es)] {run['received']:,} of {due:,} reminders in "
            f"{run['seconds_to_last']} s: {run['messages_per_s']:.0f} messages/s; exactly once: {run['exactly_once']} "
            f"({run['distinct_recipients']:,} addresses, {sent:,} marked sent); peak RSS worker {main_peak} MiB, "
            f"its processes {run['worker_children_peak_rss_mib']} MiB (load {load_before})"
        )
    if len(runs) > 1:
        say(
            f"  {runs[-1]['concurrency']} processes against {runs[0]['concurrency']}: "
            f"{runs[-1]['messages_per_s'] / runs[0]['messages_per_s']:.2f}x the messages/s"
        )
    return {"day": DUES_DAY.isoformat(), "runs": runs}


# --- report ---------------------------------------------------------------------


def _finished(row: dict, key: str) -> float | None:
    """A latency of the run, ``None`` when no request finished (a target then not met)."""
    return row.get(key) if row["rps"] else None


def check_targets(results: dict) -> list[tuple[str, str, bool]]:
    """Issue 14's targets against this run: (target, what was measured, met). The ratio to the
    ceiling is information only (the pages' table)."""
    checks = []
    rows = {row["name"]: row for row in results.get("pages", {}).get("pages", [])}
    connections = results.get("settings", {}).get("connections", CONNECTIONS)
    for row in rows.values():
        if row["kind"] == "worker":
            p95, p99 = _finished(row, "p95_ms"), _finished(row, "p99_ms")
            checks.append(
                (
                    f"{row['name']}: p95 < 100 ms and p99 < 250 ms at {connections} connections",
                    f"p95 {_fmt(p95)} ms, p99 {_fmt(p99)} ms",
                    p95 is not None and p99 is not None and p95 < 100 and p99 < 250,
                )
            )
    for name in CHANGELISTS:
        if name in rows:
            row = rows[name]
            checks.append((f"{name[7:]} ≥ 50 req/s", f"{row['rps']:.1f} req/s", row["rps"] >= 50))
            checks.append((f"{name[7:]} ≤ 8 queries", str(row["queries"]), row["queries"] <= 8))
    for row in rows.values():
        if row["kind"] == "admin-search":
            p50 = row.get("alone_p50_ms")
            checks.append(
                (f"{row['name'][7:]}: p50 < 50 ms at 1 connection", f"{_fmt(p50)} ms", p50 is not None and p50 < 50)
            )
    for name in ("admin: dashboard (index)", "admin: statistics"):
        if name in rows:  # issue 7: under a second on 100,000 requests
            p50 = _finished(rows[name], "p50_ms")
            checks.append((f"{name[7:]}: p50 < 1 s", f"{_fmt(p50)} ms", p50 is not None and p50 < 1000))
    if results.get("rush"):
        from tests.bench import rush

        checks += rush.check_targets(results["rush"])
    fanout = results.get("fanout")
    if fanout:
        checks.append(("reminder fan-out ≥ 0.6× the smtplib loop", f"{fanout['ratio']:.2f}×", fanout["ratio"] >= 0.6))
    return checks


def write_readme(results: dict) -> None:
    lines = [
        "<!-- results: written by tests/bench/run.py -->",
        f"Measured {results['when']} on {results['machine']['cpu']} ({results['machine']['cores']} cores, "
        f"{results['machine']['memory']}), PostgreSQL {results['machine']['postgresql']}, "
        f"gunicorn {WORKERS} sync workers, {results['machine']['load_generator']} with {CONNECTIONS} connections "
        f"for {SECONDS:g}s per page; {results['members']:,} members.",
        "",
    ]
    if "pages" in results:
        lines += [
            "| page | req/s | ceiling next to it, req/s | × ceiling | p50 ms | p95 ms | p99 ms | "
            "p50 ms at 1 connection | queries |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in results["pages"]["pages"]:
            adjacent = row.get("adjacent_ceiling_rps")
            alone = _fmt(row["alone_p50_ms"]) if "alone_p50_ms" in row else ""
            lines.append(
                f"| {row['name']} | {row['rps']:.1f} | {'' if adjacent is None else f'{adjacent:.0f}'} | "
                f"{row['ratio']:.2f} | {_fmt(row['p50_ms'])} | {_fmt(row.get('p95_ms'))} | "
                f"{_fmt(row['p99_ms'])} | {alone} | {row['queries']} |"
            )
        lines.append(f"\nCeiling at the start and at the end of the run: {results['pages']['ceiling_rps']} req/s.")
    targets = check_targets(results)
    if targets:
        lines += ["", "| target (issue 14) | measured | met |", "|---|---|:-:|"]
        lines += [f"| {name} | {measured} | {'yes' if met else '**no**'} |" for name, measured, met in targets]
    if "fanout" in results:
        f = results["fanout"]
        lines += [
            "",
            f"Reminder fan-out: {f['mails']:,} birthday greetings due on one day ({f.get('texts', 0):,} of them by "
            f"text message, to files), from beat's job (find the members, render, write the outbox) through a Celery "
            f"worker ({f['worker_concurrency']} processes) and Redis into a local SMTP sink: "
            f"**{f['fanout_mails_per_s']:.0f} messages/s**, **{f['ratio']:.2f}×** a plain smtplib "
            f"loop on one connection ({f['reference_mails_per_s']:.0f} mails/s); each delivered exactly once and "
            f"marked sent: {f['all_delivered_once']}.",
        ]
    lines.append("<!-- /results -->")
    text = README.read_text(encoding="utf-8")
    start, end = text.index("<!-- results"), text.index("<!-- /results -->") + len("<!-- /results -->")
    README.write_text(text[:start] + "\n".join(lines) + text[end:], encoding="utf-8")


def main() -> int:
    say(f"=== database {DATABASE_URL}, Redis {REDIS_URL}")
    ensure_database()
    manage("migrate", "--noinput", "-v0")
    manage("bench_seed", "--scale", SCALE)
    manage("collectstatic", "--noinput", "-v0")
    django_setup()
    from members.models import Member

    results = {
        "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "members": Member.objects.count(),
        "settings": {"seconds": SECONDS, "connections": CONNECTIONS, "gunicorn_workers": WORKERS},
    }
    if ONLY in ("", "pages"):
        say("=== pages (gunicorn, 2 workers)")
        results["pages"] = run_pages()
    if ONLY in ("", "fanout"):
        say(f"=== reminder fan-out: {MAILS} e-mails")
        results["fanout"] = run_fanout()
    if ONLY in ("", "dues"):
        say(f"=== the monthly dues reminder to every member due (load {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        results["dues"] = run_dues()
    if ONLY in ("", "rush"):
        from tests.bench import rush

        say(f"=== the rush: {rush.N} members press sign-up at once for {rush.P} places (load {rush.load_average()})")
        Path(ENV["BENCH_LOCK_LOG"]).unlink(missing_ok=True)
        results["rush"] = rush.run_rush(gunicorn_factory=Gunicorn, say=say)
    if ONLY == "scale":
        results["scale"] = run_scale()
    if os.environ.get("BENCH_RESULTS_OUT"):  # a part run by another (the scale comparison)
        Path(os.environ["BENCH_RESULTS_OUT"]).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    if PAGES or ONLY:
        say("A partial run (BENCH_PAGES or BENCH_ONLY): results.json and the README are left as they were.")
    else:
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_readme(results)
    for name, measured, met in check_targets(results):
        say(f"  {'met    ' if met else 'NOT MET'}  {name}: {measured}")
    if not (PAGES or ONLY):
        say(f"Results in {RESULTS.relative_to(ROOT)} and {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
