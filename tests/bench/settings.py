"""Settings for the load benchmark (``make bench``): production, reachable over plain HTTP on this machine.

Everything that costs time in production stays on (persistent connections,
middleware, CSP, manifest static files); only HTTPS is off, since the load
generator talks to gunicorn on 127.0.0.1, and the empty "ceiling" view is on.
"""

import os
import secrets

# A throwaway key: benchmark sessions need not outlive the run.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from unionportal.settings.production import *  # noqa: E402, F403
from unionportal.settings.production import INSTALLED_APPS, VAR_DIR  # noqa: E402

DEBUG = False
ROOT_URLCONF = "tests.bench.urls"  # the portal plus /bench/ceiling
INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench"]  # manage.py bench_seed
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STATIC_ROOT = VAR_DIR / "bench-static"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# The sign-up service's lock figures, one line a sign-up, for the rush benchmark (tests/bench/rush.py).
if os.environ.get("BENCH_LOCK_LOG"):
    LOGGING["handlers"]["locks"] = {"class": "logging.FileHandler", "filename": os.environ["BENCH_LOCK_LOG"]}
    LOGGING["loggers"] = {"activities.locks": {"handlers": ["locks"], "level": "DEBUG", "propagate": False}}
