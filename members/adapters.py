import logging
import time
import uuid

import redis
from allauth.account import stages as allauth_stages
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit as allauth_ratelimit
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lib.phones import MAX_INPUT_LENGTH, phone_masked, phone_normalise
from notifications.services import notification_save, sms_enqueue

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


class EmailVerificationStage(allauth_stages.EmailVerificationStage):
    """An account without a verified mobile number must verify its address before it gets in
    (allauth's "mandatory"); one with a verified number is in, and is sent the mail to verify
    its address when it signs up (allauth's "optional", the setting)."""

    def handle(self):
        user = self.login.user
        if user is None:
            # A sign-up with a taken address (SignupForm.validate_unique_email): answered as a
            # new address is; a taken number is answered by the phone stage before this one.
            mandatory = not self.login.phone
        else:
            mandatory = not (user.phone and user.phone_verified)
        if mandatory:
            self.login.email_verification = EmailVerificationMethod.MANDATORY
        return super().handle()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        return [
            "members.adapters.EmailVerificationStage"
            if stage == "allauth.account.stages.EmailVerificationStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account e-mails (verification, password reset) go through the outbox too."""
        from .models import User

        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            # The greeting, the signature and "whom to ask" (templates/account/email/base_message.txt).
            "union_name": settings.UNION_NAME,
            "union_contact": settings.UNION_CONTACT,
            **context,
        }
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

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        """The verification page offers to send the mail again: it remembers to which address."""
        super().send_confirmation_mail(request, emailconfirmation, signup)
        remember_verification_email(request, emailconfirmation.email_address.email)

    def send_account_already_exists_mail(self, email: str) -> None:
        """Signing up with an address already registered sends this mail instead of creating
        the account. A new account costs a password hash, by far the slowest step: hash one
        here too (and throw it away), or the answer's timing tells which addresses are
        registered, though the pages are the same."""
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)
        # The page that follows is the one a new address gets, its "send again" button too.
        remember_verification_email(allauth_context.request, email)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed logins are counted per account *and* client address (allauth: per account
        only), so wrong passwords typed elsewhere never lock the owner out; the per-address
        limit (``login_failed``'s ``/ip`` part) still holds. Behind a proxy the address is
        right only with ``ALLAUTH_TRUSTED_PROXY_COUNT`` or ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"

    # --- Mobile numbers (allauth's phone support) ------------------------------

    def phone_form_field(self, **kwargs):
        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return phone_normalise(phone)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone, user.phone_verified = phone, verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str):
        """The account whose verified number this is; else the one account that gave it
        unverified (so it can finish its verification by signing in)."""
        from .models import User

        try:
            phone = phone_normalise(phone)
        except Exception:  # noqa: BLE001 - a login that is no number names no account
            return None
        verified = User.objects.filter(phone=phone, phone_verified=True).first()
        if verified is not None:
            return verified
        unverified = list(User.objects.filter(phone=phone, phone_verified=False)[:2])
        return unverified[0] if len(unverified) == 1 else None

    def _send_account_sms(self, *, phone: str, user, template: str, context: dict) -> None:
        if not _sms_code_allowed(allauth_context.request, phone=phone, user=user):
            return
        sms_enqueue(
            key=f"account:{template}:{uuid.uuid4().hex}",
            to_phone=phone,
            user=user if user is not None and user.pk else None,
            template=template,
            context=context,
            language=get_language(),
        )

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        minutes = settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT // 60
        self._send_account_sms(
            phone=phone, user=user, template="account-code", context={"code": code, "minutes": minutes}
        )

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        """A code asked for a number no account has: the owner learns why none came (the page is the same)."""
        self._send_account_sms(
            phone=phone,
            user=None,
            template="account-unknown",
            context={"signup_url": settings.SITE_URL + reverse("account_signup")},
        )

    def send_account_already_exists_sms(self, phone: str) -> None:
        """Signing up with a number already verified: as for a taken address, the owner is told
        by text, and the password hash a new account would cost is spent here too."""
        make_password(get_random_string(32))
        self._send_account_sms(
            phone=phone,
            user=None,
            template="account-exists",
            context={"login_url": settings.SITE_URL + reverse("account_login")},
        )

    def get_login_redirect_url(self, request):
        if request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)


# The address the last verification mail of this browser went to (the "send again" button).
VERIFICATION_EMAIL_SESSION_KEY = "members_verification_email"


def remember_verification_email(request, email: str) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[VERIFICATION_EMAIL_SESSION_KEY] = email


def verification_mail_resend(request) -> bool:
    """Send the last verification mail of this browser again (the "send again" button).

    The address is the one this session signed up or signed in with, never one typed here.
    Whatever the address, the answer is the same: an unverified one gets a new link, a
    verified one the "already has an account" mail, an unknown one nothing. allauth's
    "confirm_email" rate limit (one mail per address per three minutes) holds: False when it
    refused (for any address alike)."""
    from allauth.account.internal.flows.email_verification import consume_email_verification_rate_limit
    from allauth.account.models import EmailAddress

    email = request.session.get(VERIFICATION_EMAIL_SESSION_KEY)
    if not email:
        return True
    if not consume_email_verification_rate_limit(request, email):
        return False
    address = EmailAddress.objects.filter(email__iexact=email).order_by("verified").first()
    if address is None:
        return True
    if address.verified:
        get_adapter().send_account_already_exists_mail(email)
    else:
        address.send_confirmation(request, signup=False)
    return True


class PhoneField(forms.CharField):
    """A mobile number as people type it (13812345678, 138 1234 5678, +44 …), cleaned to E.164."""

    def __init__(self, **kwargs):
        kwargs.pop("validators", None)
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", MAX_INPUT_LENGTH)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "placeholder": "13812345678"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return phone_normalise(value) if value else value


def _sms_code_allowed(request, *, phone: str, user) -> bool:
    """Our daily ceilings on codes texted (``SMS_CODE_LIMITS``), besides allauth's per-minute ones.

    Per number, per client address and per account. Over one, no text goes and the page
    is the same as when one went: the answer tells nothing of the number.
    """
    if request is None:
        return True
    limits = settings.SMS_CODE_LIMITS
    checks = [("phone", phone), ("ip", None)]
    if user is not None and getattr(user, "pk", None):
        checks.append(("user", f"user:{user.pk}"))
    for name, key in checks:
        per = "ip" if name == "ip" else "key"
        config = {f"sms_code_{name}": f"{limits[name]}/d/{per}"}
        if not allauth_ratelimit.consume(request, app="account", action=f"sms_code_{name}", config=config, key=key):
            logger.warning("Daily ceiling of codes per %s reached for %s: no text sent", name, phone_masked(phone))
            return False
    return True
