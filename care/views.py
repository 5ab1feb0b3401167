"""The worker's pages: the visits the union plans for me, my wish, and asking for a colleague's visit.

A case is looked up through ``selectors.cases_visible_to``: one that is not about
the signed-in worker is a 404, whether it exists or not.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lib.errors import error_text
from members.selectors import member_for_user

from . import selectors, services
from .forms import ReportForm, WishForm


def _get_case_for_worker(request, pk: int):
    return get_object_or_404(selectors.cases_visible_to(request.user, side="worker"), pk=pk)


@login_required
def case_list(request):
    member = member_for_user(request.user)
    cases = selectors.worker_cases(request.user) if member else []
    return render(request, "care/list.html", {"member": member, "cases": cases})


@login_required
def case_detail(request, pk: int):
    case = _get_case_for_worker(request, pk)
    initial = {"wish": case.wish or None, "note": case.wish_note, "remind_worker": case.remind_worker}
    form = WishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_set_wish(
                case=case,
                by=request.user,
                wish=form.cleaned_data["wish"],
                note=form.cleaned_data["note"],
                remind_worker=form.cleaned_data["remind_worker"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Thank you: the union office knows your wish."))
            return redirect("care:detail", pk=case.pk)
    return render(request, "care/detail.html", {"case": case, "form": form})


@login_required
def case_report(request):
    member = member_for_user(request.user)
    if member is None or not member.is_active_member:
        messages.info(request, _("Only union members can ask the union to visit a colleague."))
        return redirect("care:list")
    form = ReportForm(request.POST or None, colleagues=selectors.colleagues_of(member))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_report(
                reporter=member, colleague=data["colleague"], kind=data["kind"], reason=data["reason"], by=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Thank you: the union office will get in touch with your colleague."))
            return redirect("care:list")
    return render(request, "care/report.html", {"form": form})
