import logging
import time
import uuid

import redis
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import get_language

from notifications.services import notification_save

logger = logging.getLogger(__name__)

# The cache being unreachable, not a fault in our use of it.
CACHE_DOWN_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
# After a failure, how long rate limits skip the cache (one wait per request, not one per check).
RATE_LIMIT_CACHE_RETRY_AFTER = 5.0


class _FailOpenCache:
    """The cache allauth's rate limits count in: while it is unreachable, every limit lets
    the request through (with a warning), so logging in, signing up and resetting a password
    keep working without Redis. allauth has no adapter hook around its checks, so this stands
    in for the one cache object its rate-limit module uses; the rest of the site is unchanged.
    (allauth imports this module, through ``get_adapter()``, to make a limit's key, before
    its first check.)"""

    down_until = 0.0  # monotonic time before which the cache is not tried again

    def _call(self, name: str, fallback, *args, **kwargs):
        if time.monotonic() < self.down_until:
            return fallback
        try:
            return getattr(cache, name)(*args, **kwargs)
        except CACHE_DOWN_ERRORS as exc:
            self.down_until = time.monotonic() + RATE_LIMIT_CACHE_RETRY_AFTER
            logger.warning(
                "Cache unreachable (%s: %s): rate limits are not applied for %s s",
                type(exc).__name__,
                exc,
                RATE_LIMIT_CACHE_RETRY_AFTER,
            )
            return fallback

    def add(self, key, value, *args, **kwargs) -> bool:
        return self._call("add", True, key, value, *args, **kwargs)  # the lock is "taken"

    def get(self, key, default=None):
        return self._call("get", default, key, default)  # no hits counted

    def set(self, key, value, *args, **kwargs) -> None:
        self._call("set", None, key, value, *args, **kwargs)

    def delete(self, key) -> bool:
        return self._call("delete", False, key)


_rate_limit_cache = _FailOpenCache()
allauth_ratelimit.cache = _rate_limit_cache


def rate_limit_cache_reset() -> None:
    """Forget a failure (tests): the next check tries the cache again."""
    _rate_limit_cache.down_until = 0.0


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account e-mails (verification, password reset) go through the outbox too."""
        from .models import User

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        notification_save(
            # Each of these mails is unique (a fresh key or code every time).
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            to_email=email,
            user=User.objects.filter(email__iexact=email).first(),
            template=template_prefix,
            language=get_language(),
            subject=message.subject,
            body_text=message.body,
            body_html=html,
        )

    def send_account_already_exists_mail(self, email: str) -> None:
        """Signing up with an address already registered sends this mail instead of creating
        the account. A new account costs a password hash, by far the slowest step: hash one
        here too (and throw it away), or the answer's timing tells which addresses are
        registered, though the pages are the same."""
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed logins are counted per account *and* client address (allauth: per account
        only), so wrong passwords typed elsewhere never lock the owner out; the per-address
        limit (``login_failed``'s ``/ip`` part) still holds. Behind a proxy the address is
        right only with ``ALLAUTH_TRUSTED_PROXY_COUNT`` or ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"

    def get_login_redirect_url(self, request):
        if request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)
