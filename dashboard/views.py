"""The statistics page of the dashboard (inside the admin, for officers)."""

import csv
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import services as activity_services
from activities.selectors import activities_to_invite_to, quiet_members
from care import services as care_services
from lib.errors import error_text
from members import services as member_services
from members.models import Member, OutreachContact
from members.scoping import scope_queryset
from members.selectors import last_outreach_contacts, outreach_contacts_of

from . import cards, statistics
from .areas.activities import OUTREACH_DAYS
from .forms import CareVisitForm, ContactForm, InviteForm

# Rows of a long list shown on the page (its CSV has them all).
PAGE_ROWS = 50


def _check(request: HttpRequest) -> None:
    if not request.user.has_perm("dashboard.view_statistics"):
        raise PermissionDenied


def statistics_page(request: HttpRequest) -> HttpResponse:
    _check(request)
    period = statistics.Period.from_request(request, row_limit=PAGE_ROWS)
    page = statistics.page_for(request, period, recount=request.GET.get("recount") == "1")
    this_year = timezone.localdate().year
    units = list(cards.units_for(request.user))
    scope, scope_error = cards.scope_from_request(request, units)
    return TemplateResponse(
        request,
        "dashboard/statistics.html",
        {
            **admin.site.each_context(request),
            "title": _("Statistics"),
            "period": period,
            "years": list(range(this_year, this_year - 6, -1)),
            "months": range(1, 13),
            "units": units,
            "scope": scope,
            "scope_error": scope_error,
            "cards": cards.cards_counted(request, scope, recount=request.GET.get("recount") == "1").value,
            "sections": page.sections,
            "counted_at": page.counted_at,
            "from_cache": page.from_cache,
            "cache_minutes": max(1, statistics.cache_seconds() // 60),
            "cache_seconds": statistics.cache_seconds(),
            # The charts and tables drawn from cached tables are cached too (drawing them costs
            # more than reading them: a bar and a row for each of hundreds of units).
            "drawing_key": page.drawing_key,
        },
    )


def statistics_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _check(request)
    statistic = statistics.get(request, slug)
    if statistic is None:
        raise Http404
    period = statistics.Period.from_request(request)
    table = statistic.compute(request, period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{period.year}.csv"'
    # A byte-order mark, so Excel opens the Chinese text as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    if table.total_row:
        writer.writerow([_csv_value(v) for v in table.total_row])
    return response


def statistics_card_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One card's figures for the year, month and unit picked on the page (the card's CSV)."""
    _check(request)
    scope, _error = cards.scope_from_request(request, list(cards.units_for(request.user)))
    card = cards.card_for(request, slug, scope)
    if card is None:
        raise Http404
    name = (
        f"{slug}-{scope.year}"
        + (f"-{scope.month:02d}" if scope.month else "")
        + (f"-{scope.unit.pk}" if scope.unit else "")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # Excel reads the Chinese as UTF-8
    writer = csv.writer(response)
    for row in cards.card_rows(card):
        writer.writerow([_csv_value(v) for v in row])
    return response


def _csv_value(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        text = "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- The outreach list: members who took part in nothing for a year, and their follow-up ----

OUTREACH_ROWS = 50


def _check_outreach(request: HttpRequest) -> None:
    if not (request.user.has_perm("dashboard.view_statistics") and request.user.has_perm("members.view_member")):
        raise PermissionDenied


def _since():
    return timezone.now() - timedelta(days=OUTREACH_DAYS)


def outreach_list(request: HttpRequest) -> HttpResponse:
    _check_outreach(request)
    members = quiet_members(request.user, since=_since()).select_related("unit").order_by("unit__path", "name", "pk")
    page = Paginator(members, OUTREACH_ROWS).get_page(request.GET.get("page"))
    contacts = last_outreach_contacts(m.pk for m in page.object_list)
    return TemplateResponse(
        request,
        "dashboard/outreach.html",
        {
            **admin.site.each_context(request),
            "title": _("Members who took part in nothing for a year"),
            "page": page,
            "rows": [(m, contacts.get(m.pk)) for m in page.object_list],
        },
    )


def outreach_member(request: HttpRequest, pk: int) -> HttpResponse:
    """One quiet member's follow-up: mark contacted (a note), open a care visit, or invite."""
    _check_outreach(request)
    user = request.user
    member = get_object_or_404(
        scope_queryset(Member.objects.filter(status=Member.Status.ACTIVE), user).select_related("unit"), pk=pk
    )
    may_care = user.has_perm("care.add_carecase")
    may_invite = user.has_perm("activities.change_activity")
    action = request.POST.get("action") if request.method == "POST" else None
    contact_form = ContactForm(request.POST if action == "contacted" else None, prefix="contact")
    care_form = CareVisitForm(request.POST if action == "care" else None, prefix="care")
    invite_form = InviteForm(request.POST if action == "invite" else None, activities=activities_to_invite_to(user))
    bound = {"contacted": contact_form, "care": care_form, "invite": invite_form}.get(action)
    if bound is not None and bound.is_valid():
        try:
            done = _follow_up(action, member=member, by=user, data=bound.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            bound.add_error(None, error_text(exc))
        else:
            messages.success(request, done)
            return redirect(reverse("dashboard:outreach"))
    return TemplateResponse(
        request,
        "dashboard/outreach_member.html",
        {
            **admin.site.each_context(request),
            "title": _("Follow up %(name)s") % {"name": member.name},
            "member": member,
            "contacts": outreach_contacts_of(member),
            "contact_form": contact_form,
            "care_form": care_form if may_care else None,
            "invite_form": invite_form if may_invite else None,
        },
    )


@transaction.atomic
def _follow_up(action: str, *, member, by, data) -> str:
    """Each follow-up through the service of the area that owns it, then recorded on the member."""
    Outcome = OutreachContact.Outcome
    if action == "contacted":
        member_services.outreach_contact_record(member=member, by=by, note=data["note"])
        return _("%(name)s: the contact is recorded.") % {"name": member.name}
    if action == "care":
        case = care_services.case_open(member=member, kind=data["kind"], by=by, reason=data["reason"])
        member_services.outreach_contact_record(
            member=member, by=by, outcome=Outcome.CARE_VISIT, note=data["reason"], detail=str(case)
        )
        return _("%(name)s: a care visit is opened, due by %(day)s.") % {"name": member.name, "day": case.due_on}
    activity = data["activity"]
    activity_services.activity_invite(activity=activity, member=member, by=by, note=data["note"])
    member_services.outreach_contact_record(
        member=member, by=by, outcome=Outcome.INVITED, note=data["note"], detail=activity.title
    )
    return _("%(name)s is invited to “%(title)s”.") % {"name": member.name, "title": activity.title}
