"""Activities on the dashboard and in the statistics: what is coming and how
full it is, who takes part, and the members the union no longer reaches."""

from datetime import timedelta

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Activity, Registration
from members.models import Member
from members.scoping import scope_queryset

from .. import dashboard, statistics
from ..dashboard import Figure, Panel, changelist_url
from ..selectors import count_by_age_band

A = Activity.Status
R = Registration.Status
SECTION = gettext_lazy("Activities and participation")
PERMISSION = "activities.view_activity"
UPCOMING_ROWS = 5
OUTREACH_DAYS = 365


def activities_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    now = timezone.now()
    activities = scope_queryset(Activity.objects.all(), user)
    counts = activities.aggregate(
        upcoming=Count("pk", filter=Q(status=A.PUBLISHED, ends_at__gt=now)),
        drafts=Count("pk", filter=Q(status=A.DRAFT)),
    )
    figures = [
        Figure(
            _("upcoming activities"),
            counts["upcoming"],
            changelist_url("activities", "activity", status__exact=A.PUBLISHED, when="upcoming"),
        ),
        Figure(_("drafts"), counts["drafts"], changelist_url("activities", "activity", status__exact=A.DRAFT)),
    ]
    # The next few activities with how full they are: one query with the counts annotated.
    rows = []
    for activity in (
        activities.filter(status=A.PUBLISHED, ends_at__gt=now).with_counts().order_by("starts_at", "pk")[:UPCOMING_ROWS]
    ):
        rows.append(
            {
                "label": activity.title,
                "url": reverse("admin:activities_activity_change", args=[activity.pk]),
                "when": activity.starts_at,
                "taken": activity.places_taken,
                "capacity": activity.capacity,
                "percent": min(100, round(100 * activity.places_taken / activity.capacity)) if activity.capacity else 0,
                "waiting": activity.waiting_count,
            }
        )
    return Panel(title=_("Activities"), figures=figures, rows=rows, rows_title=_("Coming next"), order=30)


dashboard.register("activities", activities_panel)


def _participations(request, period):
    """Registrations of the officer's activities that started in the year."""
    return scope_queryset(
        Registration.objects.filter(
            activity__starts_at__date__gte=period.start, activity__starts_at__date__lt=period.end
        ),
        request.user,
        "activity__unit",
    )


ATTENDED = Q(status=R.ATTENDED)
MISSED = Q(status=R.NO_SHOW)


@statistics.register(
    "participation-per-category",
    title=gettext_lazy("Participation per activity category"),
    section=SECTION,
    permission=PERMISSION,
    order=30,
)
def participation_per_category(request, period) -> statistics.Table:
    counts = {
        row["activity__category"]: row
        for row in _participations(request, period)
        .values("activity__category")
        .annotate(
            attended=Count("pk", filter=ATTENDED),
            missed=Count("pk", filter=MISSED),
            booked=Count("pk", filter=Q(status=R.CONFIRMED)),
            activities=Count("activity", distinct=True),
        )
        .order_by()
    }
    rows = []
    for value, label in Activity.Category.choices:
        row = counts.get(value, {})
        rows.append(
            [str(label), row.get("attended", 0), row.get("missed", 0), row.get("booked", 0), row.get("activities", 0)]
        )
    return statistics.Table(
        columns=[_("Category"), _("Took part"), _("Did not come"), _("Signed up, still to come"), _("Activities")],
        rows=rows,
        chart_series=3,
        total_row=[_("Total")] + [sum(r[i] for r in rows) for i in (1, 2, 3, 4)],
    )


@statistics.register(
    "participation-per-unit",
    title=gettext_lazy("Participation per department"),
    section=SECTION,
    permission=PERMISSION,
    order=31,
    description=gettext_lazy("Attendances by the unit the member belongs to."),
)
def participation_per_unit(request, period) -> statistics.Table:
    rows = (
        _participations(request, period)
        .filter(ATTENDED)
        .values("member__unit__name", "member__unit__path")
        .annotate(n=Count("pk"), people=Count("member", distinct=True))
        .order_by("member__unit__path")
    )
    table = [[row["member__unit__name"], row["n"], row["people"]] for row in rows]
    return statistics.Table(
        columns=[_("Unit"), _("Attendances"), _("Members who took part")],
        rows=table,
        chart_series=1,
        total_row=[_("Total"), sum(r[1] for r in table), sum(r[2] for r in table)],
    )


@statistics.register(
    "participation-per-gender",
    title=gettext_lazy("Participation by gender"),
    section=SECTION,
    permission=PERMISSION,
    order=32,
)
def participation_per_gender(request, period) -> statistics.Table:
    counts = {
        row["member__gender"]: row
        for row in _participations(request, period)
        .filter(ATTENDED)
        .values("member__gender")
        .annotate(n=Count("pk"), people=Count("member", distinct=True))
        .order_by()
    }
    rows = [
        [str(label), counts.get(value, {}).get("n", 0), counts.get(value, {}).get("people", 0)]
        for value, label in Member.Gender.choices
    ]
    return statistics.Table(
        columns=[_("Gender"), _("Attendances"), _("Members who took part")], rows=rows, chart_series=1
    )


@statistics.register(
    "participation-per-age-band",
    title=gettext_lazy("Participation by age"),
    section=SECTION,
    permission=PERMISSION,
    order=33,
)
def participation_per_age_band(request, period) -> statistics.Table:
    day = min(timezone.localdate(), period.end - timedelta(days=1))
    bands = count_by_age_band(_participations(request, period).filter(ATTENDED), day=day, field="member__date_of_birth")
    return statistics.Table(
        columns=[_("Age"), _("Attendances")],
        rows=[[str(label), n] for label, n in bands],
        note=_("Age on %(day)s.") % {"day": day.isoformat()},
    )


@statistics.register(
    "outreach",
    title=gettext_lazy("Members who took part in nothing for a year"),
    section=SECTION,
    permission="members.view_member",
    order=39,
    description=gettext_lazy(
        "Active members with no attended activity in the last twelve months: people to invite personally."
    ),
)
def outreach(request, period) -> statistics.Table:
    cutoff = timezone.now() - timedelta(days=OUTREACH_DAYS)
    members = (
        scope_queryset(Member.objects.filter(status=Member.Status.ACTIVE), request.user)
        .annotate(
            last=Max(
                "activity_registrations__activity__starts_at",
                filter=Q(activity_registrations__status=R.ATTENDED),
            )
        )
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .order_by("unit__path", "name", "pk")
        .values_list("name", "membership_number", "unit__name", "last")
    )
    limit = period.row_limit
    found = list(members if limit is None else members[: limit + 1])
    total = len(found) if limit is None or len(found) <= limit else members.count()
    rows = [
        [name, number or "", unit, timezone.localtime(last).date().isoformat() if last else _("never")]
        for name, number, unit, last in found[:limit]
    ]
    return statistics.Table(
        columns=[_("Name"), _("Membership number"), _("Unit"), _("Last took part")],
        rows=rows,
        chart="",
        row_count=total,
    )
