"""Reads of the welfare area, starting with THE rule of who may see a request.

``requests_visible_to`` is the one place that rule lives. Worker pages,
attachment downloads, the admin (changelist, change page, history, search,
export, counts, actions) and the services' permission checks all go through it.
"""

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from itertools import chain
from typing import Literal

from django.core.cache import cache
from django.db.models import Case, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone, translation
from django.utils.translation import pgettext

from members.models import Member, OrgUnit, User
from members.scoping import Side, unit_scope_q, visible_by_side

from .models import (
    VIEW_CONFIDENTIAL,
    Attachment,
    BenefitScheme,
    CannedReply,
    RequestMessage,
    RequestTransition,
    RequestType,
    WelfareRequest,
)


def _officer_q(user) -> Q | None:
    """Requests a (non-superuser) ``user`` handles as an officer, or ``None`` when they handle none.

    An officer sees the requests of workers in their unit and below (the
    foundation's scoping), never their own (nobody decides their own case),
    and confidential ones only when assigned to them or when they may see
    confidential cases (welfare officers and the chair).
    """
    if not user.is_staff or not user.has_perm("welfare.view_welfarerequest"):
        return None
    # "Not their own" as a subquery on the officer's member record (at most one row), not a
    # join through every request's member: with the whole tree in scope no join is needed at all.
    q = unit_scope_q(user, "member__unit", WelfareRequest) & ~Q(member__in=Member.objects.filter(user=user))
    if not user.has_perm(VIEW_CONFIDENTIAL):
        q &= Q(sensitivity=WelfareRequest.Sensitivity.NORMAL) | Q(assigned_to=user)
    return q


def requests_visible_to(user, queryset: QuerySet | None = None, *, side: Side = "any") -> QuerySet:
    """The requests ``user`` may see: their own (``side="worker"``), those they handle
    (``side="officer"``), or either (``"any"``). Everyone else gets an empty queryset, hence 404.
    """
    queryset = WelfareRequest.objects.all() if queryset is None else queryset
    return visible_by_side(queryset, user, side=side, officer_q=_officer_q)


def request_handled_by(user, request: WelfareRequest) -> bool:
    return requests_visible_to(user, side="officer").filter(pk=request.pk).exists()


def attachments_visible_to(user) -> QuerySet:
    """Attachments of requests ``user`` handles, and the worker's own — except files on internal notes."""
    handled = requests_visible_to(user, side="officer").values("pk")
    own = requests_visible_to(user, side="worker").values("pk")
    return Attachment.objects.filter(
        Q(request__in=handled) | (Q(request__in=own) & (Q(message__isnull=True) | Q(message__internal=False)))
    )


# --- Lists ---------------------------------------------------------------

TYPE_CHOICES_CACHE_KEY = "welfare:request-type-choices"


def request_type_choices() -> list[tuple[int, str]]:
    """(pk, name in the active language) of every type, for filters; cached, cleared when a type changes."""
    rows = cache.get(TYPE_CHOICES_CACHE_KEY)
    if rows is None:
        rows = list(RequestType.objects.order_by("category", "position", "id").values_list("pk", "name", "name_en"))
        cache.set(TYPE_CHOICES_CACHE_KEY, rows, timeout=300)
    english = (translation.get_language() or "").startswith("en")
    return [(pk, name_en if english and name_en else name) for pk, name, name_en in rows]


def worker_requests(user) -> QuerySet:
    """The worker's "my requests" list: one query whatever its length."""
    return requests_visible_to(user, side="worker").select_related("request_type").order_by("-submitted_at", "-id")


def officers_for(request: WelfareRequest) -> QuerySet:
    """Officers a request may be assigned to: staff acting for the worker's unit or a unit above it."""
    unit = request.member.unit
    steplen = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(steplen, len(unit.path) + 1, steplen)]
    perm = Q(groups__permissions__codename="view_welfarerequest") | Q(user_permissions__codename="view_welfarerequest")
    officers = User.objects.filter(is_active=True, is_staff=True).filter(
        Q(is_superuser=True) | (Q(officer_unit__path__in=paths) & perm)
    )
    if request.member.user_id:
        officers = officers.exclude(pk=request.member.user_id)
    return User.objects.filter(pk__in=officers.values("pk")).order_by("display_name", "email")


# --- The timeline ----------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    kind: Literal["state", "message"]
    at: datetime
    item: RequestTransition | RequestMessage


def request_timeline(request: WelfareRequest, *, include_internal: bool) -> list[TimelineEntry]:
    """State changes and messages in time order (three queries however long the story)."""
    transitions = request.transitions.select_related("by")
    messages = request.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id"))
    )
    if not include_internal:
        messages = messages.filter(internal=False)
    entries = chain(
        (TimelineEntry("state", t.at, t) for t in transitions),
        (TimelineEntry("message", m.created_at, m) for m in messages),
    )
    return sorted(entries, key=lambda entry: (entry.at, entry.kind == "message"))


@dataclass(frozen=True)
class Step:
    state: str
    label: str
    status: Literal["done", "current", "todo"]


def request_steps(request: WelfareRequest, timeline: list[TimelineEntry]) -> list[Step]:
    """The worker's stepper: where the request is on its way, from the states it really passed.

    submitted → in review → (waiting for you / for the chair) → decision → (paid) → closed; a
    rejected or withdrawn request ends there. Read from the timeline already loaded: no query.
    """
    S = WelfareRequest.State
    state = request.state
    reached = {entry.item.to_state for entry in timeline if entry.kind == "state"} | {state}
    path = [S.SUBMITTED]
    if state not in (S.REJECTED, S.WITHDRAWN) or S.IN_REVIEW in reached:
        path.append(S.IN_REVIEW)
    if state == S.NEEDS_INFO:
        path.append(S.NEEDS_INFO)
    if state == S.AWAITING_CHAIR or (S.AWAITING_CHAIR in reached and state not in WelfareRequest.OPEN_STATES):
        path.append(S.AWAITING_CHAIR)
    if state in (S.REJECTED, S.WITHDRAWN):
        path.append(state)
    else:
        path.append(S.APPROVED)
        if S.PAID in reached or (request.request_type.asks_amount and state != S.CLOSED):
            path.append(S.PAID)
        path.append(S.CLOSED)
    decided = state in WelfareRequest.GRANTED_STATES
    labels = {
        S.NEEDS_INFO: pgettext("welfare step", "waiting for you"),
        S.APPROVED: S.APPROVED.label if decided else pgettext("welfare step", "decision"),
    }
    current = path.index(state)
    steps = []
    for i, code in enumerate(path):
        status = "done" if i < current else "current" if i == current else "todo"
        steps.append(Step(code, str(labels.get(code, S(code).label)), status))
    return steps


def request_files(request: WelfareRequest) -> QuerySet:
    """Files sent with the request itself (not with a later message)."""
    return request.attachments.filter(message__isnull=True).order_by("uploaded_at", "id")


# --- Money -------------------------------------------------------------------


def year_bounds(day=None) -> tuple[datetime, datetime]:
    """The local calendar year around ``day`` as aware datetimes."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.combine(day.replace(month=1, day=1), time.min))
    end = timezone.make_aware(datetime.combine(day.replace(year=day.year + 1, month=1, day=1), time.min))
    return start, end


def _cents(amount) -> Decimal:
    # SQLite sums decimals without their places; show and compare money in cents everywhere.
    return Decimal(amount or 0).quantize(Decimal("0.01"))


def granted_this_year(*, member_id: int, request_type_id: int, exclude_pk: int | None = None) -> Decimal:
    start, end = year_bounds()
    granted = WelfareRequest.objects.filter(
        member_id=member_id,
        request_type_id=request_type_id,
        state__in=WelfareRequest.GRANTED_STATES,
        decided_at__gte=start,
        decided_at__lt=end,
    )
    if exclude_pk:
        granted = granted.exclude(pk=exclude_pk)
    return _cents(granted.aggregate(total=Sum("granted_amount"))["total"])


def pending_with_chair(*, member_id: int, request_type_id: int, exclude_pk: int | None = None) -> Decimal:
    pending = WelfareRequest.objects.filter(
        member_id=member_id, request_type_id=request_type_id, state=WelfareRequest.State.AWAITING_CHAIR
    )
    if exclude_pk:
        pending = pending.exclude(pk=exclude_pk)
    return _cents(pending.aggregate(total=Sum("granted_amount"))["total"])


def scheme_for(request_type_id: int) -> BenefitScheme | None:
    return BenefitScheme.objects.filter(request_type_id=request_type_id).first()


@dataclass(frozen=True)
class GrantSummary:
    """What the officer sees next to the decision form."""

    scheme: BenefitScheme | None
    granted_this_year: Decimal
    pending_with_chair: Decimal

    @property
    def standard_amount(self) -> Decimal | None:
        return self.scheme.standard_amount if self.scheme else None

    @property
    def yearly_cap(self) -> Decimal | None:
        return self.scheme.yearly_cap if self.scheme else None

    @property
    def chair_threshold(self) -> Decimal | None:
        return self.scheme.chair_threshold if self.scheme else None

    @property
    def remaining(self) -> Decimal | None:
        if self.yearly_cap is None:
            return None
        return max(self.yearly_cap - self.granted_this_year, Decimal("0"))


def grant_summary(request: WelfareRequest) -> GrantSummary:
    ids = {"member_id": request.member_id, "request_type_id": request.request_type_id, "exclude_pk": request.pk}
    return GrantSummary(
        scheme=scheme_for(request.request_type_id),
        granted_this_year=granted_this_year(**ids),
        pending_with_chair=pending_with_chair(**ids),
    )


# --- The case page and the queue -------------------------------------------------


def canned_replies() -> QuerySet:
    return CannedReply.objects.filter(active=True).order_by("position", "id")


def queue_order(queryset: QuerySet, today=None) -> QuerySet:
    """Overdue first, then by the decision's due date, the most urgent first among equals."""
    overdue = Case(When(WelfareRequest.overdue_q(today), then=Value(True)), default=Value(False))
    return queryset.annotate(overdue=overdue).order_by("-overdue", "decision_due", "-priority", "submitted_at", "id")


@dataclass(frozen=True)
class Queue:
    mine: list[WelfareRequest]
    unassigned: list[WelfareRequest]


QUEUE_LENGTH = 100


def officer_queue(user, today=None) -> Queue:
    """The officer's open cases and the open unassigned cases they could take (the visibility rule applies)."""
    open_cases = (
        requests_visible_to(user, side="officer")
        .filter(state__in=WelfareRequest.OPEN_STATES)
        .select_related("member__unit", "request_type")
        .only(
            "reference",
            "state",
            "priority",
            "sensitivity",
            "submitted_at",
            "first_response_due",
            "first_response_at",
            "decision_due",
            "assigned_to_id",
            "member__name",
            "member__unit__name",
            "request_type__name",
            "request_type__name_en",
        )
    )
    return Queue(
        mine=list(queue_order(open_cases.filter(assigned_to=user), today)[:QUEUE_LENGTH]),
        unassigned=list(queue_order(open_cases.filter(assigned_to__isnull=True), today)[:QUEUE_LENGTH]),
    )
