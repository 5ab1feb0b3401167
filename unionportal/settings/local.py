"""Settings for a developer's laptop and the demo (``make run``)."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# The demo waives the staff second factor; the login page says so.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", False)

if not SECRET_KEY:  # noqa: F405
    # Never commit a key: make one per checkout, kept under var/.
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

# WhiteNoise warns about a missing STATIC_ROOT before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
