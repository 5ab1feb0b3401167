"""Skips for tests that need a real service. Their reasons start with
"needs PostgreSQL" / "needs Redis" / "needs Chromium"; CI's PostgreSQL + Redis
run (REQUIRE_SERVICES=1) turns such a skip into a failure."""

import os
import shutil

import pytest
from django.db import connection

SERVICE_SKIP_MARKERS = ("needs PostgreSQL", "needs Redis")

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
