"""The 9:00 rush (``BENCH_ONLY=rush make bench``): N members press 报名 at the same instant for P places.

How it is measured:

- N active members get a session each, written straight into the session table (what a log-in
  would leave: user id, back-end, password hash), and a CSRF secret of their own (the cookie,
  and the masked token the sign-up form would carry). Nobody logs in during the run.
- One activity of the whole federation opens now with P places and a waiting list (or, with
  ``BENCH_RUSH_LOTTERY=1``, is a lottery: entries during the rush, the draw afterwards).
- The client is asyncio + aiohttp with one connection per member (N at once, no pool limit):
  every member's POST leaves at the same instant, the way N phones would press together. The
  connections are opened at the press, not before: gunicorn's sync workers would sit on an
  idle open connection. A press's latency runs from that instant to its answer, so it includes
  the wait in gunicorn's accept queue, which is what the member feels.
- The ceiling is the empty authenticated view (``/bench/ceiling``) pressed the same way: the
  same N members, same server, same N simultaneous connections, one burst right before and one
  right after each rush (this machine is shared: both move with the others' load). Sign-ups/s is
  N / (time until the last answer); the ratio is to the mean of those two bursts' requests/s.
- The activity's row lock: the sign-up service writes, under the bench settings only (a logger
  that production leaves off), how long it waited for the lock, how long it held it up to the
  decision and row write, and up to the end of COMMIT (PostgreSQL releases row locks only after
  the commit record is flushed, so the commit's disk flush is part of the time the row stays
  locked). The figures come from ``time.perf_counter`` in the service (``activities.locks``).
- Checked: exactly P confirmed and N-P waiting at positions 1..N-P (a lottery: N entries, then
  after the draw the same), every answer a redirect back to the activity, no error.

Environment: BENCH_RUSH_N (400), BENCH_RUSH_P (50), BENCH_RUSH_LOTTERY (0), BENCH_RUSH_ROUNDS (3,
each a new activity), BENCH_RUSH_WORKERS ("2", or "1,2" to compare one gunicorn worker with two),
BENCH_RUSH_CEILING_BURSTS (1, the first ceiling before the rounds).
"""

import asyncio
import datetime
import os
import statistics
import time
from collections import Counter
from pathlib import Path

N = int(os.environ.get("BENCH_RUSH_N", "400"))
P = int(os.environ.get("BENCH_RUSH_P", "50"))
LOTTERY = os.environ.get("BENCH_RUSH_LOTTERY", "0") not in ("", "0", "false", "no")
ROUNDS = int(os.environ.get("BENCH_RUSH_ROUNDS", "3"))
WORKER_COUNTS = [int(w) for w in os.environ.get("BENCH_RUSH_WORKERS", "2").split(",") if w.strip()]
CEILING_BURSTS = int(os.environ.get("BENCH_RUSH_CEILING_BURSTS", "1"))
TIMEOUT = 120.0


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _percentile(ordered: list[float], p: float) -> float | None:
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else None


# --- who presses ------------------------------------------------------------------


def members_with_sessions(count: int) -> list[dict]:
    """``count`` active members, each with a session row and a CSRF secret made here directly."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.utils import timezone

    from members.models import Member
    from tests.bench.management.commands.bench_seed import BENCH_WORKER_EMAIL

    members = list(
        Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False, user__is_active=True)
        .exclude(user__email=BENCH_WORKER_EMAIL)
        .select_related("user")
        .order_by("pk")[:count]
    )
    if len(members) < count:
        raise SystemExit(f"Only {len(members)} active members: seed a larger union (BENCH_SCALE).")
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + datetime.timedelta(hours=2)
    store = SessionStore()
    rows, people = [], []
    for member in members:
        key = store._get_new_session_key()
        data = {
            SESSION_KEY: str(member.user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: member.user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        secret = _get_new_csrf_string()
        people.append(
            {
                "member": member.pk,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={secret}",
                "token": _mask_cipher_secret(secret),
            }
        )
    Session.objects.bulk_create(rows, batch_size=2000)
    return people


def rush_activity(*, places: int, lottery: bool, label: str):
    from django.utils import timezone

    from activities.models import Activity
    from members.models import OrgUnit, User
    from tests.bench.management.commands.bench_seed import BENCH_OFFICER_EMAIL

    now = timezone.now()
    starts = now + datetime.timedelta(days=30)
    return Activity.objects.create(
        title=f"三八登山（基准抢报名 {label}）",
        category=Activity.Category.CULTURE_SPORT,
        place="凤凰山",
        unit=OrgUnit.objects.get(depth=1),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=6),
        signup_opens_at=now - datetime.timedelta(seconds=1),
        signup_closes_at=starts - datetime.timedelta(days=1) if lottery else None,
        capacity=places,
        waiting_list=True,
        allocation=Activity.Allocation.LOTTERY if lottery else Activity.Allocation.FIRST_COME,
        status=Activity.Status.PUBLISHED,
        members_only=True,
        created_by=User.objects.get(email=BENCH_OFFICER_EMAIL),
    )


# --- the presses ------------------------------------------------------------------


async def _burst(url: str, people: list[dict], *, post: bool, origin: str) -> dict:
    """Every person sends one request at the same instant, each on a connection of its own."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    latencies: list[float] = []
    statuses: Counter = Counter()
    locations: Counter = Counter()
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        go = asyncio.Event()

        async def press(person: dict) -> None:
            await go.wait()
            started = time.perf_counter()
            headers = {"Cookie": person["cookie"]}
            try:
                if post:
                    headers.update({"Origin": origin, "X-CSRFToken": person["token"]})
                    request = session.post(
                        url, data={"csrfmiddlewaretoken": person["token"]}, headers=headers, allow_redirects=False
                    )
                else:
                    request = session.get(url, headers=headers, allow_redirects=False)
                async with request as response:
                    await response.read()
                    statuses[response.status] += 1
                    locations[response.headers.get("Location", "")] += 1
            except (TimeoutError, aiohttp.ClientError) as exc:
                statuses[type(exc).__name__] += 1
            latencies.append(time.perf_counter() - started)

        tasks = [asyncio.create_task(press(person)) for person in people]
        await asyncio.sleep(0.2)  # every coroutine is waiting at the line
        started = time.perf_counter()
        go.set()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(people),
        "elapsed_s": elapsed,
        "rps": len(people) / elapsed,
        "p50_ms": _percentile(latencies, 50) * 1000,
        "p99_ms": _percentile(latencies, 99) * 1000,
        "max_ms": latencies[-1] * 1000,
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "locations": dict(locations),
    }


def burst(url: str, people: list[dict], *, post: bool, origin: str) -> dict:
    return asyncio.run(_burst(url, people, post=post, origin=origin))


# --- the lock ---------------------------------------------------------------------


def lock_times(log: Path, activity_id: int) -> dict:
    """The service's own figures for this activity (bench settings only), in milliseconds."""
    waited, held, decided = [], [], []
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            if fields.get("activity") != str(activity_id):
                continue
            waited.append(float(fields["waited_ms"]))
            decided.append(float(fields["decided_ms"]))
            held.append(float(fields["held_ms"]))
    for values in (waited, held, decided):
        values.sort()

    def summary(values):
        return {
            "p50_ms": _percentile(values, 50),
            "p99_ms": _percentile(values, 99),
            "max_ms": values[-1] if values else None,
        }

    return {
        "count": len(held),
        "held": summary(held),
        "held_before_commit": summary(decided),
        "waited": summary(waited),
    }


# --- the check ----------------------------------------------------------------------


def outcome(activity, *, people: int, places: int) -> dict:
    from activities.models import Registration

    R = Registration.Status
    registrations = Registration.objects.filter(activity=activity)
    confirmed = registrations.filter(status=R.CONFIRMED).count()
    waiting = sorted(registrations.filter(status=R.WAITING).values_list("position", flat=True))
    pending = registrations.filter(status=R.PENDING).count()
    expected_waiting = list(range(1, people - places + 1))
    return {
        "registrations": registrations.count(),
        "confirmed": confirmed,
        "waiting": len(waiting),
        "pending": pending,
        "correct": confirmed == places and waiting == expected_waiting and registrations.count() == people,
    }


def draw(activity, *, people: int, places: int) -> dict:
    """A lottery: every press an entry; then sign-up closes and the places are drawn."""
    from django.utils import timezone

    from activities import services
    from activities.models import Activity

    entries = outcome(activity, people=people, places=places)
    Activity.objects.filter(pk=activity.pk).update(signup_closes_at=timezone.now() - datetime.timedelta(seconds=1))
    activity.refresh_from_db()
    started = time.perf_counter()
    services.lottery_draw(activity=activity, by=None)
    drawn_s = time.perf_counter() - started
    after = outcome(activity, people=people, places=places)
    after["entries_before_draw"] = entries["pending"]
    after["correct"] = after["correct"] and entries["pending"] == people
    after["draw_s"] = round(drawn_s, 2)
    return after


def run_rush(*, gunicorn_factory, say) -> dict:
    """Run the rush against gunicorn with 1 or 2 workers (BENCH_RUSH_WORKERS); return the figures."""
    from django.urls import reverse

    log = Path(os.environ["BENCH_LOCK_LOG"])
    people = members_with_sessions(N)
    say(f"  {N} members with sessions made directly; {P} places; {'lottery' if LOTTERY else 'first come'}")
    results = []
    for workers in WORKER_COUNTS:
        with gunicorn_factory(workers) as server:
            ceiling_url = server.url + reverse("bench-ceiling")
            burst(ceiling_url, people[: min(50, N)], post=False, origin=server.url)  # warm the workers
            ceilings = [burst(ceiling_url, people, post=False, origin=server.url) for _ in range(CEILING_BURSTS)]
            ceiling_rps = sum(c["requests"] for c in ceilings) / sum(c["elapsed_s"] for c in ceilings)
            bad = sum(n for c in ceilings for status, n in c["statuses"].items() if status != "200")
            say(
                f"  [{workers} worker(s)] ceiling, {N} at once x{CEILING_BURSTS}: {ceiling_rps:.0f} req/s, "
                f"p99 {max(c['p99_ms'] for c in ceilings):.0f} ms, non-200: {bad} (load {load_average()})"
            )
            for round_ in range(ROUNDS):
                activity = rush_activity(places=P, lottery=LOTTERY, label=f"{workers}w-{round_ + 1}")
                url = server.url + reverse("activities:signup", args=[activity.pk])
                load_before = load_average()
                # The ceiling right before and right after the rush: other work on this shared
                # machine changes the speed of both, so the ratio is to the ceiling next to it.
                ceiling_before = burst(ceiling_url, people, post=False, origin=server.url)
                result = burst(url, people, post=True, origin=server.url)
                ceiling_after = burst(ceiling_url, people, post=False, origin=server.url)
                adjacent_rps = (ceiling_before["rps"] + ceiling_after["rps"]) / 2
                expected = reverse("activities:detail", args=[activity.pk])
                redirected = result["statuses"].get("302", 0) == N and result["locations"] == {expected: N}
                check = draw(activity, people=N, places=P) if LOTTERY else outcome(activity, people=N, places=P)
                locks = lock_times(log, activity.pk)
                row = {
                    "workers": workers,
                    "round": round_ + 1,
                    "activity": activity.pk,
                    "load_average": load_before,
                    "ceiling_rps": round(adjacent_rps, 1),
                    "ceiling_before_after_rps": [round(ceiling_before["rps"], 1), round(ceiling_after["rps"], 1)],
                    "signups_per_s": round(result["rps"], 1),
                    "ratio": round(result["rps"] / adjacent_rps, 3),
                    "p50_ms": round(result["p50_ms"], 1),
                    "p99_ms": round(result["p99_ms"], 1),
                    "max_ms": round(result["max_ms"], 1),
                    "statuses": result["statuses"],
                    "all_redirected_to_activity": redirected,
                    **check,
                    "lock": locks,
                }
                results.append(row)
                held, before = locks["held"], locks["held_before_commit"]
                say(
                    f"  [{workers} worker(s)] round {round_ + 1}: {row['signups_per_s']:.0f} sign-ups/s = "
                    f"{row['ratio']:.2f}x the ceiling next to it ({ceiling_before['rps']:.0f}/"
                    f"{ceiling_after['rps']:.0f} req/s before/after); "
                    f"p50 {row['p50_ms']:.0f} ms, p99 {row['p99_ms']:.0f} ms, "
                    f"max {row['max_ms']:.0f} ms; statuses {row['statuses']}; "
                    f"{check['confirmed']} confirmed, {check['waiting']} waiting, correct: {check['correct']}, "
                    f"redirects: {redirected} (load {load_before})"
                )
                if locks["count"]:
                    say(
                        f"      activity row locked per sign-up ({locks['count']} logged): to the end of COMMIT "
                        f"p50 {held['p50_ms']:.2f} / p99 {held['p99_ms']:.2f} / max {held['max_ms']:.2f} ms; "
                        f"before COMMIT p50 {before['p50_ms']:.2f} / p99 {before['p99_ms']:.2f} ms; waited for it "
                        f"p50 {locks['waited']['p50_ms']:.1f} / p99 {locks['waited']['p99_ms']:.1f} ms"
                    )
                else:
                    say("      (no lock figures: the service logged none)")
    summary = {}
    for workers in WORKER_COUNTS:
        rows = [r for r in results if r["workers"] == workers]
        summary[str(workers)] = {
            "signups_per_s": round(statistics.median(r["signups_per_s"] for r in rows), 1),
            "ratio": round(statistics.median(r["ratio"] for r in rows), 3),
            "p99_ms": max(r["p99_ms"] for r in rows),
            "max_ms": max(r["max_ms"] for r in rows),
            "all_correct": all(r["correct"] and r["all_redirected_to_activity"] for r in rows),
            # None when the service logged nothing (a build without the lock figures): not met.
            "lock_held_p99_ms": max((r["lock"]["held"]["p99_ms"] for r in rows if r["lock"]["count"]), default=None),
            "lock_held_before_commit_p99_ms": max(
                (r["lock"]["held_before_commit"]["p99_ms"] for r in rows if r["lock"]["count"]), default=None
            ),
        }
    if len(WORKER_COUNTS) > 1:
        one, two = summary[str(WORKER_COUNTS[0])], summary[str(WORKER_COUNTS[-1])]
        say(
            f"  {WORKER_COUNTS[-1]} workers against {WORKER_COUNTS[0]}: "
            f"{two['signups_per_s'] / one['signups_per_s']:.2f}x the sign-ups/s"
        )
    return {"n": N, "p": P, "lottery": LOTTERY, "rounds": results, "summary": summary}


def check_targets(rush: dict) -> list[tuple[str, str, bool]]:
    """Issue 19's targets for the rush (N=400, P=50: ratio, p99, no error, lock; N=2,000: within 5 s)."""
    checks = []
    for workers, row in rush["summary"].items():
        label = f"rush N={rush['n']} P={rush['p']}{' lottery' if rush['lottery'] else ''}, {workers} worker(s)"
        checks.append((f"{label}: exactly P confirmed, rest waiting in order, no error", "", row["all_correct"]))
        if rush["n"] >= 2000:
            within = row["max_ms"] < 5000
            checks.append((f"{label}: every press answered within 5 s", f"max {row['max_ms']:.0f} ms", within))
        else:
            checks.append((f"{label}: ≥ 0.3× the ceiling", f"{row['ratio']:.2f}×", row["ratio"] >= 0.3))
            checks.append((f"{label}: p99 < 1 s", f"{row['p99_ms']:.0f} ms", row["p99_ms"] < 1000))
        held, before = row["lock_held_p99_ms"], row["lock_held_before_commit_p99_ms"]
        measured = "not measured" if held is None else f"{held:.2f} ms to the end of COMMIT, {before:.2f} ms before it"
        checks.append((f"{label}: activity row locked < 2 ms at p99", measured, held is not None and held < 2))
    return checks
