"""Activities on the dashboard and in the statistics: what is coming and how
full it is, who takes part, and the members the union no longer reaches."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Activity, Registration
from activities.selectors import quiet_members
from learning.models import MaterialOpen
from members.models import Member, OrgUnit
from members.scoping import scope_queryset

from .. import cache, cards, panels, statistics
from ..panels import Figure, Panel, changelist_url
from ..selectors import AGE_BANDS, age_band_case, sum_cells, unit_labels

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
    # The next few chosen first (an index walk), then counted: not a count for every upcoming activity.
    upcoming = activities.filter(status=A.PUBLISHED, ends_at__gt=now).order_by("starts_at", "pk")
    for activity in (
        Activity.objects.filter(pk__in=upcoming.values("pk")[:UPCOMING_ROWS]).with_counts().order_by("starts_at", "pk")
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


panels.register("activities", activities_panel, area="activities")
# Members too: participation is counted by the member's unit, gender and age.
cache.watch("activities", Activity, Registration, Member, OrgUnit)


def _participations(request, period):
    """Registrations of the officer's activities that started in the year."""
    return scope_queryset(
        Registration.objects.filter(activity__starts_at__gte=period.start_at, activity__starts_at__lt=period.end_at),
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
    # Registrations counted per activity and status (a plain grouping: no distinct count to
    # sort for), then added up per category here.
    statuses: dict[str, Counter] = defaultdict(Counter)
    activities: dict[str, set] = defaultdict(set)
    for row in (
        _participations(request, period)
        .values("activity_id", "activity__category", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        statuses[row["activity__category"]][row["status"]] += row["n"]
        activities[row["activity__category"]].add(row["activity_id"])
    rows = []
    for value, label in Activity.Category.choices:
        counts = statuses[value]
        rows.append([str(label), counts[R.ATTENDED], counts[R.NO_SHOW], counts[R.CONFIRMED], len(activities[value])])
    return statistics.Table(
        columns=[_("Category"), _("Took part"), _("Did not come"), _("Signed up, still to come"), _("Activities")],
        rows=rows,
        chart_series=3,
        total_row=[_("Total")] + [sum(r[i] for r in rows) for i in (1, 2, 3, 4)],
    )


def _age_day(period) -> date:
    return min(timezone.localdate(), period.end - timedelta(days=1))


def _attendance_cells(request, period) -> list[dict]:
    """Attendances of the year per member's unit, gender and age band, with how many
    people made them: one query for three tables. A member falls in exactly one cell,
    so the people of the cells add up to the people of a unit, a gender or a band."""

    def compute():
        return list(
            _participations(request, period)
            .filter(ATTENDED)
            .values(
                "member__unit_id",
                "member__gender",
                band=age_band_case(day=_age_day(period), field="member__date_of_birth"),
            )
            .annotate(n=Count("pk"), people=Count("member", distinct=True))
            .order_by()
        )

    return statistics.shared(request, ("attendance-cells", period.year), compute)


@statistics.register(
    "participation-per-unit",
    title=gettext_lazy("Participation per department"),
    section=SECTION,
    permission=PERMISSION,
    order=31,
    description=gettext_lazy("Attendances by the unit the member belongs to."),
)
def participation_per_unit(request, period) -> statistics.Table:
    per_unit = sum_cells(_attendance_cells(request, period), lambda c: c["member__unit_id"], "n", "people")
    units = unit_labels(per_unit)
    table = [
        [name, per_unit[pk]["n"], per_unit[pk]["people"]]
        for pk, (_path, name) in sorted(units.items(), key=lambda item: item[1])
    ]
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
    counts = sum_cells(_attendance_cells(request, period), lambda c: c["member__gender"], "n", "people")
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
    day = _age_day(period)
    counts = sum_cells(_attendance_cells(request, period), lambda c: c["band"], "n")
    return statistics.Table(
        columns=[_("Age"), _("Attendances")],
        rows=[[str(label), counts.get(i, {}).get("n", 0)] for i, (label, _low, _high) in enumerate(AGE_BANDS)],
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
    link=("dashboard:outreach", gettext_lazy("Follow these members up: contacted, a care visit, an invitation")),
)
def outreach(request, period) -> statistics.Table:
    cutoff = timezone.now() - timedelta(days=OUTREACH_DAYS)
    members = quiet_members(request.user, since=cutoff)
    # Whether they still read the library: someone to invite to a learning session, or to visit.
    read = MaterialOpen.objects.filter(member=OuterRef("pk"), last_opened_at__gte=cutoff)
    listed = (
        members.annotate(read=Exists(read))
        .order_by("unit__path", "name", "pk")
        .values_list("name", "membership_number", "unit__name", "last_took_part", "read")
    )
    limit = period.row_limit
    found = list(listed if limit is None else listed[: limit + 1])
    total = len(found) if limit is None or len(found) <= limit else members.count()
    rows = [
        [
            name,
            number or "",
            unit,
            timezone.localtime(last).date().isoformat() if last else _("never"),
            _("yes") if read else _("opened nothing in twelve months"),
        ]
        for name, number, unit, last, read in found[:limit]
    ]
    return statistics.Table(
        columns=[_("Name"), _("Membership number"), _("Unit"), _("Last took part"), _("Read in the library")],
        rows=rows,
        chart="",
        row_count=total,
    )


@cards.register("activities", permission=PERMISSION, order=20)
def activities_card(request, scope: cards.Scope) -> cards.Card:
    counts = scope_queryset(
        Registration.objects.filter(scope.within("activity__unit"), **scope.between("activity__starts_at")),
        request.user,
        "activity__unit",
    ).aggregate(
        activities=Count("activity", distinct=True),
        attended=Count("pk", filter=ATTENDED),
        missed=Count("pk", filter=MISSED),
        coming=Count("pk", filter=Q(status=R.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=R.WAITING)),
    )
    return cards.Card(
        title=_("Activity participation"),
        figures=[
            (_("activities with sign-ups"), counts["activities"]),
            (_("attendances"), counts["attended"]),
            (_("came of those expected"), cards.share(counts["attended"], counts["attended"] + counts["missed"])),
        ],
        bars=cards.bars(
            [
                (_("Took part"), counts["attended"]),
                (_("Did not come"), counts["missed"]),
                (_("Signed up, still to come"), counts["coming"]),
                (_("On the waiting list"), counts["waiting"]),
            ]
        ),
        bars_title=_("Sign-ups of activities starting in the period"),
        csv_slug="participation-per-category",
        list_url=scope.list_url("activities", "registration", "activity__starts_at"),
        list_label=_("These sign-ups"),
    )
