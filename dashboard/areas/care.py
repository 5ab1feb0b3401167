"""Care visits on the dashboard and in the statistics.

Counted over ``care.selectors.cases_visible_to`` (the officer's part of the tree,
confidential cases only for those who may see them).
"""

from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from care.models import CareCase, CareChange, State
from care.selectors import cases_visible_to
from members.models import Member, OrgUnit
from notices.models import GrantNotice, Objection
from notices.selectors import notices_for_officer, objections_for_officer
from welfare.models import WelfareRequest

from .. import cache, panels, statistics
from ..panels import Figure, Panel, changelist_url
from ..selectors import unit_labels

SECTION = gettext_lazy("Care visits")
PERMISSION = "care.view_carecase"
# "Due": still to visit within this many days (today included).
DUE_WITHIN_DAYS = 3


def care_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    today = timezone.localdate()
    counts = (
        cases_visible_to(user, side="officer")
        .filter(state=State.OPEN)
        .aggregate(
            due=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_WITHIN_DAYS))),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            unassigned=Count("pk", filter=Q(assigned_to__isnull=True)),
            mine=Count("pk", filter=Q(assigned_to=user)),
        )
    )
    url = lambda **filters: changelist_url("care", "carecase", **filters)  # noqa: E731
    figures = [
        Figure(_("visits due in the next 3 days"), counts["due"], url(state__exact=State.OPEN)),
        Figure(_("visits overdue"), counts["overdue"], url(overdue="yes"), alert=True),
        Figure(_("visits not assigned"), counts["unassigned"], url(state__exact=State.OPEN, assigned="nobody"), True),
        Figure(_("visits assigned to me"), counts["mine"], url(state__exact=State.OPEN, assigned="me")),
    ]
    if user.has_perm("notices.view_objection"):
        figures.append(_objections_figure(request))
    return Panel(title=_("Care visits and notices"), figures=figures, order=25)


def _objections_figure(request) -> Figure:
    pending = objections_for_officer(request.user).filter(state=Objection.State.PENDING).count()
    return Figure(
        _("objections to notices waiting for the chair"),
        pending,
        changelist_url("notices", "objection", state__exact=Objection.State.PENDING),
        alert=True,
    )


panels.register("care", care_panel, area="care")
# A case is scoped by its worker's unit and hidden with a confidential welfare request.
cache.watch("care", CareCase, CareChange, GrantNotice, Objection, WelfareRequest, Member, OrgUnit)


@statistics.register(
    "care-visits-per-unit",
    title=gettext_lazy("Care visits per unit"),
    section=SECTION,
    permission=PERMISSION,
    order=50,
    description=gettext_lazy("Cases opened in the year by the worker's unit: visited on time, late, still to visit."),
)
def visits_per_unit(request, period) -> statistics.Table:
    cells = (
        cases_visible_to(request.user, side="officer")
        .filter(opened_on__gte=period.start, opened_on__lt=period.end)
        .values("member__unit_id")
        .annotate(
            on_time=Count("pk", filter=Q(state=State.DONE, visited_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(state=State.DONE, visited_on__gt=F("due_on"))),
            open=Count("pk", filter=Q(state=State.OPEN)),
            declined=Count("pk", filter=Q(state=State.DECLINED)),
        )
        .order_by()
    )
    per_unit = {cell["member__unit_id"]: cell for cell in cells}
    units = unit_labels(per_unit)
    keys = ["on_time", "late", "open", "declined"]
    rows = [
        [name, *(per_unit[pk][key] for key in keys)]
        for pk, (_path, name) in sorted(units.items(), key=lambda item: item[1])
    ]
    return statistics.Table(
        columns=[_("Unit"), _("Visited on time"), _("Visited late"), _("Still to visit"), _("Declined")],
        rows=rows,
        total_row=[_("Total"), *(sum(row[i] for row in rows) for i in range(1, 5))],
    )


@statistics.register(
    "grant-notices",
    title=gettext_lazy("Grants under public notice"),
    section=SECTION,
    permission="notices.view_grantnotice",
    order=51,
    description=gettext_lazy("Grants published in the year per scheme, with the objections raised and upheld."),
)
def grant_notices(request, period) -> statistics.Table:
    cells = (
        notices_for_officer(request.user)
        .filter(starts_on__gte=period.start, starts_on__lt=period.end)
        .values("scheme_name")
        .annotate(
            n=Count("pk", distinct=True),
            raised=Count("objections", distinct=True),
            upheld=Count("objections", filter=Q(objections__state=Objection.State.UPHELD), distinct=True),
        )
        .order_by("scheme_name")
    )
    rows = [[cell["scheme_name"], cell["n"], cell["raised"], cell["upheld"]] for cell in cells]
    return statistics.Table(
        columns=[_("Scheme"), _("Published"), _("Objections"), _("Upheld")],
        rows=rows,
        total_row=[_("Total"), *(sum(row[i] for row in rows) for i in range(1, 4))],
    )
