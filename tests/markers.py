"""Skips for tests that need a real service. Their reasons start with
"needs PostgreSQL" / "needs Redis" / "needs Chromium". ``REQUIRE_SERVICES``
turns such a skip into a failure: ``postgres,redis`` (CI's PostgreSQL + Redis
run), ``chromium`` (CI's embedded run, where the browser journeys run), or
``1`` for all three."""

import os
import shutil

import pytest
from django.db import connection

SERVICE_SKIP_MARKERS = {"postgres": "needs PostgreSQL", "redis": "needs Redis", "chromium": "needs Chromium"}


def required_skip_markers() -> list[str]:
    """The skip reasons that REQUIRE_SERVICES makes failures."""
    wanted = os.environ.get("REQUIRE_SERVICES", "").strip().lower()
    if not wanted:
        return []
    if wanted == "1":
        return list(SERVICE_SKIP_MARKERS.values())
    names = {name.strip() for name in wanted.split(",") if name.strip()}
    unknown = names - SERVICE_SKIP_MARKERS.keys()
    if unknown:
        raise ValueError(
            f"REQUIRE_SERVICES: unknown service(s) {sorted(unknown)}; known: {sorted(SERVICE_SKIP_MARKERS)}"
        )
    return [SERVICE_SKIP_MARKERS[name] for name in sorted(names)]


requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)",
)
requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: run with REDIS_URL=redis://… (CI does)",
)
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
requires_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="needs Chromium: apt-get install chromium (CI does)",
)
