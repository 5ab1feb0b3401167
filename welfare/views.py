"""The worker's pages (submit, my requests, detail, reply, withdraw) and the attachment download.

Every request is looked up through ``selectors.requests_visible_to``: a request
that is not the worker's own is a 404, whether it exists or not.
"""

import os
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lib.errors import error_text
from members.selectors import member_for_user

from . import selectors, services
from .forms import ReplyForm, SubmitForm, WithdrawForm
from .models import RequestType
from .uploads import download_name

# Where nginx serves the private files from, for ATTACHMENT_SERVE = "x-accel".
X_ACCEL_PREFIX = "/_private/"


def _get_request_for_worker(request, pk: int):
    """The worker's own request, or 404 for anyone else (whether it exists or not)."""
    queryset = selectors.requests_visible_to(request.user, side="worker").select_related("request_type", "member__user")
    return get_object_or_404(queryset, pk=pk)


@login_required
def request_list(request):
    member = member_for_user(request.user)
    requests = selectors.worker_requests(request.user) if member else []
    return render(request, "welfare/list.html", {"member": member, "requests": requests})


@login_required
def request_choose_type(request):
    member = member_for_user(request.user)
    if member is None:
        messages.info(request, _("Please fill in your profile first, so the union knows who is asking."))
        return redirect("members:profile-create")
    types = list(RequestType.objects.filter(active=True))
    return render(
        request,
        "welfare/choose_type.html",
        {
            "member": member,
            "aid_types": [t for t in types if t.category == RequestType.Category.AID],
            "rights_types": [t for t in types if t.category == RequestType.Category.RIGHTS],
        },
    )


@login_required
def request_submit(request, code: str):
    member = member_for_user(request.user)
    if member is None:
        messages.info(request, _("Please fill in your profile first, so the union knows who is asking."))
        return redirect("members:profile-create")
    request_type = get_object_or_404(RequestType, code=code, active=True)
    form = SubmitForm(request.POST or None, request.FILES or None, request_type=request_type)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_submit(
                member=member,
                request_type=request_type,
                description=data["description"],
                amount_requested=data.get("amount_requested"),
                sensitivity=data["sensitivity"],
                files=data["attachments"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(
                request,
                _("Your request %(reference)s has been sent to the union office.") % {"reference": created.reference},
            )
            return redirect("welfare:detail", pk=created.pk)
    return render(request, "welfare/submit.html", {"form": form, "request_type": request_type, "member": member})


def _render_detail(request, welfare_request, *, reply_form=None, status=200):
    timeline = selectors.request_timeline(welfare_request, include_internal=False)
    context = {
        "req": welfare_request,
        "timeline": timeline,
        "steps": selectors.request_steps(welfare_request, timeline),
        "files": selectors.request_files(welfare_request),
        "reply_form": reply_form or ReplyForm(),
        "may_reply": services.worker_may_reply(welfare_request),
        "may_withdraw": services.worker_may_withdraw(welfare_request),
    }
    return render(request, "welfare/detail.html", context, status=status)


@login_required
def request_detail(request, pk: int):
    return _render_detail(request, _get_request_for_worker(request, pk))


@login_required
@require_POST
def request_reply(request, pk: int):
    welfare_request = _get_request_for_worker(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_post(
                request=welfare_request,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Your message has been sent to the union office."))
            return redirect("welfare:detail", pk=welfare_request.pk)
    return _render_detail(request, welfare_request, reply_form=form)


@login_required
def request_withdraw(request, pk: int):
    welfare_request = _get_request_for_worker(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_withdraw(request=welfare_request, by=request.user, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Your request has been withdrawn."))
            return redirect("welfare:detail", pk=welfare_request.pk)
    return render(
        request,
        "welfare/withdraw.html",
        {"req": welfare_request, "form": form, "may_withdraw": services.worker_may_withdraw(welfare_request)},
    )


@login_required
@never_cache
def attachment_download(request, pk: int):
    """Hand out one attachment to someone who may see it; 404 for everyone else.

    Always a download (``Content-Disposition: attachment``) with
    ``X-Content-Type-Options: nosniff``, so a browser never renders it as a page.

    With ``settings.ATTACHMENT_SERVE == "x-accel"`` Django only checks the
    permission and nginx sends the bytes (``X-Accel-Redirect``). nginx then
    needs an *internal* location that maps ``X_ACCEL_PREFIX`` onto
    ``PRIVATE_MEDIA_ROOT``, for example::

        location /_private/ {
            internal;                                 # never reachable from outside
            alias /srv/unionportal/var/private/;      # = PRIVATE_MEDIA_ROOT, trailing slash
            add_header X-Content-Type-Options nosniff always;
        }

    nginx keeps Content-Type, Content-Disposition and Cache-Control from this
    response but not X-Content-Type-Options, hence the ``add_header`` (which
    also means server-level ``add_header`` lines are not inherited there).
    """
    attachment = get_object_or_404(selectors.attachments_visible_to(request.user), pk=pk)
    filename = download_name(attachment.original_name, attachment.content_type)
    if settings.ATTACHMENT_SERVE == "x-accel":
        response = HttpResponse(content_type=attachment.content_type)
        response["X-Accel-Redirect"] = X_ACCEL_PREFIX + quote(attachment.file.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        path = attachment.file.path
        if not os.path.exists(path):
            raise Http404
        response = FileResponse(
            open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=True,
            filename=filename,
            content_type=attachment.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response
