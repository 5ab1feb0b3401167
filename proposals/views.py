"""Worker pages (proposals for me, propose, co-sign) and the officer's decision page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.errors import error_text
from members.permissions import officer_required, require_officer_for_unit
from members.selectors import member_for_user

from . import selectors, services
from .forms import DecisionForm, ProposalForm
from .models import ProposalSupport


def _member_or_none(request):
    member = member_for_user(request.user)
    if member is None:
        messages.info(request, _("Please fill in your profile first: proposals go to the union of your unit."))
    return member


def _proposal_for_member(request, pk):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    proposal = get_object_or_404(selectors.proposals_for_member(member).select_related("unit", "proposer"), pk=pk)
    return member, proposal


@login_required
def proposal_list(request):
    member = _member_or_none(request)
    if member is None:
        return redirect("members:profile-create")
    proposals = selectors.proposal_list_for_member(member)
    return render(request, "proposals/list.html", {"proposals": proposals, "member": member})


@login_required
def submit(request):
    member = _member_or_none(request)
    if member is None:
        return redirect("members:profile-create")
    form = ProposalForm(request.POST or None, units=selectors.audience_units(member))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_submit(
                member=member,
                unit=data["unit"],
                title=data["title"],
                description=data["description"],
                when=data["when"],
                category=data["category"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Your proposal is online. Ask your colleagues to co-sign it."))
            return redirect(proposal)
    return render(request, "proposals/submit.html", {"form": form})


@login_required
def detail(request, pk):
    member, proposal = _proposal_for_member(request, pk)
    context = {
        "proposal": proposal,
        "member": member,
        "is_proposer": proposal.proposer_id == member.pk,
        "signed": ProposalSupport.objects.filter(proposal=proposal, member=member).exists(),
        "threshold": selectors.threshold_for(proposal.unit),
    }
    return render(request, "proposals/detail.html", context)


@require_POST
@login_required
def sign(request, pk):
    member, proposal = _proposal_for_member(request, pk)
    try:
        if request.POST.get("withdraw"):
            services.proposal_unsign(proposal=proposal, member=member)
            messages.info(request, _("Your co-signature was withdrawn."))
        elif services.proposal_sign(proposal=proposal, member=member):
            messages.success(request, _("You co-signed this proposal."))
        else:
            messages.info(request, _("You had already co-signed this proposal."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect(proposal)


@officer_required(perm="proposals.change_proposal")
def review(request, pk):
    proposal = get_object_or_404(
        selectors.proposals_for_officer(request.user).select_related("unit", "proposer", "activity"), pk=pk
    )
    require_officer_for_unit(request.user, proposal.unit, perm="proposals.change_proposal")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "draft":
                activity = services.proposal_draft(proposal=proposal, by=request.user, answer=data["answer"])
            else:
                services.proposal_decline(proposal=proposal, by=request.user, answer=data["answer"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            if data["decision"] == "draft":
                messages.success(
                    request,
                    _("The activity draft “%(title)s” was made: complete and publish it in the back office.")
                    % {"title": activity.title},
                )
            else:
                messages.success(request, _("Your answer was sent to the proposer and the co-signers."))
            return redirect("proposals:review", proposal.pk)
    signers = proposal.supports.select_related("member__unit").order_by("created_at")
    context = {
        "proposal": proposal,
        "form": form,
        "signers": signers,
        "threshold": selectors.threshold_for(proposal.unit),
    }
    return render(request, "proposals/review.html", context)
