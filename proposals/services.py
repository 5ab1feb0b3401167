"""Proposal rules: propose, co-sign (once each), tell the officers past the
threshold, and the officer's decision (an activity draft, or why not)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import services as activity_services
from activities.models import Activity
from members.models import Member, User
from members.notify import members_notify_many
from members.scoping import user_may_see_unit
from notifications.services import Mail, notification_enqueue_many

from . import selectors
from .models import Proposal, ProposalSupport


@transaction.atomic
def proposal_submit(*, member: Member, unit, title: str, description: str, when: str, category: str) -> Proposal:
    """A member proposes an activity for their unit or a unit above it (up to their union)."""
    if not member.is_active_member:
        raise PermissionDenied(_("Only union members can propose activities."))
    if not selectors.audience_units(member).filter(pk=unit.pk).exists():
        raise ValidationError(_("Choose your own unit or a unit above it."))
    proposal = Proposal(
        proposer=member,
        unit=unit,
        title=title.strip(),
        description=description.strip(),
        when=when.strip(),
        category=category,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("unit").get(pk=proposal.pk)


@transaction.atomic
def proposal_sign(*, proposal: Proposal, member: Member) -> bool:
    """Co-sign a proposal. Returns False if the member had already: the unique
    constraint, not a prior check, decides a double click. The co-signer who
    reaches the threshold has the unit's officers told, once."""
    if not member.is_active_member:
        raise PermissionDenied(_("Only union members can co-sign proposals."))
    if not Proposal.objects.filter(selectors.audience_q(member), pk=proposal.pk).exists():
        raise ValidationError(_("This proposal is not for your unit."))
    proposal = _locked(proposal)
    if not proposal.is_open:
        raise ValidationError(_("This proposal has been decided; it takes no more co-signers."))
    if proposal.proposer_id == member.pk:
        raise ValidationError(_("You made this proposal; ask your colleagues to co-sign it."))
    try:
        with transaction.atomic():
            ProposalSupport.objects.create(proposal=proposal, member=member)
    except IntegrityError:
        return False
    proposal.supporter_count = F("supporter_count") + 1
    proposal.save(update_fields=["supporter_count"])
    proposal.refresh_from_db(fields=["supporter_count"])
    if proposal.threshold_reached_at is None and proposal.supporter_count >= selectors.threshold_for(proposal.unit):
        proposal.threshold_reached_at = timezone.now()
        proposal.save(update_fields=["threshold_reached_at"])
        _tell_officers(proposal)
    return True


@transaction.atomic
def proposal_unsign(*, proposal: Proposal, member: Member) -> bool:
    proposal = _locked(proposal)
    if not proposal.is_open:
        raise ValidationError(_("This proposal has been decided."))
    deleted, _ignored = ProposalSupport.objects.filter(proposal=proposal, member=member).delete()
    if deleted:
        Proposal.objects.filter(pk=proposal.pk).update(supporter_count=F("supporter_count") - 1)
    return bool(deleted)


def _tell_officers(proposal: Proposal) -> int:
    url = settings.SITE_URL + reverse("proposals:review", args=[proposal.pk])
    mails = [
        Mail(
            key=f"proposal-threshold:{proposal.pk}:{officer.pk}",
            to_email=officer.email,
            user_id=officer.pk,
            language=officer.language,
            template="proposal-threshold",
            context={
                "name": officer.display_name or officer.email,
                "title": proposal.title,
                "unit": proposal.unit.name,
                "count": str(proposal.supporter_count),
                "review_url": url,
            },
        )
        for officer in selectors.officers_to_tell(proposal)
    ]
    return notification_enqueue_many(mails=mails)


def _check_officer(*, by: User, proposal: Proposal) -> None:
    if not (
        by.is_active
        and by.is_staff
        and by.has_perm("proposals.change_proposal")
        and user_may_see_unit(by, proposal.unit)
    ):
        raise PermissionDenied(_("You may not decide this proposal."))


def _decide(*, proposal: Proposal, by: User, to: str, answer: str) -> Proposal:
    proposal.state = to
    proposal.answer = answer.strip()
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.full_clean()
    proposal.save()
    _tell_signers(proposal)
    return proposal


@transaction.atomic
def proposal_draft(*, proposal: Proposal, by: User, answer: str = "") -> Activity:
    """Turn the proposal into a draft activity run by its unit; the proposer and
    co-signers are told (with the officer's answer, if any)."""
    proposal = _locked(proposal)
    _check_officer(by=by, proposal=proposal)
    if not proposal.is_open:
        raise ValidationError(_("This proposal has been decided already."))
    description = _("Proposed by members (%(count)d co-signers). When: %(when)s.\n\n%(text)s") % {
        "count": proposal.supporter_count,
        "when": proposal.when,
        "text": proposal.description,
    }
    activity = activity_services.activity_draft_create(
        unit=proposal.unit, title=proposal.title, description=description, category=proposal.category, by=by
    )
    proposal.activity = activity
    _decide(proposal=proposal, by=by, to=Proposal.State.DRAFTED, answer=answer)
    return activity


@transaction.atomic
def proposal_decline(*, proposal: Proposal, by: User, answer: str) -> Proposal:
    """Answer why the proposal is not taken up; the proposer and co-signers read it."""
    if not answer.strip():
        raise ValidationError(_("Tell the proposer and co-signers why not."))
    proposal = _locked(proposal)
    _check_officer(by=by, proposal=proposal)
    if not proposal.is_open:
        raise ValidationError(_("This proposal has been decided already."))
    return _decide(proposal=proposal, by=by, to=Proposal.State.DECLINED, answer=answer)


def _tell_signers(proposal: Proposal) -> int:
    """Mail the proposer and every co-signer the decision, in a fixed number of queries."""
    members = [s.member for s in proposal.supports.select_related("member__user")]
    if proposal.proposer_id:
        members.insert(0, Member.objects.select_related("user").get(pk=proposal.proposer_id))
    url = settings.SITE_URL + reverse("proposals:detail", args=[proposal.pk])

    def context(member):
        return {
            "name": member.name,
            "title": proposal.title,
            "state": proposal.state,
            "state_label": str(proposal.get_state_display()),
            "answer": proposal.answer,
            "proposal_url": url,
        }

    return members_notify_many(
        items=members,
        template="proposal-decided",
        key=lambda member: f"proposal-decided:{proposal.pk}:{member.pk}",
        context=context,
    )


# --- Personal data ----------------------------------------------------------------


def member_proposals_data(member: Member) -> dict:
    return {
        "proposed": [
            {"title": p.title, "when": p.when, "text": p.description, "state": p.state, "answer": p.answer}
            for p in member.proposals.order_by("created_at")
        ],
        "co_signed": [
            {"title": s.proposal.title, "at": s.created_at.isoformat()}
            for s in member.proposal_supports.select_related("proposal").order_by("created_at")
        ],
    }


def member_proposals_erase(member: Member, by: User) -> None:
    """Proposals lose their proposer (the text stays: colleagues co-signed it); co-signatures go."""
    for proposal in Proposal.objects.select_for_update().filter(supports__member=member):
        Proposal.objects.filter(pk=proposal.pk).update(supporter_count=F("supporter_count") - 1)
    ProposalSupport.objects.filter(member=member).delete()
    Proposal.objects.filter(proposer=member).update(proposer=None)
