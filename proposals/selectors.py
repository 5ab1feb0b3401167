"""Reads: which proposals a member sees, which an officer handles, a proposal's threshold."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from members.models import Member, OrgUnit, User
from members.scoping import scope_queryset
from members.selectors import ancestor_paths

from .models import Proposal, ProposalSupport, ProposalThreshold

DEFAULT_THRESHOLD = 5


def audience_q(member: Member) -> Q:
    """Proposals for the member's unit or a unit above it: the member is among those asked to co-sign."""
    return Q(unit__path__in=[*ancestor_paths(member.unit), member.unit.path])


def proposals_for_member(member: Member) -> QuerySet[Proposal]:
    """What a member sees: proposals for them (any state, so they read the answer) and their own.
    The list, a proposal's page and co-signing all read through it."""
    return Proposal.objects.filter(audience_q(member) | Q(proposer=member))


def proposal_list_for_member(member: Member) -> QuerySet[Proposal]:
    """The list's rows, each with ``signed`` (whether the member co-signed): one query."""
    signed = ProposalSupport.objects.filter(proposal=OuterRef("pk"), member=member)
    return (
        proposals_for_member(member)
        .select_related("unit", "proposer")
        .annotate(signed=Exists(signed))
        .order_by("state", "-supporter_count", "-created_at", "-id")
    )


def proposals_for_officer(user) -> QuerySet[Proposal]:
    """Proposals an officer handles: those for a unit in their part of the tree."""
    return scope_queryset(Proposal.objects.all(), user)


def audience_units(member: Member) -> QuerySet[OrgUnit]:
    """The units a member may propose for: their own and those above it, up to their grassroots union."""
    union = member.union or member.unit.grassroots_union
    paths = [p for p in [*ancestor_paths(member.unit), member.unit.path] if p.startswith(union.path)]
    return OrgUnit.objects.filter(path__in=paths).order_by("depth")


def threshold_for(unit: OrgUnit) -> int:
    """Co-signers a proposal for ``unit`` needs: the threshold set for the unit or the
    nearest unit above it, else the ``PROPOSALS_THRESHOLD`` setting (5). One query."""
    found = (
        ProposalThreshold.objects.filter(unit__path__in=[*ancestor_paths(unit), unit.path])
        .order_by("-unit__depth")
        .values_list("supporters", flat=True)
        .first()
    )
    return found or getattr(settings, "PROPOSALS_THRESHOLD", DEFAULT_THRESHOLD)


def officers_to_tell(proposal: Proposal) -> list[User]:
    """The officers of the proposal's unit: staff acting for it or for a unit above it
    within its grassroots union (not the federation), who handle proposals, with an address."""
    unit = proposal.unit
    union = unit.grassroots_union
    paths = [p for p in [*ancestor_paths(unit), unit.path] if p.startswith(union.path)]
    may_handle = Q(user_permissions__codename="change_proposal", user_permissions__content_type__app_label="proposals")
    may_handle |= Q(
        groups__permissions__codename="change_proposal", groups__permissions__content_type__app_label="proposals"
    )
    return list(
        User.objects.filter(may_handle, is_active=True, is_staff=True, officer_unit__path__in=paths)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
