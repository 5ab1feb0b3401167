import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils.translation import get_language

from notifications.services import notification_save


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
