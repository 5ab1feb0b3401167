"""The care area's scheduled mail: the day-before reminder and the officers' daily digest.

Officers are staff accounts, not members: their mails go straight into the outbox.
The worker gets a reminder only when they asked for one (``CareCase.remind_worker``),
through the members' one door. Which cases an officer sees in the digest is THE
visibility rule of ``care.selectors``. Every key is (rule, case or officer, day): a
job that runs twice writes each mail once.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet, Value
from django.urls import reverse

from lib.batches import batches
from members.models import User
from members.notify import members_notify_many
from notifications.services import Mail, notification_enqueue_many
from welfare.reminders import _load_permissions as load_permissions
from welfare.reminders import digest_officers

from .models import CareCase, State
from .selectors import cases_visible_to

DIGEST_OFFICERS_PER_QUERY = 200
DUE_WITHIN_DAYS = 3


def _case_url(case: CareCase) -> str:
    return settings.SITE_URL + reverse("admin:care_carecase_change", args=[case.pk])


def visit_reminders_queue(*, day: date) -> int:
    """Remind the assigned officer of each visit due tomorrow, and the worker who asked to be.

    The assignee was checked to act for the worker's unit when assigned. Returns how many mails are new.
    """
    due = (
        CareCase.objects.filter(state=State.OPEN, due_on=day + timedelta(days=1))
        .select_related("member__user", "member__unit", "assigned_to", "welfare_request")
        .order_by("pk")
    )
    cases = list(due)
    mails = [
        Mail(
            key=f"care-reminder:{case.pk}:{case.due_on.isoformat()}",
            to_email=case.assigned_to.email,
            user_id=case.assigned_to_id,
            language=case.assigned_to.language,
            template="care-reminder",
            context={
                "name": case.assigned_to.display_name or case.assigned_to.email,
                "case": case,
                "confidential": case.is_confidential,
                "url": _case_url(case),
            },
        )
        for case in cases
        if case.assigned_to_id and case.assigned_to.email and case.assigned_to.is_active
    ]
    new = notification_enqueue_many(mails=mails)
    asked = [case for case in cases if case.remind_worker]
    new += members_notify_many(
        items=asked,
        member_of=lambda case: case.member,
        template="care-visit-reminder",
        key=lambda case: f"care-worker-reminder:{case.pk}:{case.due_on.isoformat()}",
        context=lambda case: {
            "name": case.member.name,
            "due_on": case.due_on,
            "wish": case.wish,
            "officer": str(case.assigned_to or ""),
            "url": settings.SITE_URL + reverse("care:detail", args=[case.pk]),
        },
    )
    return new


def digest_cases(*, day: date) -> QuerySet:
    """Cases that need an officer on ``day``: overdue, due within three days, or not assigned."""
    return CareCase.objects.filter(state=State.OPEN).filter(
        Q(due_on__lte=day + timedelta(days=DUE_WITHIN_DAYS)) | Q(assigned_to__isnull=True)
    )


def _visible_pairs(officers: list[User], cases: QuerySet) -> set[tuple[int, int]]:
    """(officer id, case id) through THE visibility rule, one UNION query per 200 officers."""
    pairs: set[tuple[int, int]] = set()
    for batch in batches(officers, DIGEST_OFFICERS_PER_QUERY):
        parts = [
            cases_visible_to(officer, cases, side="officer")
            .order_by()
            .annotate(officer_id=Value(officer.pk))
            .values_list("officer_id", "pk")
            for officer in batch
        ]
        pairs.update(parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])
    return pairs


def officer_digests_queue(*, day: date) -> int:
    """Queue each officer's list of visits overdue, due soon or unassigned; nothing for an officer with none."""
    officers = list(digest_officers())
    load_permissions(officers)
    officers = [officer for officer in officers if officer.has_perm("care.view_carecase")]
    if not officers:
        return 0
    cases = digest_cases(day=day)
    pairs = _visible_pairs(officers, cases)
    officers_of: dict[int, list[int]] = defaultdict(list)
    for officer_id, case_id in pairs:
        officers_of[case_id].append(officer_id)
    details = cases.filter(pk__in=list(officers_of)).select_related("member__unit", "assigned_to", "welfare_request")
    handled: dict[int, list[CareCase]] = defaultdict(list)
    for case in details.order_by("due_on", "pk"):
        for officer_id in officers_of[case.pk]:
            handled[officer_id].append(case)
    admin_url = settings.SITE_URL + reverse("admin:care_carecase_changelist")
    soon = day + timedelta(days=DUE_WITHIN_DAYS)
    mails = []
    for officer in officers:
        mine = handled.get(officer.pk)
        if not mine:
            continue
        mails.append(
            Mail(
                key=f"care-digest:{officer.pk}:{day.isoformat()}",
                to_email=officer.email,
                user_id=officer.pk,
                language=officer.language,
                template="care-digest",
                context={
                    "name": officer.display_name or officer.email,
                    "day": day,
                    "overdue": [case for case in mine if case.is_overdue(day)],
                    "due": [case for case in mine if not case.is_overdue(day) and case.due_on <= soon],
                    "unassigned": [case for case in mine if case.assigned_to_id is None],
                    "admin_url": admin_url,
                },
            )
        )
    return notification_enqueue_many(mails=mails)
