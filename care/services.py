"""Care rules: opening a case (officer, welfare approval, colleague), the worker's wishes,
assignment and recording the visit.

Every state change writes a ``CareChange`` row in the same transaction. Nothing is
sent to the worker unless they chose it (``remind_worker``); officers get their
reminders and digest from ``care.reminders``.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, User
from members.scoping import user_may_see_unit

from . import selectors
from .models import DUE_DAYS, KIND_FOR_REQUEST_TYPE, CareCase, CareChange, Kind, Origin, State, Wish


def due_date(*, kind: str, opened_on: date) -> date:
    return opened_on + timedelta(days=DUE_DAYS[Kind(kind)])


def _lock(case: CareCase) -> CareCase:
    return (
        CareCase.objects.select_for_update(of=("self",))
        .select_related("member__user", "member__unit", "welfare_request")
        .get(pk=case.pk)
    )


def _check_officer_over(*, by: User, member: Member, perm: str) -> None:
    if not (by is not None and by.is_authenticated and by.is_active and by.is_staff and by.has_perm(perm)):
        raise PermissionDenied(_("You may not open a care case for this worker."))
    if not user_may_see_unit(by, member.unit) or (member.user_id and member.user_id == by.pk):
        raise PermissionDenied(_("You may not open a care case for this worker."))


def _check_handler(*, by: User, case: CareCase) -> None:
    if not (
        by is not None
        and by.is_authenticated
        and by.is_active
        and by.has_perm("care.change_carecase")
        and selectors.case_handled_by(by, case)
    ):
        raise PermissionDenied(_("You may not handle this care case."))


def assignee_check(*, case: CareCase, officer: User | None) -> None:
    if officer is not None and not selectors.officers_for(case).filter(pk=officer.pk).exists():
        raise ValidationError(
            _("%(name)s does not act for this worker's unit.") % {"name": officer}, code="not_in_unit"
        )


def _create(case: CareCase, *, by: User | None, note: str = "") -> CareCase:
    case.due_on = due_date(kind=case.kind, opened_on=case.opened_on)
    case.full_clean(exclude=["member", "welfare_request", "reported_by", "opened_by", "assigned_to", "due_on"])
    case.save()
    CareChange.record(case, from_state="", to=case.state, by=by, note=note)
    return case


@transaction.atomic
def case_open(
    *,
    member: Member,
    kind: str,
    by: User,
    reason: str = "",
    about: str = "",
    confidential: bool = False,
    assigned_to: User | None = None,
    companions: str = "",
) -> CareCase:
    """An officer over the worker's unit opens a case; its due date follows from the kind."""
    _check_officer_over(by=by, member=member, perm="care.add_carecase")
    case = CareCase(
        member=member,
        kind=kind,
        about=(about or "").strip(),
        reason=(reason or "").strip(),
        origin=Origin.OFFICER,
        opened_by=by,
        opened_on=timezone.localdate(),
        confidential=confidential,
        companions=(companions or "").strip(),
    )
    assignee_check(case=case, officer=assigned_to)
    case.assigned_to = assigned_to
    return _create(case, by=by)


@transaction.atomic
def case_open_for_request(*, request) -> CareCase | None:
    """The visit a welfare approval calls for (a bereavement, an illness), once per request.

    Runs inside welfare's transition (``care.signals``): the case and the approval are
    kept or lost together. It is confidential whenever the request is (the selector reads
    the request's sensitivity live), and goes to the officer who has the request.
    """
    kind = KIND_FOR_REQUEST_TYPE.get(request.request_type.code)
    if kind is None or CareCase.objects.filter(welfare_request=request).exists():
        return None
    case = CareCase(
        member=request.member,
        kind=kind,
        origin=Origin.WELFARE,
        welfare_request=request,
        opened_by=request.decided_by,
        opened_on=timezone.localdate(),
        assigned_to=request.assigned_to,
    )
    return _create(case, by=request.decided_by, note=request.reference or "")


@transaction.atomic
def case_report(*, reporter: Member, colleague: Member, kind: str, reason: str, by: User) -> CareCase:
    """A worker tells the union a colleague of their unit needs a visit.

    The reporter sees nothing of the case afterwards: it is the colleague's.
    """
    if reporter.user_id != getattr(by, "pk", None) or not reporter.is_active_member:
        raise PermissionDenied(_("Only members can ask the union to visit a colleague."))
    if not selectors.colleagues_of(reporter).filter(pk=colleague.pk).exists():
        raise ValidationError(_("Choose a colleague of your own unit."), code="not_a_colleague")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tell the union what happened."), code="no_reason")
    case = CareCase(
        member=colleague,
        kind=kind,
        reason=reason,
        origin=Origin.COLLEAGUE,
        reported_by=reporter,
        opened_by=by,
        opened_on=timezone.localdate(),
    )
    return _create(case, by=by)


def _move(case: CareCase, *, to: str, by: User, note: str = "") -> None:
    if case.state != to:
        CareChange.record(case, to=to, by=by, note=note)


@transaction.atomic
def case_set_wish(*, case: CareCase, by: User, wish: str, note: str = "", remind_worker: bool = False) -> CareCase:
    """The worker says how they would like to be visited, or declines (a declined case is
    closed; choosing a visit again reopens it). Only the worker concerned may."""
    case = _lock(case)
    if case.member.user_id is None or case.member.user_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the worker concerned says how they would like to be visited."))
    if case.state not in (State.OPEN, State.DECLINED):
        raise ValidationError(_("This visit is finished."), code="finished")
    if wish not in Wish.values or wish == Wish.UNKNOWN:
        raise ValidationError(_("Choose how you would like to be visited."), code="invalid")
    case.wish, case.wish_note = wish, (note or "").strip()
    case.remind_worker = bool(remind_worker) and wish != Wish.NONE
    if wish == Wish.NONE:
        _move(case, to=State.DECLINED, by=by, note=case.wish_note)
    elif case.state == State.DECLINED:
        _move(case, to=State.OPEN, by=by)
    case.full_clean(exclude=["member", "welfare_request", "reported_by", "opened_by", "assigned_to"])
    case.save()
    return case


@transaction.atomic
def case_update(
    *,
    case: CareCase,
    by: User,
    assigned_to: User | None,
    companions: str = "",
    follow_up_on: date | None = None,
    confidential: bool | None = None,
) -> CareCase:
    """The officer's planning: who goes, with whom, and when to follow up."""
    case = _lock(case)
    _check_handler(by=by, case=case)
    assignee_check(case=case, officer=assigned_to)
    if (
        confidential is not None
        and case.confidential
        and not confidential
        and not by.has_perm("care.view_confidential_case")
    ):
        raise ValidationError(_("Only welfare officers and the chair can make a confidential case normal."))
    case.assigned_to = assigned_to
    case.companions = (companions or "").strip()
    case.follow_up_on = follow_up_on
    if confidential is not None:
        case.confidential = confidential
    case.full_clean(exclude=["member", "welfare_request", "reported_by", "opened_by", "assigned_to"])
    case.save()
    return case


def visit_check(*, case: CareCase, visited_on: date | None, what_was_done: str, follow_up_on: date | None) -> None:
    """May the visit be recorded so? (The admin's form asks the same before saving.)"""
    if case.state != State.OPEN:
        raise ValidationError(_("Only a case still to visit can be recorded as visited."), code="not_open")
    if visited_on is None:
        raise ValidationError(_("Give the date of the visit."), code="no_date")
    if not (what_was_done or "").strip():
        raise ValidationError(_("Write down what was done during the visit."), code="no_note")
    if visited_on > timezone.localdate():
        raise ValidationError(_("A visit cannot be recorded before it took place."), code="future")
    if visited_on < case.opened_on:
        raise ValidationError(_("The visit cannot be before the case was opened."), code="before_opening")
    if follow_up_on is not None and follow_up_on < visited_on:
        raise ValidationError(_("The follow-up comes after the visit."), code="follow_up_before_visit")


@transaction.atomic
def case_record_visit(
    *,
    case: CareCase,
    by: User,
    visited_on: date,
    what_was_done: str,
    brought: str = "",
    follow_up_on: date | None = None,
) -> CareCase:
    """The visit took place: when, what was done and brought, and when to follow up."""
    case = _lock(case)
    _check_handler(by=by, case=case)
    visit_check(case=case, visited_on=visited_on, what_was_done=what_was_done, follow_up_on=follow_up_on)
    case.visited_on, case.what_was_done, case.brought = visited_on, what_was_done.strip(), (brought or "").strip()
    case.follow_up_on = follow_up_on
    _move(case, to=State.DONE, by=by)
    case.full_clean(exclude=["member", "welfare_request", "reported_by", "opened_by", "assigned_to"])
    case.save()
    return case


@transaction.atomic
def case_cancel(*, case: CareCase, by: User, note: str) -> CareCase:
    case = _lock(case)
    _check_handler(by=by, case=case)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Note why the visit is cancelled."), code="note_required")
    if case.state != State.OPEN:
        raise ValidationError(_("Only a case still to visit can be cancelled."), code="not_open")
    _move(case, to=State.CANCELLED, by=by, note=note)
    case.save()
    return case


# --- The member's copy of their data ----------------------------------------------


def member_care_data(member: Member) -> list[dict]:
    """For "download my data": the cases about the member, without the office's notes."""
    return [
        {
            "kind": case.kind,
            "opened_on": case.opened_on.isoformat(),
            "due_on": case.due_on.isoformat(),
            "state": case.state,
            "wish": case.wish,
            "wish_note": case.wish_note,
            "visited_on": case.visited_on.isoformat() if case.visited_on else None,
            "brought": case.brought,
        }
        for case in CareCase.objects.filter(member=member).order_by("opened_on", "id")
    ]


def member_care_erase(member: Member, by: User) -> None:
    """Erase what was written about the member; keep the dates the statistics count.

    A case still open is cancelled: nobody is left to visit.
    """
    cases = list(CareCase.objects.select_for_update().filter(member=member))
    for case in cases:
        if case.state == State.OPEN:
            CareChange.record(case, to=State.CANCELLED, by=by)
        case.about = case.reason = case.wish_note = case.what_was_done = case.brought = case.companions = ""
        case.save()
    CareChange.objects.filter(case__member=member).exclude(note="").update(note="")
    # What a member wrote when they reported a colleague names nobody but the colleague: it stays.
    CareCase.objects.filter(reported_by=member).update(reported_by=None)
