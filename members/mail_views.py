"""A member's choice of optional mail: the profile's setting and the one-click unsubscribe link.

Served under ``/notifications/`` (the address in mails already sent).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import notify, services
from .forms import OptionalMailForm
from .selectors import member_for_user


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """The member's choice of optional mail (also shown on their profile)."""
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    # Not "request.POST or None": an unticked box posts nothing but the token.
    data = request.POST if request.method == "POST" else None
    form = OptionalMailForm(data, initial={"wants_optional_mail": member.wants_optional_mail})
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["wants_optional_mail"]
        services.optional_mail_set(member=member, wanted=wanted)
        if wanted:
            messages.success(request, _("You will receive birthday greetings and dues reminders."))
        else:
            messages.success(request, _("You will no longer receive birthday greetings and dues reminders."))
        return redirect("members:profile")
    return render(request, "mail/preferences.html", {"form": form, "member": member})


# Mail providers POST "List-Unsubscribe=One-Click" here without cookies or a
# CSRF token (RFC 8058); the token in the address is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe from optional mail. GET only asks (link scanners
    open links); POST, from the page or from the mail provider, does it."""
    member = notify.member_from_unsubscribe_token(token)
    if member is None:
        raise Http404
    if request.method == "POST":
        services.optional_mail_set(member=member, wanted=False)
        return render(request, "mail/unsubscribed.html", {"member": member})
    return render(request, "mail/unsubscribe.html", {"member": member})
