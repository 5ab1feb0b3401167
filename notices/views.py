"""The notice board (公示) for members, and the chair's decision on an objection.

Notices are looked up through ``selectors.notices_visible_to`` and objections
through ``selectors.objections_for_officer``: anything else is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.errors import error_text
from members.permissions import officer_required, require_officer_for_unit
from members.selectors import member_for_user

from . import selectors, services
from .forms import DecisionForm, ObjectionForm
from .models import DECIDE_OBJECTION, Objection


@login_required
def board(request):
    member = member_for_user(request.user)
    return render(request, "notices/board.html", {"member": member, "notices": selectors.board(request.user)})


def _render_notice(request, notice, form=None, status=200):
    member = member_for_user(request.user)
    mine = notice.objections.filter(member=member).first()
    context = {
        "notice": notice,
        "form": form or ObjectionForm(),
        "mine": mine,
        "may_object": mine is None and notice.is_open_for_objections() and notice.request.member_id != member.pk,
    }
    return render(request, "notices/detail.html", context, status=status)


@login_required
def notice_detail(request, pk: int):
    notice = get_object_or_404(selectors.notices_visible_to(request.user).select_related("unit", "request"), pk=pk)
    return _render_notice(request, notice)


@login_required
@require_POST
def notice_object(request, pk: int):
    notice = get_object_or_404(selectors.notices_visible_to(request.user).select_related("unit", "request"), pk=pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_raise(
                notice=notice, member=member_for_user(request.user), by=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Your objection has been sent to the union chair."))
            return redirect("notices:detail", pk=notice.pk)
    return _render_notice(request, notice, form=form)


@officer_required(perm=DECIDE_OBJECTION)
def objection_decide(request, pk: int):
    queryset = selectors.objections_for_officer(request.user).select_related("notice__unit", "member__unit")
    objection = get_object_or_404(queryset, pk=pk)
    require_officer_for_unit(request.user, objection.notice.unit, DECIDE_OBJECTION)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and objection.state == Objection.State.PENDING and form.is_valid():
        try:
            services.objection_decide(
                objection=objection,
                by=request.user,
                uphold=form.cleaned_data["decision"] == "uphold",
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Your decision has been recorded and the member told."))
            return redirect(reverse("admin:notices_grantnotice_change", args=[objection.notice_id]))
    return render(request, "notices/decide.html", {"objection": objection, "form": form})
