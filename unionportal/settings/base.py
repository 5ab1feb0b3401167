"""Settings shared by every situation, read from environment variables.

With no variable set the project runs on embedded defaults: SQLite under
``var/``, the Celery filesystem broker under ``var/broker/``, a file cache
under ``var/cache/`` and e-mail written to files under ``var/mail/``. ``DATABASE_URL`` and
``REDIS_URL`` switch to PostgreSQL and Redis.
"""

import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute address of the portal, used for links in e-mails and QR codes.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The union that runs the portal: the sender of its mails, the signature of its texts, and
# the office a worker asks about their personal information (the privacy notice, /privacy/).
UNION_NAME = os.environ.get("UNION_NAME", "职工之家")
UNION_CONTACT = {
    "office": os.environ.get("UNION_CONTACT_OFFICE", "工会办公室"),
    "phone": os.environ.get("UNION_CONTACT_PHONE", "0571-8800 0000"),
    "email": os.environ.get("UNION_CONTACT_EMAIL", "office@unionportal.local"),
}

INSTALLED_APPS = [
    # Our apps first: their translations take precedence over the libraries'
    # (django-celery-beat, for one, translates "Name" as 任务名).
    "members",
    "notifications",
    "activities",
    "welfare",
    "feedback",
    "care",
    "notices",
    "learning",
    "surveys",
    "proposals",
    "dashboard",
    "dashboard.sites.PortalAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "treebeard",
    "simple_history",
    "import_export",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lib.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "members.middleware.UserLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "members.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "unionportal.urls"
WSGI_APPLICATION = "unionportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.portal",
                "pages.context_processors.nav_section",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Without IMMEDIATE transactions and a busy timeout, concurrent writers
    # (web, worker, beat) fail with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis ------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "unionportal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # Files, not each process's memory: the web server, the worker and beat must see the
    # same cache (rate limits, an import's progress written by the worker).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# How long the dashboard keeps an officer's statistics tables and panels in the cache
# (a change to the data they count has them counted again at once). The BACKOFFICE_*
# names of the environment are still read.
DASHBOARD_STATISTICS_SECONDS = int(
    os.environ.get("DASHBOARD_STATISTICS_SECONDS", os.environ.get("BACKOFFICE_STATISTICS_SECONDS", "300"))
)
DASHBOARD_PANELS_SECONDS = int(
    os.environ.get("DASHBOARD_PANELS_SECONDS", os.environ.get("BACKOFFICE_DASHBOARD_SECONDS", "60"))
)

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:profile"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
# A worker signs up and in with a mobile number (verified by a text-message code), an
# e-mail address, or both (issue 17); numbers are stored in E.164 (lib.phones).
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
# Either or both (members.forms.SignupForm asks for one at least).
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "members.forms.SignupForm"}
# allauth warns when no way in is required at sign-up; the form requires one of the two.
SILENCED_SYSTEM_CHECKS = ["account.W001"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# "optional" for allauth (which would otherwise require an address of everyone); an address
# is still mandatory to verify for an account without a verified number
# (members.adapters.EmailVerificationStage), as before numbers came.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
# A code expires after ten minutes and locks after three wrong tries (allauth's own).
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 600
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = 3
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = 1
# Signing in by a code, texted or mailed: also the way back in for who forgot the password.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
PHONE_DEFAULT_REGION = os.environ.get("PHONE_DEFAULT_REGION", "CN")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Account mails are signed by the union, as its texts are (not "[127.0.0.1:8000]").
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"【{UNION_NAME}】"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    # Text-message codes (SMS bombing): per number (key) and per client address; the
    # adapter adds a daily ceiling per number, per address and per account (SMS_CODE_LIMITS).
    "verify_phone": "1/60s/key,5/h/key,10/h/ip",
    "request_login_code": "1/60s/key,5/h/key,10/h/ip",
    "change_phone": "1/m/user,5/d/user",
}
# Seconds a worker waits before another code may be sent (shown on the page): the "1/60s" above.
SMS_CODE_COOL_DOWN = 60
# Codes texted per day, at most: per number, per client address, per account.
SMS_CODE_LIMITS = {"phone": 10, "ip": 30, "user": 10}
# The client address for rate limits: behind the TLS proxy, the number of proxies that
# append to X-Forwarded-For, or the header the proxy sets (e.g. X-Real-IP); otherwise
# every client shares the proxy's address and one budget.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("ALLAUTH_TRUSTED_CLIENT_IP_HEADER") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "UnionPortal"
# Staff must have a second factor before they may use the back office.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", True)

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Private uploads (welfare attachments) live outside any public root and are
# only ever served through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
# A PDF or a video of the learning library (officers upload them in the back office).
LEARNING_FILE_MAX_BYTES = int(os.environ.get("LEARNING_FILE_MAX_BYTES", 200 * 1024 * 1024))
# "x-accel" hands attachment downloads to nginx (see README); "django" streams them.
ATTACHMENT_SERVE = os.environ.get("ATTACHMENT_SERVE", "django")

# --- E-mail ---------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{UNION_NAME} <noreply@unionportal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# How often the outbox tries one e-mail before it is marked failed.
# Which optional mails not to send: the members app keeps the preference
# (the outbox imports no app of ours), named here as EMAIL_BACKEND names a class.
OUTBOX_OPT_OUT = "members.notify.optional_mail_refused"
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "5"))
# A row claimed by a worker that died is sent again after this many seconds
# (longer than any one SMTP conversation: see notifications.checks).
OUTBOX_CLAIM_TIMEOUT = int(os.environ.get("OUTBOX_CLAIM_TIMEOUT", "300"))
# After a failed publish, a process leaves the broker alone this long; the
# outbox sweep sends what was saved meanwhile.
OUTBOX_BROKER_RETRY_AFTER = int(os.environ.get("OUTBOX_BROKER_RETRY_AFTER", "10"))
# The sweep leaves a pending row this long to the worker it was queued for.
OUTBOX_SWEEP_GRACE = int(os.environ.get("OUTBOX_SWEEP_GRACE", "30"))
# One sweep stops taking new rows after this long; the next sweep goes on.
OUTBOX_SWEEP_SECONDS = int(os.environ.get("OUTBOX_SWEEP_SECONDS", "240"))

# --- Text messages (SMS) ---------------------------------------------------
# As EMAIL_BACKEND: notifications.sms.filebased (one file per text under var/sms/, the
# default), .console, .locmem (tests) or .alibaba (Alibaba Cloud SMS, production).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.filebased.SmsBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))
# The union's signature, 【…】 at the head of every text (carriers require one).
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", UNION_NAME)
# Texts sent per day by this installation, at most (they cost money); an officer raises
# the day's ceiling in the admin (Outbox → SMS days).
SMS_DAILY_LIMIT = int(os.environ.get("SMS_DAILY_LIMIT", "2000"))
# Alibaba Cloud SMS (notifications.sms.alibaba): the key pair, the signature as approved
# (SignName), and one approved template code per text; each template reads ${content}.
SMS_ALIBABA_ACCESS_KEY_ID = os.environ.get("SMS_ALIBABA_ACCESS_KEY_ID", "")
SMS_ALIBABA_ACCESS_KEY_SECRET = os.environ.get("SMS_ALIBABA_ACCESS_KEY_SECRET", "")
SMS_ALIBABA_ENDPOINT = os.environ.get("SMS_ALIBABA_ENDPOINT", "dysmsapi.aliyuncs.com")
SMS_ALIBABA_PROTOCOL = os.environ.get("SMS_ALIBABA_PROTOCOL", "https")
SMS_ALIBABA_SIGN_NAME = os.environ.get("SMS_ALIBABA_SIGN_NAME", SMS_SIGNATURE)
SMS_ALIBABA_TIMEOUT_MS = int(os.environ.get("SMS_ALIBABA_TIMEOUT_MS", "10000"))
# {"<outbox template>": "SMS_123456789", ...}; "*" is the one used for any other.
SMS_ALIBABA_TEMPLATE_CODES = json.loads(os.environ.get("SMS_ALIBABA_TEMPLATE_CODES", "{}"))
# Replies to our texts (回复TD退订) reach the portal at /sms/inbound/<token>/; empty: off.
SMS_INBOUND_TOKEN = os.environ.get("SMS_INBOUND_TOKEN", "")
# Who turned optional texts off: the members app keeps the preference (as OUTBOX_OPT_OUT).
SMS_OPT_OUT_REPLY = "members.notify.sms_opt_out_reply"

# --- Celery ---------------------------------------------------------------
# Redis hands a message that is not acknowledged within this many seconds to
# another worker, even one still waiting for its ETA. So no task may wait that
# long (unionportal.celery.Task refuses such an ETA or countdown) nor run that
# long (CELERY_TASK_TIME_LIMIT). kombu's Redis channel reads the value from the
# broker transport options; Celery's Redis docs ask for the same value in the
# two other places as well.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # A web request that queues a mail must not wait for an absent broker:
    # one connection attempt (kombu otherwise sleeps 2 s before a retry)
    # with short timeouts. The outbox sweep sends whatever was not queued.
    "max_retries": 0,
    "socket_connect_timeout": 1,
    # Longer than the worker's 1 s BRPOP wait.
    "socket_timeout": 2,
}
if REDIS_URL:
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
else:
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport expects its folders to exist.
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Its default is the relative "control": it would write into the work tree.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # The filesystem transport has no fan-out exchanges for remote control.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# Every task is idempotent (outbox keys, row claims), so it is acknowledged
# only when done and runs again if its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Well under the visibility timeout, so a running task is never handed out twice.
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_TIME_LIMIT = 600
# On a cold shutdown, give running tasks a moment and put the rest back in the queue.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10.0
# Beat and workers may retry a publish briefly; web requests never do (see
# notifications.services.notification_queue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Django admin widgets set a few inline style attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # kombu warns that "filesystem://" names no host; nothing is wrong.
        "kombu.connection": {"level": "ERROR"},
    },
}

# Co-signers a workers' activity proposal needs before the officers of its unit are told,
# where no unit above it sets its own (admin: "co-signer thresholds").
PROPOSALS_THRESHOLD = int(os.environ.get("PROPOSALS_THRESHOLD", "5"))

# Where the "seed_demo" command looks for each app's demo data, in order.
DEMO_SEEDERS = [
    "members.demo.seed",
    "activities.demo.seed",
    "welfare.demo.seed",
    "feedback.demo.seed",
    "care.demo.seed",
    "notices.demo.seed",
    "learning.demo.seed",
    "surveys.demo.seed",
    "proposals.demo.seed",
    "welfare.demo.seed_budgets",
]
