"""Membership rules: profiles, applications, status changes, personal data."""

from datetime import date

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import data_export, erasure
from .models import DeletionRequest, Member, MembershipEvent, MembershipTransfer, OrgUnit, User
from .notify import member_notify
from .scoping import user_may_see_unit

S = Member.Status

# Which status may follow which; anything else is refused from every door.
TRANSITIONS: dict[str, set[str]] = {
    S.REGISTERED: {S.APPLICANT},
    S.APPLICANT: {S.ACTIVE, S.REJECTED, S.WITHDRAWN},
    S.REJECTED: {S.APPLICANT},
    S.ACTIVE: {S.SUSPENDED, S.LAPSED, S.WITHDRAWN, S.TRANSFERRED},
    S.SUSPENDED: {S.ACTIVE, S.LAPSED, S.WITHDRAWN},
    S.LAPSED: {S.APPLICANT, S.ACTIVE},
    S.WITHDRAWN: {S.APPLICANT},
    # Back to active when the receiving union accepts (or the transfer is declined or cancelled).
    S.TRANSFERRED: {S.ACTIVE},
}
# Moves made only through the transfer services below, never through ``membership_change``.
TRANSFER_MOVES = {(S.ACTIVE, S.TRANSFERRED), (S.TRANSFERRED, S.ACTIVE)}
# The officers' doors: the status each leads to and the statuses it opens from.
DOORS: dict[str, tuple[str, set[str]]] = {
    "suspend": (S.SUSPENDED, {S.ACTIVE}),
    "restore": (S.ACTIVE, {S.SUSPENDED, S.LAPSED}),
    "lapse": (S.LAPSED, {S.ACTIVE, S.SUSPENDED}),
    "withdraw": (S.WITHDRAWN, {S.ACTIVE, S.SUSPENDED}),
}
# Changes a worker makes themselves; every other one is an officer's.
WORKER_TRANSITIONS = {
    (S.REGISTERED, S.APPLICANT),
    (S.REJECTED, S.APPLICANT),
    (S.LAPSED, S.APPLICANT),
    (S.WITHDRAWN, S.APPLICANT),
    (S.APPLICANT, S.WITHDRAWN),
}

CARD_SALT = "members.card"


APPROVE = "members.approve_member"
TRANSFER_MAIL = "membership-transfer"


def _check_officer(*, by: User, member: Member, perm: str = APPROVE) -> None:
    if not (by.is_active and by.is_staff and by.has_perm(perm) and user_may_see_unit(by, member.unit)):
        raise PermissionDenied(_("You may not change this member's membership."))


@transaction.atomic
def member_register(
    *,
    user: User,
    name: str,
    gender: str,
    date_of_birth: date,
    unit: OrgUnit,
    consent: bool,
    phone: str = "",
    employee_number: str = "",
    job_title: str = "",
    retired: bool = False,
    language: str | None = None,
    channel: str = Member.Channel.AUTO,
    wants_optional_sms: bool = False,
    wants_optional_mail: bool = False,
) -> Member:
    """Create the worker's profile (not yet a membership application).

    Optional mail and texts (greetings, reminders) are off unless the worker asked for them.

    The profile's number is the account's verified one unless the worker gave another."""
    if not consent:
        raise ValidationError(_("Please accept the privacy notice."))
    if Member.objects.filter(user=user).exists():
        raise ValidationError(_("You already have a profile."))
    language = language or user.language
    member = Member(
        user=user,
        name=name,
        gender=gender,
        date_of_birth=date_of_birth,
        unit=unit,
        phone=phone or (user.phone if user.phone_verified else ""),
        email=user.email or "",
        employee_number=employee_number,
        job_title=job_title,
        retired=retired,
        language=language,
        channel=channel,
        wants_optional_sms=wants_optional_sms,
        wants_optional_mail=wants_optional_mail,
        privacy_consent_at=timezone.now(),
    )
    member.full_clean(exclude=["union"])
    member.save()
    user.display_name = name
    user.language = language
    user.save(update_fields=["display_name", "language"])
    return member


@transaction.atomic
def member_update(*, member: Member, **fields) -> Member:
    """Change profile fields the worker may edit."""
    editable = {
        "name",
        "gender",
        "date_of_birth",
        "phone",
        "employee_number",
        "unit",
        "job_title",
        "retired",
        "language",
        "channel",
        "wants_optional_sms",
    }
    unknown = set(fields) - editable
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if "unit" in fields and not member_may_change_unit(member) and fields["unit"] != member.unit:
        raise ValidationError(_("Members change unit through a transfer by an officer."))
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean(exclude=["union"])
    member.save()
    if member.user_id:
        member.user.display_name = member.name
        member.user.language = member.language
        member.user.save(update_fields=["display_name", "language"])
    return member


def _lock_member(member: Member) -> Member:
    return Member.objects.select_for_update(of=("self",)).select_related("unit", "user").get(pk=member.pk)


def _check_move(*, member: Member, to: str, allowed: set[str] | None = None) -> None:
    if to not in TRANSITIONS.get(member.status, set()) or (allowed is not None and member.status not in allowed):
        raise ValidationError(
            _("A membership cannot go from “%(from)s” to “%(to)s”.")
            % {"from": member.get_status_display(), "to": S(to).label}
        )


def _needs_reason(*, from_state: str, to: str, is_self: bool) -> bool:
    """Every officer's decision on a membership is explained to the member, except an approval."""
    if is_self:
        return False
    return to != S.ACTIVE or from_state != S.APPLICANT


@transaction.atomic
def membership_change(
    *,
    member: Member,
    to: str,
    by: User | None,
    note: str = "",
    automatic: bool = False,
    from_states: set[str] | None = None,
) -> Member:
    """Move a member to another status, if that move is allowed, and record it.

    Workers may only apply or withdraw their own application; all other
    changes need an officer with the approval permission over the member's unit,
    and a reason for the member (an approval aside). ``automatic`` is the lapse
    job's door (``by`` is then ``None``): only to "lapsed", with its note.
    Transfers have their own services below. ``from_states`` narrows the statuses
    the move may start from (a door: "restore" does not approve an application).
    """
    member = _lock_member(member)
    _check_move(member=member, to=to, allowed=from_states)
    if (member.status, to) in TRANSFER_MOVES:
        raise ValidationError(_("A membership moves to another union through a transfer."))
    note = (note or "").strip()
    is_self = by is not None and member.user_id == by.pk
    if automatic:
        if by is not None or to != S.LAPSED:
            raise PermissionDenied(_("You may not change this member's membership."))
    elif not (is_self and (member.status, to) in WORKER_TRANSITIONS):
        if by is None:
            raise PermissionDenied(_("You may not change this member's membership."))
        _check_officer(by=by, member=member)
    if not note and _needs_reason(from_state=member.status, to=to, is_self=is_self or automatic):
        if to == S.REJECTED:
            raise ValidationError(_("Give the applicant a reason for the rejection."))
        raise ValidationError(_("Give the member the reason for this change."))
    if to == S.APPLICANT and member.privacy_consent_at is None:
        raise ValidationError(_("Please accept the privacy notice."))
    _record_status(member=member, to=to, by=by, note=note)
    return member


def _record_status(*, member: Member, to: str, by: User | None, note: str, template: str = "", **context) -> None:
    """Write the timeline row, save the status and tell the member (in the caller's transaction)."""
    if not template:
        welcome = to == S.ACTIVE and member.status == S.APPLICANT
        template = "membership-welcome" if welcome else "membership-status"
    MembershipEvent.record(member, to=to, by=by, note=note)  # sets member.status, saved below
    fields = ["status"]
    if to == S.ACTIVE and not member.membership_number:
        member.membership_number = membership_number_for(member)
        member.joined_on = timezone.localdate()
        fields += ["membership_number", "joined_on"]
    member.save(update_fields=fields)
    _notify_status(member=member, note=note, template=template, **context)


def membership_door(*, member: Member, door: str, by: User, reason: str) -> Member:
    """An officer's door (``DOORS``: suspend, restore, lapse, withdraw), with the reason the member is told."""
    to, opens_from = DOORS[door]
    return membership_change(member=member, to=to, by=by, note=reason, from_states=opens_from)


def membership_bulk_door(*, members, door: str, by: User, reason: str) -> tuple[int, list[str]]:
    """``membership_door`` for each member in turn; returns how many and the errors of the others."""
    return _each(members, lambda member: membership_door(member=member, door=door, by=by, reason=reason))


def _each(items, change) -> tuple[int, list[str]]:
    """Apply ``change`` to each item in its own transaction; returns how many and the others' errors."""
    done, errors = 0, []
    for item in items:
        try:
            change(item)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            errors.append(f"{item}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    return done, errors


def membership_number_for(member: Member) -> str:
    # Derived from the primary key, so two approvals at once never collide.
    return f"GH{member.created_at:%Y}{member.pk:07d}"


def membership_apply(*, member: Member, by: User) -> Member:
    return membership_change(member=member, to=S.APPLICANT, by=by)


def membership_approve(*, member: Member, by: User, note: str = "") -> Member:
    return membership_change(member=member, to=S.ACTIVE, by=by, note=note)


def membership_reject(*, member: Member, by: User, reason: str) -> Member:
    return membership_change(member=member, to=S.REJECTED, by=by, note=reason)


def membership_bulk_approve(*, members, by: User) -> tuple[int, list[str]]:
    """Approve each applicant in turn; returns how many and the errors of the others."""
    return _each(members, lambda member: membership_approve(member=member, by=by))


def _notify_status(*, member: Member, note: str, template: str, **extra) -> None:
    member_notify(
        member=member,
        key=f"membership:{member.pk}:{member.events.count()}:{member.status}",
        template=template,
        context=lambda: {
            "name": member.name,
            "status": member.status,
            "status_label": str(member.get_status_display()),
            "membership_number": member.membership_number or "",
            "note": note,
            "profile_url": settings.SITE_URL + reverse("members:profile"),
            "card_url": settings.SITE_URL + reverse("members:card"),
            **extra,
        },
    )


# --- Transfers to another grassroots union ------------------------------------------


def _check_receiving_officer(*, by: User, transfer: MembershipTransfer) -> None:
    if not (by.is_active and by.is_staff and by.has_perm(APPROVE) and user_may_see_unit(by, transfer.to_union)):
        raise PermissionDenied(_("Only an officer of the receiving union decides on this transfer."))


def _lock_transfer(transfer: MembershipTransfer) -> MembershipTransfer:
    transfer = (
        MembershipTransfer.objects.select_for_update(of=("self",))
        .select_related("to_union", "from_unit")
        .get(pk=transfer.pk)
    )
    if not transfer.is_pending:
        raise ValidationError(_("This transfer has already been decided."))
    return transfer


def _transfer_context(transfer: MembershipTransfer) -> dict:
    return {
        "transfer_state": transfer.state,
        "from_union": transfer.from_unit.grassroots_union.name,
        "to_union": transfer.to_union.name,
        "to_unit": transfer.to_unit.name if transfer.to_unit_id else "",
    }


@transaction.atomic
def transfer_request(*, member: Member, to_union: OrgUnit, by: User, reason: str) -> MembershipTransfer:
    """The member's union asks another grassroots union to take the member over.

    The member is "transferred out" until the receiving union accepts (or declines,
    or the sending officer cancels): their membership is then active again.
    """
    member = _lock_member(member)
    _check_officer(by=by, member=member)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the member the reason for this change."))
    if to_union.kind != OrgUnit.Kind.UNION or to_union.pk == member.union_id:
        raise ValidationError(_("Choose another grassroots union to receive the member."))
    _check_move(member=member, to=S.TRANSFERRED)
    transfer = MembershipTransfer.objects.create(
        member=member, from_unit=member.unit, to_union=to_union, reason=reason, requested_by=by
    )
    note = _("To %(union)s: %(reason)s") % {"union": to_union.name, "reason": reason}
    _record_status(
        member=member, to=S.TRANSFERRED, by=by, note=note, template=TRANSFER_MAIL, **_transfer_context(transfer)
    )
    return transfer


@transaction.atomic
def transfer_accept(
    *, transfer: MembershipTransfer, by: User, unit: OrgUnit | None = None, employee_number: str = "", note: str = ""
) -> MembershipTransfer:
    """The receiving union takes the member in, into ``unit`` (the union itself by default).

    The member row moves, with every record that hangs on it: from now on the
    receiving union's officers see the member, the old union's no longer do
    (they keep seeing this transfer). The employee number is the new employer's
    (empty unless given).
    """
    transfer = _lock_transfer(transfer)
    _check_receiving_officer(by=by, transfer=transfer)
    unit = unit or transfer.to_union
    if not (transfer.to_union.contains(unit) and user_may_see_unit(by, unit)):
        raise ValidationError(_("Choose a unit of the receiving union."))
    member = _lock_member(transfer.member)
    employee_number = (employee_number or "").strip()
    if employee_number and Member.objects.filter(union=transfer.to_union, employee_number=employee_number).exists():
        raise ValidationError(_("This employee number is already registered in the receiving union."))
    member.unit, member.employee_number = unit, employee_number
    member.save(update_fields=["unit", "union", "employee_number"])
    transfer.state, transfer.to_unit = MembershipTransfer.State.ACCEPTED, unit
    transfer.decided_by, transfer.decided_at, transfer.decision_note = by, timezone.now(), (note or "").strip()
    transfer.save()
    event_note = _("Received by %(union)s into %(unit)s.") % {"union": transfer.to_union.name, "unit": unit.name}
    if transfer.decision_note:
        event_note = f"{event_note} {transfer.decision_note}"
    _record_status(
        member=member, to=S.ACTIVE, by=by, note=event_note, template=TRANSFER_MAIL, **_transfer_context(transfer)
    )
    return transfer


@transaction.atomic
def transfer_decline(*, transfer: MembershipTransfer, by: User, reason: str) -> MembershipTransfer:
    """The receiving union refuses: the member stays in their union, active again."""
    transfer = _lock_transfer(transfer)
    _check_receiving_officer(by=by, transfer=transfer)
    return _transfer_undo(transfer=transfer, by=by, reason=reason, state=MembershipTransfer.State.DECLINED)


@transaction.atomic
def transfer_cancel(*, transfer: MembershipTransfer, by: User, reason: str) -> MembershipTransfer:
    """The sending union takes its request back: the member stays, active again."""
    transfer = _lock_transfer(transfer)
    _check_officer(by=by, member=transfer.member)
    return _transfer_undo(transfer=transfer, by=by, reason=reason, state=MembershipTransfer.State.CANCELLED)


def _transfer_undo(*, transfer: MembershipTransfer, by: User, reason: str, state: str) -> MembershipTransfer:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the member the reason for this change."))
    member = _lock_member(transfer.member)
    transfer.state, transfer.decision_note = state, reason
    transfer.decided_by, transfer.decided_at = by, timezone.now()
    transfer.save()
    context = _transfer_context(transfer)
    _record_status(member=member, to=S.ACTIVE, by=by, note=reason, template=TRANSFER_MAIL, **context)
    return transfer


def transfer_bulk_request(*, members, to_union: OrgUnit, by: User, reason: str) -> tuple[int, list[str]]:
    return _each(members, lambda member: transfer_request(member=member, to_union=to_union, by=by, reason=reason))


def transfer_bulk_accept(*, transfers, by: User) -> tuple[int, list[str]]:
    """Accept each transfer into its receiving union itself (the officer may move members on later)."""
    return _each(transfers, lambda transfer: transfer_accept(transfer=transfer, by=by))


# --- Organisation tree -------------------------------------------------------


@transaction.atomic
def unit_add(*, parent: OrgUnit | None, name: str, kind: str) -> OrgUnit:
    """Add a unit under ``parent`` (or a new root). Re-reads the parent, whose
    stored child count the tree needs up to date."""
    if parent is None:
        return OrgUnit.objects.add_root(create_kwargs={"name": name, "kind": kind})
    parent = OrgUnit.objects.get(pk=parent.pk)
    return OrgUnit.objects.add_child(parent, create_kwargs={"name": name, "kind": kind})


# --- Member card ------------------------------------------------------------


def member_card_token(member: Member) -> str:
    """The signed, opaque token in the member card's QR code."""
    return signing.Signer(salt=CARD_SALT).sign(member.card_token)


def member_card_url(member: Member) -> str:
    return settings.SITE_URL + reverse("members:card-scan", args=[member_card_token(member)])


def member_from_card_token(token: str) -> Member | None:
    try:
        raw = signing.Signer(salt=CARD_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Member.objects.select_related("unit").filter(card_token=raw).first()


@transaction.atomic
def member_card_renew(*, member: Member) -> Member:
    """Invalidate the old card (lost phone, leaked screenshot)."""
    import secrets

    member.card_token = secrets.token_urlsafe()
    member.save(update_fields=["card_token"])
    return member


# --- Personal data (PIPL) ---------------------------------------------------


def member_export_data(*, member: Member) -> dict:
    """Everything the portal holds about a member, as plain JSON-able data."""
    return data_export.collect(member)


@transaction.atomic
def deletion_request_create(*, member: Member, reason: str = "") -> DeletionRequest:
    if member.deletion_requests.filter(status=DeletionRequest.Status.OPEN).exists():
        raise ValidationError(_("You have already asked for deletion; an officer will handle it."))
    return DeletionRequest.objects.create(member=member, reason=reason)


@transaction.atomic
def deletion_request_carry_out(*, deletion_request: DeletionRequest, by: User, note: str = "") -> DeletionRequest:
    """Erase the member's personal data and close their account.

    Records needed by law (dues, grants paid) stay, linked to the anonymised
    profile, so the union's books still add up.
    """
    deletion_request = (
        DeletionRequest.objects.select_for_update(of=("self",))
        .select_related("member__unit")
        .get(pk=deletion_request.pk)
    )
    if deletion_request.status != DeletionRequest.Status.OPEN:
        raise ValidationError(_("This request has already been handled."))
    member = deletion_request.member
    _check_officer(by=by, member=member, perm="members.change_deletionrequest")
    # Each app erases its part (welfare texts, feedback, e-mails), then the profile goes.
    erasure.erase(member, by=by)
    deletion_request.reason = ""
    deletion_request.status = DeletionRequest.Status.DONE
    deletion_request.handled_by = by
    deletion_request.handled_at = timezone.now()
    deletion_request.note = note
    deletion_request.save()
    return deletion_request


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])
    Member.objects.filter(user=user).update(language=language)


@transaction.atomic
def optional_mail_set(*, member: Member, wanted: bool) -> Member:
    """Turn birthday greetings and dues reminders on or off for a member.

    Transactional mail (requests, activities, membership) is not affected.
    Optional mails already queued are not sent once they are turned off.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.wants_optional_mail != wanted:
        member.wants_optional_mail = wanted
        member.save(update_fields=["wants_optional_mail"])
    return member


def member_may_change_unit(member: Member) -> bool:
    return member.status in (S.REGISTERED, S.REJECTED)


# --- Erasure of the member's own part: the profile, the account and the e-mails ---------------


def _erase_membership(member: Member, by: User) -> None:
    user = member.user
    member.name = _("Erased member %(id)s") % {"id": member.pk}
    member.phone = member.email = member.employee_number = member.job_title = ""
    member.date_of_birth = date(member.date_of_birth.year, 1, 1)
    member.user = None
    member.wants_optional_mail = member.wants_optional_sms = False
    member.save()
    member.history.all().delete()
    member.events.exclude(note="").update(note="")
    member.deletion_requests.exclude(reason="").update(reason="")
    member.outreach_contacts.all().delete()  # officers' notes about the person
    if user is not None:
        user.is_active = False
        user.email = f"erased-{user.pk}@invalid.example"
        user.phone, user.phone_verified = "", False
        user.display_name = ""
        user.set_unusable_password()
        user.save()
        user.emailaddress_set.all().delete()


def _erase_emails(member: Member, by: User) -> None:
    """The mails sent to the member hold their name, address and what happened to them."""
    from notifications.models import Notification

    if member.user_id:
        Notification.objects.filter(user_id=member.user_id).delete()


# These go last: the other apps' erasers still see the member's account, and may queue mail.
erasure.register("emails", _erase_emails, last=True)
erasure.register("membership", _erase_membership, last=True)


@transaction.atomic
def outreach_contact_record(*, member: Member, by: User, outcome: str = "contacted", note: str = "", detail: str = ""):
    """Record that an officer followed up a quiet member (who, when, how, the note)."""
    from .models import OutreachContact

    if not (by.is_active and by.is_staff and by.has_perm("members.view_member") and user_may_see_unit(by, member.unit)):
        raise PermissionDenied(_("You may not follow up this member."))
    if outcome not in OutreachContact.Outcome.values:
        raise ValidationError(_("Choose how you followed the member up."))
    note = (note or "").strip()
    if outcome == OutreachContact.Outcome.CONTACTED and not note:
        raise ValidationError(_("Write a short note of the contact: how you reached them and what they said."))
    return OutreachContact.objects.create(member=member, by=by, outcome=outcome, note=note, detail=detail[:200])
