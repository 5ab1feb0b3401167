"""Pages that belong to no area: the front page, the privacy notice, the health check, the favicon.

Not in ``unionportal/`` (settings, urls, Celery, wsgi only) and not in the
dashboard (the officers' side): the front page is the workers' door to every
area, and the health check is for the load balancer. Neither has a model.
"""

import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

OFFERS = [
    (
        "activities:list",
        _("Activities"),
        _("Learning sessions, culture and sport, care visits and volunteering — sign up in a tap."),
    ),
    (
        "welfare:list",
        _("Help when you need it"),
        _(
            "Hardship aid, illness and bereavement visits, education aid, and help with wages, hours, safety or "
            "dismissal."
        ),
    ),
    (
        "feedback:board",
        _("Speak up"),
        _("Suggestions, safety concerns and complaints — with your name or anonymously. The union answers."),
    ),
    (
        "notices:board",
        _("Notices"),
        _("Aid the union has approved, published before it is paid, so all can see it is fair."),
    ),
    ("learning:library", _("Learning"), _("Your rights, safety at work and skills: short lessons and courses.")),
    (
        "proposals:list",
        _("Your ideas"),
        _("Propose an activity or a change; with enough supporters the union takes it up."),
    ),
    ("surveys:list", _("Surveys"), _("Tell the union what you think, in a few taps.")),
]


def home(request):
    member = None
    if request.user.is_authenticated:
        from members.selectors import member_for_user

        member = member_for_user(request.user)
    offers = []
    for name, title, text in OFFERS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = ""
        offers.append({"url": url, "title": title, "text": text})
    return render(request, "home.html", {"member": member, "offers": offers})


def privacy(request):
    """The personal information protection notice (个人信息保护说明), linked beside every consent.

    Open to everyone, signed in or not: a worker reads it before they agree."""
    return render(request, "privacy.html")


def _check_database() -> None:
    # Django's own check: connect if need be, then ask the backend whether the connection works.
    connection.ensure_connection()
    if not connection.is_usable():
        raise DatabaseError("the database connection is not usable")


def _check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        import os

        os.makedirs(folder, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise OSError(f"broker folder {folder} is not writable")
        return
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


@never_cache
def health(request):
    """For load balancers: 200 when the database and the broker answer, 503 otherwise."""
    started = time.monotonic()
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", **checks, "ms": round((time.monotonic() - started) * 1000, 1)}
    return JsonResponse(body, status=200 if healthy else 503)


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's too: point them at our icon."""
    return redirect(static("img/favicon.svg"), permanent=True)
