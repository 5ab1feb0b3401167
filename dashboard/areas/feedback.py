"""Feedback on the dashboard and in the statistics."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.models import Feedback, FeedbackMessage
from members.models import OrgUnit
from members.scoping import scope_queryset

from .. import cache, cards, panels, statistics
from ..panels import Figure, Panel, changelist_url
from ..selectors import month_key

S = Feedback.State
SECTION = gettext_lazy("Feedback")


def feedback_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm("feedback.view_feedback"):
        return None
    counts = scope_queryset(Feedback.objects.all(), user).aggregate(
        new=Count("pk", filter=Q(state=S.RECEIVED)),
        replies=Count("pk", filter=Q(awaiting_answer=True)),
        considering=Count("pk", filter=Q(state=S.CONSIDERING)),
    )
    return Panel(
        title=_("Feedback"),
        figures=[
            Figure(
                _("new feedback"), counts["new"], changelist_url("feedback", "feedback", state__exact=S.RECEIVED), True
            ),
            Figure(
                _("new replies from authors"),
                counts["replies"],
                changelist_url("feedback", "feedback", awaiting_answer__exact=1),
                alert=True,
            ),
            Figure(
                _("under consideration"),
                counts["considering"],
                changelist_url("feedback", "feedback", state__exact=S.CONSIDERING),
            ),
        ],
        order=40,
    )


panels.register("feedback", feedback_panel, area="feedback")
# A reply from the author marks the item with an UPDATE; the reply itself is saved.
cache.watch("feedback", Feedback, FeedbackMessage, OrgUnit)


def _feedback_of_year(request, period):
    return scope_queryset(
        Feedback.objects.filter(submitted_on__gte=period.start, submitted_on__lt=period.end), request.user
    )


@statistics.register(
    "feedback-per-category",
    title=gettext_lazy("Feedback per category"),
    section=SECTION,
    permission="feedback.view_feedback",
    order=40,
)
def feedback_per_category(request, period) -> statistics.Table:
    decided = [S.ADOPTED, S.NOT_ADOPTED, S.ANSWERED]
    counts = {
        row["category"]: row
        for row in _feedback_of_year(request, period)
        .values("category")
        .annotate(
            open=Count("pk", filter=~Q(state__in=decided)),
            answered=Count("pk", filter=Q(state__in=decided)),
            adopted=Count("pk", filter=Q(state=S.ADOPTED)),
        )
        .order_by()
    }
    rows = [
        [str(label), counts.get(value, {}).get("open", 0), counts.get(value, {}).get("answered", 0)]
        for value, label in Feedback.Category.choices
    ]
    adopted = sum(row.get("adopted", 0) for row in counts.values())
    return statistics.Table(
        columns=[_("Category"), _("Waiting for an answer"), _("Answered")],
        rows=rows,
        total_row=[_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)],
        note=_("%(n)d suggestions were adopted this year.") % {"n": adopted},
    )


@statistics.register(
    "feedback-per-month",
    title=gettext_lazy("Feedback received per month"),
    section=SECTION,
    permission="feedback.view_feedback",
    order=41,
)
def feedback_per_month(request, period) -> statistics.Table:
    by_month = {
        month_key(row["month"]): row["n"]
        for row in _feedback_of_year(request, period)
        .annotate(month=TruncMonth("submitted_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    }
    rows = [[month_key(m), by_month.get(month_key(m), 0)] for m in period.months]
    return statistics.Table(columns=[_("Month"), _("Items")], rows=rows, chart="columns")


@cards.register("feedback", permission="feedback.view_feedback", order=50)
def feedback_card(request, scope: cards.Scope) -> cards.Card:
    decided = [S.ADOPTED, S.NOT_ADOPTED, S.ANSWERED]
    counts = scope_queryset(
        Feedback.objects.filter(scope.within("unit"), submitted_on__gte=scope.start, submitted_on__lt=scope.end),
        request.user,
    ).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(state__in=decided)),
        adopted=Count("pk", filter=Q(state=S.ADOPTED)),
    )
    waiting = counts["total"] - counts["answered"]
    return cards.Card(
        title=_("Feedback answered"),
        figures=[
            (_("feedback received"), counts["total"]),
            (_("answered"), cards.share(counts["answered"], counts["total"])),
            (_("suggestions adopted"), counts["adopted"]),
        ],
        bars=cards.bars([(_("Answered"), counts["answered"]), (_("Waiting for an answer"), waiting)]),
        bars_title=_("Feedback received in the period"),
        csv_slug="feedback-per-category",
        list_url=scope.list_url("feedback", "feedback", "submitted_on"),
        list_label=_("This feedback"),
    )
