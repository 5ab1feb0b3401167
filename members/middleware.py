from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .permissions import OPEN_WITHOUT_SECOND_FACTOR, needs_second_factor

LANGUAGE_SESSION_KEY = "_language"


class UserLanguageMiddleware:
    """Simplified Chinese unless the member (or this browser's session) chose otherwise.

    The browser's Accept-Language is deliberately ignored: the union's
    default is Chinese, and a member's choice is saved on their account.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = dict(settings.LANGUAGES)

    def __call__(self, request):
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        if language not in self.supported:
            language = request.session.get(LANGUAGE_SESSION_KEY)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # Back to the default, so a response made before this middleware on the thread's
            # next request (a 400 for an unknown host) is not in the previous member's language.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response


class StaffSecondFactorMiddleware:
    """With ``STAFF_REQUIRE_MFA``, a staff account without an authenticator app is sent to set
    one up on every page but the account pages: an officer who logged in with a password only
    reaches no officer's page (back office, card scan, check-in, a confidential case's files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(OPEN_WITHOUT_SECOND_FACTOR) and needs_second_factor(request.user):
            messages.warning(request, _("Officers must set up an authenticator app before using the back office."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
