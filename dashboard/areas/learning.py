"""Learning on the dashboard and in the statistics: reported posts to review,
who started and finished courses per unit, the questions most often missed,
and the members who opened nothing in the library this year."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learning.models import Course, Enrolment, Material, MaterialOpen, Post
from learning.selectors import missed_questions
from members.models import Member, OrgUnit
from members.scoping import scope_queryset

from .. import cache, panels, statistics
from ..panels import Figure, Panel, changelist_url
from ..selectors import unit_labels

SECTION = gettext_lazy("Learning")
PERMISSION = "learning.view_enrolment"
MISSED_ROWS = 10


def learning_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm("learning.view_post"):
        return None
    year_start = statistics.Period(year=timezone.localdate().year).start_at
    posts = scope_queryset(Post.objects.all(), user).aggregate(
        reported=Count("pk", filter=Q(state=Post.State.REPORTED))
    )
    done = scope_queryset(Enrolment.objects.all(), user, "member__unit").aggregate(
        started=Count("pk", filter=Q(started_at__gte=year_start)),
        finished=Count("pk", filter=Q(completed_at__gte=year_start)),
    )
    return Panel(
        title=_("Learning"),
        figures=[
            Figure(
                _("reported posts to review"),
                posts["reported"],
                changelist_url("learning", "post", state__exact=Post.State.REPORTED),
                alert=True,
            ),
            Figure(_("courses started this year"), done["started"], changelist_url("learning", "enrolment")),
            Figure(
                _("courses finished this year"),
                done["finished"],
                changelist_url("learning", "enrolment", completed_at__isempty="0"),
            ),
        ],
        order=45,
    )


panels.register("learning", learning_panel, area="learning")
cache.watch("learning", Material, MaterialOpen, Course, Enrolment, Post, Member, OrgUnit)


@statistics.register(
    "learning-per-unit",
    title=gettext_lazy("Courses started and finished per department"),
    section=SECTION,
    permission=PERMISSION,
    order=60,
    description=gettext_lazy("Members of each unit who started a course in the year, and who finished one."),
)
def learning_per_unit(request, period) -> statistics.Table:
    enrolments = scope_queryset(
        Enrolment.objects.filter(started_at__gte=period.start_at, started_at__lt=period.end_at),
        request.user,
        "member__unit",
    )
    counts = {
        row["member__unit_id"]: row
        for row in enrolments.values("member__unit_id")
        .annotate(
            started=Count("member", distinct=True),
            finished=Count("member", filter=Q(completed_at__isnull=False), distinct=True),
        )
        .order_by()
    }
    units = unit_labels(counts)
    rows = [
        [name, counts[pk]["started"], counts[pk]["finished"]]
        for pk, (_path, name) in sorted(units.items(), key=lambda item: item[1])
    ]
    return statistics.Table(
        columns=[_("Unit"), _("Started"), _("Finished")],
        rows=rows,
        total_row=[_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)],
    )


@statistics.register(
    "learning-missed-questions",
    title=gettext_lazy("Questions most often missed"),
    section=SECTION,
    permission=PERMISSION,
    order=61,
    description=gettext_lazy("First answers of the officer's members that were wrong: what to explain again."),
)
def learning_missed_questions(request, period) -> statistics.Table:
    members = scope_queryset(Member.objects.all(), request.user)
    questions = missed_questions(Course.objects.all(), members)[:MISSED_ROWS]
    return statistics.Table(
        columns=[_("Question"), _("Missed the first time"), _("Answered"), _("Course")],
        rows=[[q.text, q.missed, q.answered, q.step.course.title] for q in questions],
        chart_series=1,
    )


@statistics.register(
    "learning-outreach",
    title=gettext_lazy("Members who opened nothing in the library this year"),
    section=SECTION,
    permission="members.view_member",
    order=69,
    description=gettext_lazy("Active members who have not opened any learning material in the year: people to invite."),
)
def learning_outreach(request, period) -> statistics.Table:
    opened = MaterialOpen.objects.filter(member=OuterRef("pk"))
    members = scope_queryset(Member.objects.filter(status=Member.Status.ACTIVE), request.user).filter(
        ~Exists(opened.filter(last_opened_at__gte=period.start_at, last_opened_at__lt=period.end_at))
    )
    last = opened.order_by("-last_opened_at").values("last_opened_at")[:1]
    listed = (
        members.annotate(last=Subquery(last))
        .order_by("unit__path", "name", "pk")
        .values_list("name", "membership_number", "unit__name", "last")
    )
    limit = period.row_limit
    found = list(listed if limit is None else listed[: limit + 1])
    total = len(found) if limit is None or len(found) <= limit else members.count()
    rows = [
        [name, number or "", unit, timezone.localtime(last).date().isoformat() if last else _("never")]
        for name, number, unit, last in found[:limit]
    ]
    return statistics.Table(
        columns=[_("Name"), _("Membership number"), _("Unit"), _("Last opened")], rows=rows, chart="", row_count=total
    )
