"""Welfare and rights requests on the dashboard and in the statistics.

Everything is counted over ``welfare.selectors.requests_visible_to`` (the
officer's part of the tree, and confidential cases only for those who may see
them), so no figure reveals a request the officer could not open.
"""

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Member, OrgUnit
from members.scoping import scope_queryset
from welfare.models import Budget, RequestType, WelfareRequest
from welfare.selectors import requests_visible_to

from .. import cache, cards, panels, statistics
from ..panels import Figure, Panel, changelist_url
from ..selectors import month_key, sum_cells

R = WelfareRequest
S = R.State
SECTION = gettext_lazy("Welfare and rights requests")
PERMISSION = "welfare.view_welfarerequest"
VISIBILITY_NOTE = gettext_lazy("Counts only the requests you may open.")


def _visible(request):
    return requests_visible_to(request.user, side="officer")


def welfare_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    open_states = ",".join(R.OPEN_STATES)
    # Every figure counts open requests ("overdue" too: its states are open ones).
    counts = (
        _visible(request)
        .filter(state__in=R.OPEN_STATES)
        .aggregate(
            **{state: Count("pk", filter=Q(state=state)) for state in R.OPEN_STATES},
            overdue=Count("pk", filter=R.overdue_q()),
            unassigned=Count("pk", filter=Q(state__in=R.OPEN_STATES, assigned_to__isnull=True)),
            mine=Count("pk", filter=Q(state__in=R.OPEN_STATES, assigned_to=user)),
        )
    )
    url = lambda **filters: changelist_url("welfare", "welfarerequest", **filters)  # noqa: E731
    figures = [
        Figure(S(state).label, counts[state], url(state__exact=state), alert=state == S.SUBMITTED)
        for state in R.OPEN_STATES
    ]
    figures += [
        Figure(_("overdue"), counts["overdue"], url(overdue="yes"), alert=True),
        Figure(_("open and unassigned"), counts["unassigned"], url(assigned="nobody", state__in=open_states), True),
        Figure(_("open and assigned to me"), counts["mine"], url(assigned="me", state__in=open_states)),
    ]
    return Panel(title=_("Welfare and rights requests"), figures=figures, order=20)


panels.register("welfare", welfare_panel, area="welfare")
# Members too: a request is scoped by its worker's unit, and nobody counts their own.
cache.watch("welfare", WelfareRequest, RequestType, Budget, Member, OrgUnit)


def _of_year(request, period, field="submitted_at"):
    return _visible(request).filter(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_at})


def _submitted_cells(request, period) -> list[dict]:
    """Requests submitted in the year per month and type, with the grants among them:
    one query for the tables per month and per type (grouped by the type's key; the few
    types are read on their own, which keeps the grouping narrow)."""
    granted = Q(state__in=R.GRANTED_STATES)

    def compute():
        cells = list(
            _of_year(request, period)
            .values("request_type_id", month=TruncMonth("submitted_at"))
            .annotate(n=Count("pk"), granted=Count("pk", filter=granted), amount=Sum("granted_amount", filter=granted))
            .order_by()
        )
        types = RequestType.objects.in_bulk({cell["request_type_id"] for cell in cells})
        return [{**cell, "type": types[cell["request_type_id"]]} for cell in cells]

    return statistics.shared(request, ("welfare-submitted-cells", period.year), compute)


def _type_label(name: str, name_en: str) -> str:
    english = (translation.get_language() or "").startswith("en")
    return name_en if english and name_en else name


@statistics.register(
    "welfare-requests-per-month",
    title=gettext_lazy("Requests per month"),
    section=SECTION,
    permission=PERMISSION,
    order=20,
)
def requests_per_month(request, period) -> statistics.Table:
    by_month = sum_cells(_submitted_cells(request, period), lambda c: (month_key(c["month"]), c["type"].category), "n")
    table = []
    for month in period.months:
        key = month_key(month)
        aid = by_month.get((key, RequestType.Category.AID), {}).get("n", 0)
        rights = by_month.get((key, RequestType.Category.RIGHTS), {}).get("n", 0)
        table.append([key, aid, rights])
    return statistics.Table(
        columns=[_("Month"), _("Aid"), _("Rights")],
        rows=table,
        chart="columns",
        total_row=[_("Total"), sum(r[1] for r in table), sum(r[2] for r in table)],
        note=VISIBILITY_NOTE,
    )


@statistics.register(
    "welfare-requests-per-type",
    title=gettext_lazy("Requests and grants per type"),
    section=SECTION,
    permission=PERMISSION,
    order=21,
)
def requests_per_type(request, period) -> statistics.Table:
    cells = [{**c, "amount": c["amount"] or Decimal("0.00")} for c in _submitted_cells(request, period)]
    by_type = sum_cells(cells, lambda c: c["type"], "n", "granted", "amount")
    table = [
        [_type_label(kind.name, kind.name_en), row["granted"], row["n"] - row["granted"], row["amount"]]
        for kind, row in sorted(by_type.items(), key=lambda item: (item[0].position, item[0].pk))
    ]
    return statistics.Table(
        # The chart stacks the first two series (granted + the rest = all requests).
        columns=[_("Request type"), _("Granted"), _("Not granted or still open"), _("Amount granted (yuan)")],
        rows=table,
        total_row=[_("Total")] + [sum(r[i] for r in table) for i in (1, 2, 3)],
        note=VISIBILITY_NOTE,
        chart_series=2,
    )


@statistics.register(
    "welfare-grants-per-month",
    title=gettext_lazy("Amounts granted per month"),
    section=SECTION,
    permission=PERMISSION,
    order=22,
)
def grants_per_month(request, period) -> statistics.Table:
    rows = (
        _of_year(request, period, field="decided_at")
        .filter(state__in=R.GRANTED_STATES)
        .annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(n=Count("pk"), amount=Sum("granted_amount"))
        .order_by("month")
    )
    by_month = {month_key(row["month"]): row for row in rows}
    table = []
    for month in period.months:
        row = by_month.get(month_key(month), {})
        table.append([month_key(month), row.get("amount") or Decimal("0.00"), row.get("n", 0)])
    return statistics.Table(
        columns=[_("Month"), _("Amount granted (yuan)"), _("Grants")],
        rows=table,
        chart="columns",
        chart_series=1,
        total_row=[_("Total"), sum(r[1] for r in table), sum(r[2] for r in table)],
        note=VISIBILITY_NOTE,
    )


@statistics.register(
    "welfare-budget",
    title=gettext_lazy("Amounts granted against the yearly budget"),
    section=SECTION,
    permission=PERMISSION,
    order=23,
    description=gettext_lazy("Each unit's budget for the year, and what was granted to workers in it and below it."),
)
def budget_use(request, period) -> statistics.Table:
    user = request.user
    budgets = list(
        scope_queryset(Budget.objects.filter(year=period.year), user).select_related("unit").order_by("unit__path")
    )
    sums = {}
    if budgets:
        # One query: a sum per budget, each over its unit's part of the tree.
        granted = _of_year(request, period, field="decided_at").filter(state__in=R.GRANTED_STATES)
        sums = granted.aggregate(
            **{f"b{b.pk}": Sum("granted_amount", filter=b.unit.subtree_q("member__unit")) for b in budgets}
        )
    table = []
    for budget in budgets:
        used = sums.get(f"b{budget.pk}") or Decimal("0.00")
        left = budget.amount - used
        share = f"{used / budget.amount:.0%}" if budget.amount else "—"
        table.append([budget.unit.name, used, max(left, Decimal("0.00")), budget.amount, share])
    return statistics.Table(
        columns=[_("Unit"), _("Granted (yuan)"), _("Left (yuan)"), _("Budget (yuan)"), _("Used")],
        rows=table,
        chart_series=2,
        note=_("No budget is set for this year: the chair sets them under “Yearly budgets”.")
        if not budgets
        else VISIBILITY_NOTE,
    )


@cards.register("welfare-requests", permission=PERMISSION, order=30)
def requests_card(request, scope: cards.Scope) -> cards.Card:
    decided = Q(decided_at__isnull=False)
    counts = (
        _visible(request)
        .filter(scope.within("member__unit"), **scope.between("submitted_at"))
        .aggregate(
            **{state: Count("pk", filter=Q(state=state)) for state in S.values},
            total=Count("pk"),
            decided=Count("pk", filter=decided),
            on_time=Count("pk", filter=decided & Q(decided_at__date__lte=F("decision_due"))),
            overdue=Count("pk", filter=R.overdue_q()),
        )
    )
    return cards.Card(
        title=_("Requests by state and on time"),
        figures=[
            (_("requests submitted"), counts["total"]),
            (_("decided on time"), f"{counts['on_time']} / {counts['decided']}"),
            (_("overdue now"), counts["overdue"]),
        ],
        bars=cards.bars((label, counts[state]) for state, label in S.choices),
        bars_title=_("Requests submitted in the period, by state now"),
        csv_slug="welfare-requests-per-type",
        list_url=scope.list_url("welfare", "welfarerequest", "submitted_at"),
        list_label=_("These requests"),
        note=VISIBILITY_NOTE,
    )


@cards.register("welfare-grants", permission=PERMISSION, order=40)
def grants_card(request, scope: cards.Scope) -> cards.Card:
    budgets = list(
        scope_queryset(Budget.objects.filter(scope.within("unit"), year=scope.year), request.user)
        .select_related("unit")
        .order_by("unit__path")
    )
    # Budgets of a unit and of a unit above it are not added up: the top ones hold the lower ones.
    tops = [
        b
        for b in budgets
        if not any(o.unit.path != b.unit.path and b.unit.path.startswith(o.unit.path) for o in budgets)
    ]
    granted = _visible(request).filter(scope.within("member__unit"), state__in=R.GRANTED_STATES)
    sums = granted.aggregate(
        period=Sum("granted_amount", filter=Q(**scope.between("decided_at"))),
        **{
            f"b{b.pk}": Sum(
                "granted_amount",
                filter=b.unit.subtree_q("member__unit") & Q(decided_at__year=scope.year),
            )
            for b in tops
        },
    )
    money = lambda amount: f"¥{amount:,.2f}"  # noqa: E731
    rows = []
    for budget in tops:
        used = sums.get(f"b{budget.pk}") or Decimal("0.00")
        rows.append(
            cards.Bar(
                budget.unit.name,
                float(used),
                f"{money(used)} / {money(budget.amount)}",
                min(100, round(100 * used / budget.amount)) if budget.amount else 0,
            )
        )
    total = sum((b.amount for b in tops), Decimal("0.00"))
    used_year = sum((sums.get(f"b{b.pk}") or Decimal("0.00") for b in tops), Decimal("0.00"))
    return cards.Card(
        title=_("Grants against budget"),
        figures=[
            (_("granted in the period"), money(sums["period"] or Decimal("0.00"))),
            (_("budget of the year"), money(total) if tops else "—"),
            (_("of the budget used this year"), cards.share(used_year, total)),
        ],
        bars=rows,
        bars_title=_("Each budget's use in %(year)d") % {"year": scope.year},
        csv_slug="welfare-budget",
        list_url=scope.list_url("welfare", "welfarerequest", "submitted_at", state__in=",".join(R.GRANTED_STATES)),
        list_label=_("The granted requests"),
        note="" if tops else _("No budget is set for this year: the chair sets them under “Yearly budgets”."),
    )
