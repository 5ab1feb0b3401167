"""Settings for the test suite (``make test``)."""

from .base import *  # noqa: F403
from .base import REDIS_URL, VAR_DIR

SECRET_KEY = "tests-only-not-a-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process; tests that need a real worker start one themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STAFF_REQUIRE_MFA = True
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
ACCOUNT_RATE_LIMITS = False
if not REDIS_URL:
    # One process, cleared between tests that count: memory is enough (and leaves no files).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Figures are counted on every view (tests change data between views inside one
# transaction, where no commit refreshes them); tests of the keeping turn it on.
DASHBOARD_STATISTICS_SECONDS = 0
DASHBOARD_PANELS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns about a missing STATIC_ROOT before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: threads in concurrency
    # tests then meet the same locking (busy timeout, WAL) as production.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405
SMS_BACKEND = "notifications.sms.locmem.SmsBackend"
