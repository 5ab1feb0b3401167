"""Who acts as an officer: the second factor and "an officer over this unit", each checked once.

With ``STAFF_REQUIRE_MFA`` a staff account without an authenticator app (TOTP) acts as
no officer anywhere: ``StaffSecondFactorMiddleware`` sends it to set one up on every
page but the account pages (log in and out, set up the authenticator). Views an officer
uses outside the admin carry ``officer_required``, which also asks for the permission and
the unit; the URL-driven access test tries every such view as an officer without one.

Nothing is kept between requests: Django's ``ModelBackend`` keeps an officer's
permissions on the user object for one request, and the second factor is one query.
"""

import functools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404

from .scoping import user_may_see_unit

# Paths an officer without a second factor may still open: the account pages (allauth:
# log out, set up the authenticator, change the password), the health check, the language.
OPEN_WITHOUT_SECOND_FACTOR = ("/accounts/", "/healthz", "/language/", "/favicon.ico", "/static/")


def has_second_factor(user) -> bool:
    """Whether ``user`` has an authenticator app; asked once per request."""
    if not hasattr(user, "_has_second_factor"):
        from allauth.mfa.models import Authenticator

        user._has_second_factor = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return user._has_second_factor


def needs_second_factor(user) -> bool:
    """A staff account that must set up an authenticator before it may act as an officer."""
    return bool(
        settings.STAFF_REQUIRE_MFA
        and getattr(user, "is_authenticated", False)
        and user.is_staff
        and not has_second_factor(user)
    )


def acts_as_officer(user, unit=None, perm: str | None = None) -> bool:
    """An active officer with their second factor (where required), with ``perm``, over ``unit``."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and not needs_second_factor(user)
        and (perm is None or user.has_perm(perm))
        and (unit is None or user_may_see_unit(user, unit))
    )


def require_officer_for_unit(user, unit, perm: str | None = None) -> None:
    """404 unless ``user`` acts as an officer over ``unit`` (nobody learns the object exists)."""
    if not acts_as_officer(user, unit, perm):
        raise Http404


def officer_required(view=None, *, perm: str | None = None):
    """A view only officers use: logged in, staff, second factor, and ``perm`` if given (404 else).

    The view still calls ``require_officer_for_unit`` once it knows the object's unit.
    """

    def decorate(view):
        @login_required
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not acts_as_officer(request.user, perm=perm):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.officer_required = True
        return wrapper

    return decorate(view) if view is not None else decorate
