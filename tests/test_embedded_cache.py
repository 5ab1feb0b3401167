"""On the embedded defaults the web server, the worker and beat are separate
processes: what one writes to the cache (an import's progress, a rate-limit
count) the others must read."""

import os
import subprocess
import sys
import uuid

from django.conf import settings

SNIPPET = """
import django, sys
django.setup()
from django.core.cache import cache
if sys.argv[1] == "set":
    cache.set(sys.argv[2], 42, timeout=60)
else:
    print(cache.get(sys.argv[2]))
"""


def run(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="unionportal.settings.local", VAR_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-c", SNIPPET, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


def test_a_value_one_process_caches_is_seen_by_another(tmp_path):
    key = f"progress-{uuid.uuid4().hex}"
    run(tmp_path, "set", key)
    assert run(tmp_path, "get", key) == "42"
