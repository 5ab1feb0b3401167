"""Workers' initiative on the dashboard and in the statistics: needs surveys and proposals."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.scoping import scope_queryset
from proposals.models import Proposal, ProposalSupport
from surveys.models import Survey, SurveyResponse

from .. import cache, panels, statistics
from ..panels import Figure, Panel, changelist_url

P = Proposal.State
SECTION = gettext_lazy("Workers' initiative")


def proposals_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm("proposals.view_proposal"):
        return None
    counts = scope_queryset(Proposal.objects.all(), user).aggregate(
        waiting=Count("pk", filter=Q(state=P.OPEN, threshold_reached_at__isnull=False)),
        collecting=Count("pk", filter=Q(state=P.OPEN, threshold_reached_at__isnull=True)),
    )
    return Panel(
        title=_("Proposals from workers"),
        figures=[
            Figure(
                _("past the threshold, to decide"),
                counts["waiting"],
                changelist_url("proposals", "proposal", state__exact=P.OPEN, past="yes"),
                alert=True,
            ),
            Figure(
                _("collecting co-signers"),
                counts["collecting"],
                changelist_url("proposals", "proposal", state__exact=P.OPEN, past="no"),
            ),
        ],
        order=45,
    )


def surveys_panel(request) -> Panel | None:
    user = request.user
    if not user.has_perm("surveys.view_survey"):
        return None
    counts = scope_queryset(Survey.objects.all(), user).aggregate(
        open=Count("pk", filter=Q(status=Survey.Status.OPEN)),
        drafts=Count("pk", filter=Q(status=Survey.Status.DRAFT)),
    )
    return Panel(
        title=_("Needs surveys"),
        figures=[
            Figure(_("open for answers"), counts["open"], changelist_url("surveys", "survey", status__exact="open")),
            Figure(_("being written"), counts["drafts"], changelist_url("surveys", "survey", status__exact="draft")),
        ],
        order=46,
    )


panels.register("proposals", proposals_panel, area="initiative")
panels.register("surveys", surveys_panel, area="initiative")
# Co-signing counts up with an UPDATE; the co-signature itself is saved.
cache.watch("initiative", Proposal, ProposalSupport, Survey, SurveyResponse)


@statistics.register(
    "proposals-per-state",
    title=gettext_lazy("Activity proposals of the year"),
    section=SECTION,
    permission="proposals.view_proposal",
    order=45,
)
def proposals_per_state(request, period) -> statistics.Table:
    proposals = scope_queryset(
        Proposal.objects.filter(created_at__date__gte=period.start, created_at__date__lt=period.end), request.user
    )
    counts = dict(proposals.values("state").annotate(n=Count("pk")).order_by().values_list("state", "n"))
    rows = [[str(label), counts.get(value, 0)] for value, label in P.choices]
    return statistics.Table(
        columns=[_("State"), _("Proposals")], rows=rows, total_row=[_("Total"), sum(r[1] for r in rows)]
    )
