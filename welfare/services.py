"""Welfare rules: submitting, the state machine, the conversation, assignment and grants.

Every state change goes through ``request_transition``: worker pages, admin
pages, admin actions and the shell alike. It locks the request row, checks the
move against ``TRANSITIONS`` and who is making it, records a
``RequestTransition`` and queues the worker's e-mail in the same transaction.
"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.errors import error_text
from members.models import Member, User
from members.notify import member_notify
from members.scoping import user_may_see_unit

from . import selectors
from .models import (
    APPROVE_OVER_THRESHOLD,
    VIEW_CONFIDENTIAL,
    Attachment,
    BenefitScheme,
    RequestMessage,
    RequestTransition,
    RequestType,
    WelfareRequest,
)
from .uploads import CheckedUpload, check_uploads

S = WelfareRequest.State

# Which state may follow which; anything else is refused from every door.
TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.IN_REVIEW, S.REJECTED, S.WITHDRAWN},
    S.IN_REVIEW: {S.NEEDS_INFO, S.AWAITING_CHAIR, S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.NEEDS_INFO: {S.IN_REVIEW, S.REJECTED, S.WITHDRAWN},
    S.AWAITING_CHAIR: {S.APPROVED, S.REJECTED, S.IN_REVIEW, S.WITHDRAWN},
    S.APPROVED: {S.PAID, S.CLOSED},
    S.PAID: {S.CLOSED},
    S.CLOSED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
# Moves the worker makes on their own request (replying to "needs information" is one).
WORKER_MOVES = {(state, S.WITHDRAWN) for state in WelfareRequest.OPEN_STATES} | {(S.NEEDS_INFO, S.IN_REVIEW)}
# Moves only the chair makes: deciding a grant above the threshold.
CHAIR_MOVES = {(S.AWAITING_CHAIR, S.APPROVED), (S.AWAITING_CHAIR, S.REJECTED), (S.AWAITING_CHAIR, S.IN_REVIEW)}
# The order of the officer's buttons.
MOVE_ORDER = [S.IN_REVIEW, S.NEEDS_INFO, S.APPROVED, S.AWAITING_CHAIR, S.PAID, S.CLOSED, S.REJECTED, S.WITHDRAWN]

CENT = Decimal("0.01")

# Other areas may hold a grant back from payment (the 公示 of notices/, which imports welfare):
# each check gets the locked request before it is marked paid and raises ValidationError to refuse
# for now, or PaymentRefused when the grant is never to be paid (it may then be closed unpaid).
_payment_checks: list[Callable[[WelfareRequest], None]] = []


class PaymentRefused(ValidationError):
    """A payment check's answer that the grant is not to be paid at all (not only "not yet")."""


def payment_check_register(check: Callable[[WelfareRequest], None]) -> None:
    if check not in _payment_checks:
        _payment_checks.append(check)


def payment_check(request: WelfareRequest) -> None:
    """Raise ``ValidationError`` if another area holds the grant back from payment."""
    for check in _payment_checks:
        check(request)


def _lock(request: WelfareRequest) -> WelfareRequest:
    # Only the request row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    return (
        WelfareRequest.objects.select_for_update(of=("self",))
        .select_related("member__user", "member__unit", "request_type", "assigned_to")
        .get(pk=request.pk)
    )


def _check_handler(*, by: User, request: WelfareRequest, perm: str = "welfare.change_welfarerequest") -> None:
    """``by`` must be an officer who handles this request (the visibility rule) and holds ``perm``."""
    if not (
        by is not None
        and by.is_authenticated
        and by.is_active
        and by.has_perm(perm)
        and selectors.request_handled_by(by, request)
    ):
        raise PermissionDenied(_("You may not handle this request."))


def _is_worker(by: User, request: WelfareRequest) -> bool:
    return by is not None and request.member.user_id is not None and request.member.user_id == by.pk


# --- Submission ----------------------------------------------------------------


@transaction.atomic
def request_submit(
    *,
    member: Member,
    request_type: RequestType,
    description: str,
    by: User,
    amount_requested: Decimal | None = None,
    sensitivity: str = WelfareRequest.Sensitivity.NORMAL,
    priority: int | None = None,
    consent_note: str = "",
    files=(),
) -> WelfareRequest:
    """A worker asks for help, or an officer files the request for a worker who is not online.

    An officer filing on a worker's behalf must record how the worker agreed,
    and becomes the assigned officer. Every check (the files included) runs
    before anything is saved. The request, its first timeline row, the outbox
    row that tells the worker and the files are written in one transaction: if
    one fails, none is kept (files already written are deleted again), and the
    e-mail is queued only once the transaction commits.
    """
    description = _checked_description(description)
    _check_request_type(request_type=request_type, amount_requested=amount_requested)
    on_behalf = _check_filer(by=by, member=member, consent_note=consent_note)
    _check_member_may_ask(member=member, request_type=request_type)
    checked = check_uploads(files)

    request = _new_request(
        member=member,
        request_type=request_type,
        description=description,
        amount_requested=amount_requested,
        sensitivity=sensitivity,
        # The office sets priorities: a worker's own request starts as normal.
        priority=priority if on_behalf else None,
        by=by,
        on_behalf=on_behalf,
        consent_note=consent_note,
    )
    _save_new(request=request, by=by)
    _record(request=request, from_state="", by=by, note="")
    _attach(request=request, message=None, checked=checked, by=by)
    return request


def _checked_description(description: str | None) -> str:
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Tell the union what happened and what help you need."), code="no_description")
    return description


def _check_request_type(*, request_type: RequestType, amount_requested: Decimal | None) -> None:
    if not request_type.active:
        raise ValidationError(_("This kind of request is no longer offered."), code="type_closed")
    if amount_requested is None:
        return
    if not request_type.asks_amount:
        raise ValidationError(_("Only aid requests ask for an amount."), code="no_amount_asked")
    if amount_requested < 0:
        raise ValidationError(_("The amount cannot be negative."), code="negative_amount")


def _check_filer(*, by: User, member: Member, consent_note: str) -> bool:
    """May ``by`` file this request? Returns whether it is filed on the worker's behalf."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("You may not file a request for this worker."))
    if member.user_id is not None and member.user_id == by.pk:
        return False
    if not _may_file_on_behalf(by=by, member=member):
        raise PermissionDenied(_("You may not file a request for this worker."))
    if not (consent_note or "").strip():
        raise ValidationError(
            _("Record how the worker agreed that the union files this request for them."), code="no_consent"
        )
    return True


def _may_file_on_behalf(*, by: User, member: Member) -> bool:
    """An officer with the right to file requests, over the worker's unit."""
    return (
        by.is_active
        and by.is_staff
        and by.has_perm("welfare.add_welfarerequest")
        and user_may_see_unit(by, member.unit)
    )


def _check_member_may_ask(*, member: Member, request_type: RequestType) -> None:
    if request_type.category == RequestType.Category.AID and not member.is_active_member:
        raise ValidationError(
            _("Aid is for union members. Apply for membership first; help with your rights is open to everyone."),
            code="members_only",
        )


def _new_request(
    *,
    member: Member,
    request_type: RequestType,
    description: str,
    amount_requested: Decimal | None,
    sensitivity: str,
    priority: int | None,
    by: User,
    on_behalf: bool,
    consent_note: str,
) -> WelfareRequest:
    """The request as submitted now, with its due dates counted from today (not saved)."""
    now = timezone.now()
    today = timezone.localdate(now)
    return WelfareRequest(
        member=member,
        request_type=request_type,
        description=description,
        amount_requested=amount_requested,
        sensitivity=sensitivity,
        priority=priority or WelfareRequest.Priority.NORMAL,
        submitted_at=now,
        first_response_due=today + timedelta(days=request_type.days_to_first_response),
        decision_due=today + timedelta(days=request_type.days_to_decision),
        filed_by=by,
        on_behalf=on_behalf,
        consent_note=(consent_note or "").strip() if on_behalf else "",
        # The officer who took the worker's call has answered them already, and keeps the case.
        assigned_to=by if on_behalf else None,
        first_response_at=now if on_behalf else None,
    )


def _save_new(*, request: WelfareRequest, by: User) -> None:
    request.clean_fields(exclude=["reference", "member", "request_type", "assigned_to", "filed_by", "decided_by"])
    request._history_user = by
    request.save()
    # Derived from the primary key, so two submissions at once never collide.
    request.reference = f"WF-{timezone.localtime(request.submitted_at):%Y}-{request.pk:06d}"
    request.save(update_fields=["reference"])


def _attach(*, request: WelfareRequest, message: RequestMessage | None, checked: list[CheckedUpload], by: User) -> None:
    """Write the checked files last in the transaction; undo the writes if saving fails."""
    written = []
    try:
        for upload in checked:
            attachment = Attachment(
                request=request,
                message=message,
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                uploaded_by=by,
            )
            attachment.file.save(upload.name, upload.upload, save=False)
            written.append(attachment.file.name)
            attachment.save()
    except Exception:
        storage = Attachment._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise


# --- The state machine -----------------------------------------------------------


def _acting_as(*, by: User, request: WelfareRequest, move: tuple[str, str]) -> str:
    if by is None or not by.is_authenticated or not by.is_active:
        raise PermissionDenied(_("You may not handle this request."))
    if move in WORKER_MOVES and _is_worker(by, request):
        return "worker"
    _check_handler(by=by, request=request)
    if move in CHAIR_MOVES and not by.has_perm(APPROVE_OVER_THRESHOLD):
        raise PermissionDenied(_("Only the chair decides on a grant that waits for the chair's approval."))
    return "officer"


@transaction.atomic
def request_transition(
    *,
    request: WelfareRequest,
    to: str,
    by: User,
    note: str = "",
    granted_amount: Decimal | None = None,
) -> WelfareRequest:
    """Move a request to another state, if the move is legal and ``by`` may make it; record it and e-mail the worker.

    Approving checks the member's yearly cap. A grant above the chair's
    threshold, approved by someone who is not the chair, goes to "waiting for
    the chair's approval" instead. Returns the request as saved (re-read
    under a row lock, so two officers acting at once cannot both move it).
    The lock, the timeline row and the outbox row share the transaction: a
    refused move leaves nothing behind, and the e-mail is queued on commit.
    """
    request = _lock(request)
    from_state = request.state
    _check_move_is_legal(from_state=from_state, to=to)
    acting_as = _acting_as(by=by, request=request, move=(from_state, to))
    note = (note or "").strip()
    _check_note(to=to, acting_as=acting_as, note=note)
    _check_amount(request=request, from_state=from_state, to=to, granted_amount=granted_amount)

    now = timezone.now()
    to = _apply_decision(
        request=request, from_state=from_state, to=to, by=by, note=note, granted_amount=granted_amount, now=now
    )
    if acting_as == "officer" and request.first_response_at is None:
        request.first_response_at = now
    _move_clock(request=request, from_state=from_state, to=to, now=now)
    _save_state(request=request, to=to, by=by)
    _record(request=request, from_state=from_state, by=by, note=note, at=now)
    return request


def _check_move_is_legal(*, from_state: str, to: str) -> None:
    if to not in S.values or to not in TRANSITIONS[from_state]:
        raise ValidationError(
            _("A request cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(from_state).label, "to": S(to).label if to in S.values else to},
            code="illegal_transition",
        )


def _check_note(*, to: str, acting_as: str, note: str) -> None:
    """The moves the worker must be told the reason of, or that the office must explain."""
    if note:
        return
    if to == S.NEEDS_INFO:
        raise ValidationError(_("Tell the worker which information or documents you need."), code="note_required")
    if to == S.REJECTED:
        raise ValidationError(_("Give the worker the reason for the decision."), code="note_required")
    if to == S.WITHDRAWN and acting_as == "officer":
        raise ValidationError(_("Note how and when the worker withdrew the request."), code="note_required")


def _check_amount(*, request: WelfareRequest, from_state: str, to: str, granted_amount: Decimal | None) -> None:
    """An amount only with an approval; a grant is paid before it is closed, and only a grant is paid."""
    if granted_amount is not None and to not in (S.APPROVED, S.AWAITING_CHAIR):
        raise ValidationError(_("An amount is only granted when approving."), code="amount_not_expected")
    if to == S.PAID and not request.granted_amount:
        raise ValidationError(
            _("No money was granted, so nothing can be paid. Close the request instead."), code="nothing_to_pay"
        )
    if to == S.PAID:
        payment_check(request)
    if to == S.CLOSED and from_state == S.APPROVED and request.granted_amount and not _payment_refused(request):
        raise ValidationError(_("Record the payment of the grant before closing the request."), code="pay_first")


def _payment_refused(request: WelfareRequest) -> bool:
    try:
        payment_check(request)
    except PaymentRefused:
        return True
    except ValidationError:
        return False
    return False


def _apply_decision(
    *,
    request: WelfareRequest,
    from_state: str,
    to: str,
    by: User,
    note: str,
    granted_amount: Decimal | None,
    now,
) -> str:
    """Set the decision fields the move changes; returns the state the request really goes to."""
    if to in (S.APPROVED, S.AWAITING_CHAIR):
        return _decide_grant(request=request, to=to, by=by, granted_amount=granted_amount, reason=note, now=now)
    if to == S.REJECTED:
        request.granted_amount = None
        request.decision_reason = note
        request.decided_by, request.decided_at = by, now
    elif to == S.IN_REVIEW and from_state == S.AWAITING_CHAIR:
        request.granted_amount = None  # the chair sent the proposal back
    return to


def _move_clock(*, request: WelfareRequest, from_state: str, to: str, now) -> None:
    """The clock stops while the request waits for the worker and runs on when it leaves that state."""
    if to == S.NEEDS_INFO:
        request.clock_pause(now)
    elif from_state == S.NEEDS_INFO:
        request.clock_resume(now)


def _save_state(*, request: WelfareRequest, to: str, by: User) -> None:
    request.state = to
    request._state_change_allowed = True  # this module is the state machine: the model's guard lets it through
    request._history_user = by
    request.save()


def _decide_grant(
    *, request: WelfareRequest, to: str, by: User, granted_amount: Decimal | None, reason: str, now
) -> str:
    """Set the decision fields of an approval; returns the state it really goes to."""
    from_chair = request.state == S.AWAITING_CHAIR
    amount = granted_amount if granted_amount is not None else (request.granted_amount if from_chair else None)
    if amount is not None:
        if amount < 0:
            raise ValidationError(_("The amount cannot be negative."), code="negative_amount")
        amount = amount.quantize(CENT)
    scheme = selectors.scheme_for(request.request_type_id)
    if amount:
        _check_cap(request=request, amount=amount, scheme=scheme)
    needs_chair = bool(amount) and (scheme is None or amount > scheme.chair_threshold)
    if to == S.AWAITING_CHAIR and not amount:
        raise ValidationError(_("Give the amount you propose for the chair's approval."), code="amount_required")
    if to == S.APPROVED and needs_chair and not from_chair and not by.has_perm(APPROVE_OVER_THRESHOLD):
        to = S.AWAITING_CHAIR
    request.granted_amount = amount
    if reason or not from_chair:
        request.decision_reason = reason
    if to == S.APPROVED:
        request.decided_by, request.decided_at = by, now
    return to


def _check_cap(*, request: WelfareRequest, amount: Decimal, scheme: BenefitScheme | None) -> None:
    if scheme is None or scheme.yearly_cap is None:
        return
    # Serialise approvals for one member, so two officers cannot both use the rest of the cap.
    list(Member.objects.select_for_update().filter(pk=request.member_id).values_list("pk", flat=True))
    already = selectors.granted_this_year(
        member_id=request.member_id, request_type_id=request.request_type_id, exclude_pk=request.pk
    )
    if already + amount > scheme.yearly_cap:
        left = max(scheme.yearly_cap - already, Decimal("0"))
        raise ValidationError(
            _(
                "This grant would pass the yearly cap of ¥%(cap)s for %(type)s: the member has already been "
                "granted ¥%(already)s this year, so at most ¥%(left)s can be granted."
            )
            % {"cap": scheme.yearly_cap, "type": request.request_type.label, "already": already, "left": left},
            code="cap_exceeded",
        )


def _record(*, request: WelfareRequest, from_state: str, by: User | None, note: str, at=None) -> RequestTransition:
    transition = RequestTransition.record(
        request, from_state=from_state, to=request.state, by=by, note=note, at=at or timezone.now()
    )
    _notify_transition(request=request, transition=transition)
    return transition


def request_withdraw(*, request: WelfareRequest, by: User, note: str = "") -> WelfareRequest:
    return request_transition(request=request, to=S.WITHDRAWN, by=by, note=note)


def request_approve(
    *, request: WelfareRequest, by: User, granted_amount: Decimal | None, reason: str = ""
) -> WelfareRequest:
    return request_transition(request=request, to=S.APPROVED, by=by, note=reason, granted_amount=granted_amount)


def request_reject(*, request: WelfareRequest, by: User, reason: str) -> WelfareRequest:
    return request_transition(request=request, to=S.REJECTED, by=by, note=reason)


def request_bulk_transition(*, requests, to: str, by: User) -> tuple[int, list[str]]:
    """Move each request in turn; returns how many moved and what stopped the others."""
    done, errors = 0, []
    for request in requests:
        try:
            request_transition(request=request, to=to, by=by)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            errors.append(f"{request}: {error_text(exc)}")
    return done, errors


def moves_for(*, request: WelfareRequest, user: User) -> list[str]:
    """The moves an officer who handles ``request`` can offer as buttons."""
    moves = []
    for to in MOVE_ORDER:
        move = (request.state, to)
        if to not in TRANSITIONS[request.state]:
            continue
        if move in CHAIR_MOVES and not user.has_perm(APPROVE_OVER_THRESHOLD):
            continue
        if to == S.PAID and not request.granted_amount:
            continue
        if to == S.CLOSED and request.state == S.APPROVED and request.granted_amount and not _payment_refused(request):
            continue
        moves.append(to)
    return moves


def worker_may_withdraw(request: WelfareRequest) -> bool:
    return (request.state, S.WITHDRAWN) in WORKER_MOVES


def worker_may_reply(request: WelfareRequest) -> bool:
    return request.state not in (S.CLOSED, S.WITHDRAWN)


# --- Conversation ----------------------------------------------------------------


@transaction.atomic
def message_post(
    *, request: WelfareRequest, author: User, body: str, internal: bool = False, files=()
) -> RequestMessage:
    """A message from the worker or an officer, or an officer's internal note.

    The worker's answer to "needs information" puts the request back in
    review. An officer's message (not a note) is e-mailed to the worker.
    """
    request = _lock(request)
    body = (body or "").strip()
    is_worker = _is_worker(author, request)
    if is_worker:
        if internal:
            raise PermissionDenied(_("Only officers write internal notes."))
        if not worker_may_reply(request):
            raise ValidationError(
                _("This request is finished. Please submit a new request if you need more help."), code="finished"
            )
    else:
        _check_handler(by=author, request=request, perm="welfare.add_requestmessage")
    checked = check_uploads(files)
    if not body and not checked:
        raise ValidationError(_("Write a message or attach a file."), code="empty_message")
    message = RequestMessage.objects.create(request=request, author=author, body=body, internal=internal)
    if is_worker and request.state == S.NEEDS_INFO:
        request_transition(request=request, to=S.IN_REVIEW, by=author)
    elif not is_worker and not internal:
        if request.first_response_at is None:
            request.first_response_at = message.created_at
            request.save(update_fields=["first_response_at", "updated_at"])
        _notify_message(request=request, message=message)
    _attach(request=request, message=message, checked=checked, by=author)
    return message


# --- The case page's one form ------------------------------------------------------


@transaction.atomic
def case_act(
    *,
    request: WelfareRequest,
    by: User,
    body: str = "",
    internal: bool = False,
    to: str = "",
    granted_amount: Decimal | None = None,
    assign: User | None = None,
    unassign: bool = False,
    files=(),
) -> WelfareRequest:
    """Reply (to the worker or as an internal note), reassign and move a case in one step.

    Each part goes through its own service (``request_assign``, ``message_post``,
    ``request_transition``), so every rule is checked where it lives. With a move,
    a reply to the worker becomes the move's note (one e-mail, one timeline row,
    and the note "needs information" and a rejection ask for); an internal note
    stays a note. All in one transaction: if the move is refused, the reply and
    the reassignment are not kept either.
    """
    body = (body or "").strip()
    if not (body or files or to or assign is not None or unassign):
        raise ValidationError(_("Write a message, choose a move or change the assigned officer."), code="nothing")
    if assign is not None or unassign:
        officer = None if unassign else assign
        current = _lock(request).assigned_to_id
        if current != (officer.pk if officer else None):
            request = request_assign(request=request, officer=officer, by=by)
    note = ""
    if to and not internal:
        note, body = body, ""
    if body or files:
        message_post(request=request, author=by, body=body, internal=internal, files=files)
    if to:
        request = request_transition(request=request, to=to, by=by, note=note, granted_amount=granted_amount)
    elif granted_amount is not None:
        raise ValidationError(_("An amount is only granted when approving."), code="amount_not_expected")
    return _lock(request)


# --- Triage ------------------------------------------------------------------------


@transaction.atomic
def request_assign(*, request: WelfareRequest, officer: User | None, by: User) -> WelfareRequest:
    """Give the request to an officer of the worker's unit or a unit above it (``None``: nobody)."""
    request = _lock(request)
    _check_handler(by=by, request=request)
    if request.state in WelfareRequest.FINISHED_STATES:
        raise ValidationError(_("This request is finished and needs no officer."), code="finished")
    if officer is not None and not selectors.officers_for(request).filter(pk=officer.pk).exists():
        raise ValidationError(
            _("%(name)s does not act for this worker's unit.") % {"name": officer}, code="not_in_unit"
        )
    if request.assigned_to_id != (officer.pk if officer else None):
        request.assigned_to = officer
        request._history_user = by
        request.save(update_fields=["assigned_to", "updated_at"])
    return request


def request_bulk_assign(*, requests, officer: User, by: User) -> tuple[int, list[str]]:
    done, errors = 0, []
    for request in requests:
        try:
            request_assign(request=request, officer=officer, by=by)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            errors.append(f"{request}: {error_text(exc)}")
    return done, errors


def sensitivity_change_check(*, request: WelfareRequest, by: User, sensitivity: str) -> None:
    """Anyone handling a request may make it confidential; only those who see all confidential cases may undo it."""
    if (
        request.sensitivity == WelfareRequest.Sensitivity.CONFIDENTIAL
        and sensitivity == WelfareRequest.Sensitivity.NORMAL
        and not by.has_perm(VIEW_CONFIDENTIAL)
    ):
        raise ValidationError(
            _("Only welfare officers and the chair can make a confidential request normal."), code="confidential"
        )


@transaction.atomic
def request_triage(
    *, request: WelfareRequest, by: User, priority: int | None = None, sensitivity: str | None = None
) -> WelfareRequest:
    request = _lock(request)
    _check_handler(by=by, request=request)
    fields = []
    if priority is not None and priority != request.priority:
        if priority not in WelfareRequest.Priority.values:
            raise ValidationError(_("Unknown priority."), code="invalid")
        request.priority = priority
        fields.append("priority")
    if sensitivity is not None and sensitivity != request.sensitivity:
        if sensitivity not in WelfareRequest.Sensitivity.values:
            raise ValidationError(_("Unknown sensitivity."), code="invalid")
        sensitivity_change_check(request=request, by=by, sensitivity=sensitivity)
        request.sensitivity = sensitivity
        fields.append("sensitivity")
    if fields:
        request._history_user = by
        request.save(update_fields=[*fields, "updated_at"])
    return request


# --- E-mails to the worker -----------------------------------------------------------


def _detail_url(request: WelfareRequest) -> str:
    return settings.SITE_URL + reverse("welfare:detail", args=[request.pk])


def _notify_transition(*, request: WelfareRequest, transition: RequestTransition) -> None:
    member = request.member
    granted = request.granted_amount if transition.to_state in WelfareRequest.GRANTED_STATES else None
    member_notify(
        member=member,
        key=f"welfare:{request.pk}:state:{transition.pk}",
        template="welfare-status",
        context=lambda: {
            "name": member.name,
            "reference": request.reference,
            "type_label": request.request_type.label,
            "state": transition.to_state,
            "state_label": str(S(transition.to_state).label),
            "note": transition.note,
            "granted_amount": granted,
            "first_response_due": request.first_response_due,
            "decision_due": request.decision_due if request.is_open and not request.is_clock_paused else None,
            "days_left": request.days_left_when_resumed,
            "on_behalf": request.on_behalf,
            "detail_url": _detail_url(request),
        },
    )


def _notify_message(*, request: WelfareRequest, message: RequestMessage) -> None:
    member = request.member
    member_notify(
        member=member,
        key=f"welfare:{request.pk}:message:{message.pk}",
        template="welfare-message",
        context=lambda: {
            "name": member.name,
            "reference": request.reference,
            "type_label": request.request_type.label,
            "body": message.body,
            "detail_url": _detail_url(request),
        },
    )


# --- The member's copy of their data -------------------------------------------------------


def member_welfare_data(member: Member) -> list[dict]:
    """For "download my data": the member's requests as they see them (no internal notes)."""
    requests = (
        WelfareRequest.objects.filter(member=member)
        .select_related("request_type")
        .prefetch_related("transitions", "attachments")
        .order_by("submitted_at", "id")
    )
    data = []
    for request in requests:
        public_messages = list(request.messages.filter(internal=False).order_by("created_at", "id"))
        public_ids = {m.pk for m in public_messages}
        data.append(
            {
                "reference": request.reference,
                "type": request.request_type.name,
                "description": request.description,
                "amount_requested": str(request.amount_requested) if request.amount_requested is not None else None,
                "sensitivity": request.sensitivity,
                "state": request.state,
                "submitted_at": request.submitted_at.isoformat(),
                "granted_amount": str(request.granted_amount) if request.granted_amount is not None else None,
                "decision_reason": request.decision_reason,
                "decided_at": request.decided_at.isoformat() if request.decided_at else None,
                "on_behalf": request.on_behalf,
                "consent_note": request.consent_note,
                "history": [t.exported() for t in request.transitions.all()],
                "messages": [
                    {
                        "from_me": m.author_id is not None and m.author_id == member.user_id,
                        "at": m.created_at.isoformat(),
                        "body": m.body,
                    }
                    for m in public_messages
                ],
                "attachments": [
                    {"name": a.original_name, "size": a.size, "uploaded_at": a.uploaded_at.isoformat()}
                    for a in request.attachments.all()
                    if a.message_id is None or a.message_id in public_ids
                ],
            }
        )
    return data


# --- Erasure (a member's deletion request) ---------------------------------------------------


def member_welfare_erase(member: Member, by: User) -> None:
    """Erase what the member told the union; keep what the books need.

    The reference, type, state, dates and amounts asked and granted stay (grants
    paid must still add up), linked to the anonymised profile. The texts (the
    description, every message and internal note, the decision's reason, the
    notes of each change), the attachments and the change history go. A request
    still open is withdrawn: nobody is left to answer it.
    """
    erased = _("(erased at the worker's request)")
    requests = list(WelfareRequest.objects.select_for_update().filter(member=member))
    if not requests:
        return
    now = timezone.now()
    for request in requests:
        if request.state in WelfareRequest.OPEN_STATES:
            from_state = request.state
            request.state = S.WITHDRAWN
            request._state_change_allowed = True  # this is the state machine's own module
            RequestTransition.record(request, from_state=from_state, to=S.WITHDRAWN, by=by, at=now)
        request.description = erased
        request.decision_reason = erased if request.decision_reason else ""
        request.consent_note = ""
        # The history rows hold the old texts: they go below, so none is written now.
        request.skip_history_when_saving = True
        request.save()
        del request.skip_history_when_saving
    ids = [request.pk for request in requests]
    for attachment in Attachment.objects.filter(request_id__in=ids):
        attachment.file.delete(save=False)
        attachment.delete()
    RequestMessage.objects.filter(request_id__in=ids).update(body=erased)
    RequestTransition.objects.filter(request_id__in=ids).exclude(note="").update(note="")
    WelfareRequest.history.filter(id__in=ids).delete()
