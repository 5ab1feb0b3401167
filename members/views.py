import hashlib
import json
import time

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.errors import error_text

from . import services
from .data_export import readable
from .forms import DeletionRequestForm, LanguageForm, ProfileCreateForm, ProfileForm
from .middleware import LANGUAGE_SESSION_KEY
from .models import Member
from .permissions import officer_required, require_officer_for_unit
from .selectors import dues_summary, member_for_user, pending_transfer_of


@login_required
def profile(request):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    events = member.events.select_related("by").order_by("-at", "-id")
    dues = member.dues.all()[:24]
    context = {"member": member, "events": events, "dues": dues, "dues_summary": dues_summary(member) if dues else None}
    if member.status == Member.Status.TRANSFERRED:
        context["pending_transfer"] = pending_transfer_of(member)
    return render(request, "members/profile.html", context)


@login_required
def profile_create(request):
    if member_for_user(request.user) is not None:
        return redirect("members:profile")
    form = ProfileCreateForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_register(
                user=request.user,
                consent=data["consent"],
                **{k: v for k, v in data.items() if k != "consent"},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved. You can now apply for membership."))
            return redirect("members:profile")
    return render(request, "members/profile_form.html", {"form": form, "creating": True})


@login_required
def profile_edit(request):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    form = ProfileForm(request.POST or None, instance=member)
    if not services.member_may_change_unit(member):
        form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.member_update(member=Member.objects.get(pk=member.pk), **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("members:profile")
    return render(request, "members/profile_form.html", {"form": form, "creating": False})


@require_POST
def verification_resend(request):
    """The verification page's "send again": the same address, allauth's rate limit, the same answer."""
    from .adapters import verification_mail_resend

    if verification_mail_resend(request):
        messages.success(request, _("We sent the mail again. It can take a few minutes."))
    else:
        messages.error(request, _("A mail went out less than three minutes ago. Wait a moment, then try again."))
    return redirect("account_email_verification_sent")


# How long after signing in with a code the password may be set without the old one.
PASSWORD_BY_CODE_SECONDS = 15 * 60


def _signed_in_by_code_recently(request) -> bool:
    # allauth's record of how this session signed in (the adapter reads it the same way).
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user)
    return (
        bool(records)
        and records[-1].get("method") == "code"
        and (time.time() - records[-1].get("at", 0) < PASSWORD_BY_CODE_SECONDS)
    )


@login_required
def password_by_code(request):
    """Resetting a password by phone: sign in with a texted code (allauth's login by code),
    then set a new password here, without the old one, for a few minutes."""
    if not _signed_in_by_code_recently(request):
        return redirect("account_change_password")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your new password is saved."))
        return redirect("members:profile")
    return render(request, "members/password_by_code.html", {"form": form})


@login_required
@require_POST
def membership_apply(request):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    try:
        services.membership_apply(member=member, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Your application has been sent to the union office."))
    return redirect("members:profile")


@login_required
@require_POST
def membership_withdraw(request):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    try:
        services.membership_change(member=member, to=Member.Status.WITHDRAWN, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("members:profile")


@login_required
def card(request):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    return render(request, "members/card.html", {"member": member, "qr_svg": _card_qr_svg(member)})


def _card_qr_svg(member: Member) -> str:
    """The card's QR code as inline SVG. Drawing it costs tens of milliseconds
    and it changes only with the card's URL (a renewed card gets a new one).
    No fixed size, only a viewBox: CSS scales it whole, quiet zone included."""
    url = services.member_card_url(member)
    key = "members:card-qr:v2:" + hashlib.sha256(f"{url}|{get_language()}".encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        qr = segno.make(url, error="m")
        svg = qr.svg_inline(scale=6, omitsize=True, dark="#111", light="#fff", title=_("Member card QR code"))
        cache.set(key, svg, timeout=24 * 3600)
    return svg


@login_required
@require_POST
def card_renew(request):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    services.member_card_renew(member=member)
    messages.success(request, _("Your card has a new code; the old one no longer works."))
    return redirect("members:card")


@officer_required
def card_scan(request, token: str):
    """What an officer sees after scanning a member card (check-in starts here)."""
    member = services.member_from_card_token(token)
    if member is None:
        raise Http404
    require_officer_for_unit(request.user, member.unit)
    return render(request, "members/card_scan.html", {"member": member, "token": token})


@login_required
def data_page(request):
    """Everything the union holds about the worker, to read (the JSON download beside it)."""
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    data = services.member_export_data(member=member)
    return render(request, "members/data.html", {"member": member, "sections": readable(data)})


@login_required
def data_export(request):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    data = services.member_export_data(member=member)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="unionportal-my-data-{stamp}.json"'
    return response


@login_required
def deletion_request(request):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deletion_request_create(member=member, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request has been recorded. An officer will contact you."))
            return redirect("members:profile")
    open_request = member.deletion_requests.filter(status="open").first()
    return render(request, "members/deletion_request.html", {"form": form, "open_request": open_request})


@require_POST
def language_set(request):
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if form.is_valid():
        language = form.cleaned_data["language"]
        request.session[LANGUAGE_SESSION_KEY] = language
        if request.user.is_authenticated:
            services.user_language_set(user=request.user, language=language)
    # Not redirect(): it would take a ``next`` such as "0" for a view name (and fail).
    return HttpResponseRedirect(next_url)
