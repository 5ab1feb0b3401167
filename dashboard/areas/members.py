"""Membership on the dashboard and in the statistics."""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import DeletionRequest, Member, MembershipEvent, OrgUnit
from members.scoping import scope_queryset

from .. import cache, cards, panels, statistics
from ..panels import Figure, Panel, changelist_url
from ..selectors import AGE_BANDS, age_band_case, month_key, sum_cells, unit_labels

S = Member.Status
SECTION = gettext_lazy("Members")
LEAVING = [S.LAPSED, S.WITHDRAWN, S.TRANSFERRED]


def membership_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm("members.view_member"):
        return None
    counts = scope_queryset(Member.objects.all(), user).aggregate(
        waiting=Count("pk", filter=Q(status=S.APPLICANT)),
        active=Count("pk", filter=Q(status=S.ACTIVE)),
        suspended=Count("pk", filter=Q(status=S.SUSPENDED)),
    )
    figures = [
        Figure(
            _("applications waiting"),
            counts["waiting"],
            changelist_url("members", "member", status__exact=S.APPLICANT),
            alert=True,
        ),
        Figure(_("active members"), counts["active"], changelist_url("members", "member", status__exact=S.ACTIVE)),
        Figure(
            _("suspended members"),
            counts["suspended"],
            changelist_url("members", "member", status__exact=S.SUSPENDED),
        ),
    ]
    if user.has_perm("members.view_deletionrequest"):
        open_requests = scope_queryset(
            DeletionRequest.objects.filter(status=DeletionRequest.Status.OPEN), user, "member__unit"
        ).count()
        figures.append(
            Figure(
                _("requests to erase personal data"),
                open_requests,
                changelist_url("members", "deletionrequest", status__exact=DeletionRequest.Status.OPEN),
                alert=True,
            )
        )
    return Panel(title=_("Membership"), figures=figures, order=10)


panels.register("members", membership_panel, area="members")
cache.watch("members", Member, MembershipEvent, DeletionRequest, OrgUnit)


def _active_members(request):
    return scope_queryset(Member.objects.filter(status=S.ACTIVE), request.user)


def _age_day(period: statistics.Period):
    today = timezone.localdate()
    return min(today, period.end - timedelta(days=1))


def _member_cells(request, period) -> list[dict]:
    """Active members counted per unit, gender and age band: one query for three tables."""

    def compute():
        return list(
            _active_members(request)
            .values("unit_id", "gender", band=age_band_case(day=_age_day(period)))
            .annotate(n=Count("pk"))
            .order_by()
        )

    return statistics.shared(request, ("member-cells", period.year), compute)


@statistics.register(
    "members-per-unit",
    title=gettext_lazy("Active members per unit"),
    section=SECTION,
    permission="members.view_member",
    order=10,
)
def members_per_unit(request, period) -> statistics.Table:
    cells = _member_cells(request, period)
    women = sum_cells((c for c in cells if c["gender"] == Member.Gender.FEMALE), lambda c: c["unit_id"], "n")
    men = sum_cells((c for c in cells if c["gender"] == Member.Gender.MALE), lambda c: c["unit_id"], "n")
    units = unit_labels(c["unit_id"] for c in cells)
    table_rows = [
        [name, women.get(pk, {}).get("n", 0), men.get(pk, {}).get("n", 0)]
        for pk, (_path, name) in sorted(units.items(), key=lambda item: item[1])
    ]
    return statistics.Table(
        columns=[_("Unit"), _("Women"), _("Men")],
        rows=table_rows,
        total_row=[_("Total"), sum(r[1] for r in table_rows), sum(r[2] for r in table_rows)],
        note=_("Members of the unit itself, not of the units below it."),
    )


@statistics.register(
    "members-per-gender",
    title=gettext_lazy("Active members by gender"),
    section=SECTION,
    permission="members.view_member",
    order=11,
)
def members_per_gender(request, period) -> statistics.Table:
    counts = sum_cells(_member_cells(request, period), lambda c: c["gender"], "n")
    rows = [[str(label), counts.get(value, {}).get("n", 0)] for value, label in Member.Gender.choices]
    return statistics.Table(columns=[_("Gender"), _("Members")], rows=rows)


@statistics.register(
    "members-per-age-band",
    title=gettext_lazy("Active members by age"),
    section=SECTION,
    permission="members.view_member",
    order=12,
)
def members_per_age_band(request, period) -> statistics.Table:
    day = _age_day(period)
    counts = sum_cells(_member_cells(request, period), lambda c: c["band"], "n")
    rows = [[str(label), counts.get(i, {}).get("n", 0)] for i, (label, _low, _high) in enumerate(AGE_BANDS)]
    return statistics.Table(
        columns=[_("Age"), _("Members")], rows=rows, note=_("Age on %(day)s.") % {"day": day.isoformat()}
    )


@statistics.register(
    "membership-changes",
    title=gettext_lazy("Membership changes per month"),
    section=SECTION,
    permission="members.view_membershipevent",
    order=13,
)
def membership_changes(request, period) -> statistics.Table:
    events = scope_queryset(
        MembershipEvent.objects.filter(at__gte=period.start_at, at__lt=period.end_at),
        request.user,
        "member__unit",
    )
    rows = (
        events.annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(
            applied=Count("pk", filter=Q(to_state=S.APPLICANT)),
            joined=Count("pk", filter=Q(to_state=S.ACTIVE)),
            left=Count("pk", filter=Q(to_state__in=LEAVING)),
        )
        .order_by("month")
    )
    by_month = {month_key(row["month"]): row for row in rows}
    table_rows = []
    for month in period.months:
        row = by_month.get(month_key(month), {})
        table_rows.append([month_key(month), row.get("applied", 0), row.get("joined", 0), row.get("left", 0)])
    return statistics.Table(
        columns=[_("Month"), _("Applied"), _("Joined or came back"), _("Left")],
        rows=table_rows,
        chart="columns",
        total_row=[_("Total")] + [sum(r[i] for r in table_rows) for i in (1, 2, 3)],
    )


@cards.register("members", permission="members.view_member", order=10)
def members_card(request, scope: cards.Scope) -> cards.Card:
    members = scope_queryset(Member.objects.filter(scope.within("unit")), request.user)
    now = members.aggregate(
        active=Count("pk", filter=Q(status=S.ACTIVE)), waiting=Count("pk", filter=Q(status=S.APPLICANT))
    )
    events = scope_queryset(
        MembershipEvent.objects.filter(scope.within("member__unit"), **scope.between("at")),
        request.user,
        "member__unit",
    ).aggregate(
        applied=Count("pk", filter=Q(to_state=S.APPLICANT)),
        joined=Count("pk", filter=Q(to_state=S.ACTIVE)),
        left=Count("pk", filter=Q(to_state__in=LEAVING)),
    )
    return cards.Card(
        title=_("Members and applications"),
        figures=[
            (_("active members"), now["active"]),
            (_("applications waiting"), now["waiting"]),
            (_("applications in the period"), events["applied"]),
        ],
        bars=cards.bars(
            [
                (_("Applied"), events["applied"]),
                (_("Joined or came back"), events["joined"]),
                (_("Left"), events["left"]),
            ]
        ),
        bars_title=_("Membership changes in the period"),
        csv_slug="membership-changes",
        list_url=scope.list_url("members", "member", "created_at"),
        list_label=_("Members entered in the period"),
    )
