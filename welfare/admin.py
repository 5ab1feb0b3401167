"""The officers' triage of welfare and rights requests.

Every queryset of this admin — changelist, counts, search, export, actions,
change page, history — comes from ``selectors.requests_visible_to`` (on top of
the foundation's unit scoping), so an officer never learns that a request
outside their reach exists: they get 404. Every change goes through
``welfare.services``.
"""

import copy
import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ExportMixin

from lib.errors import error_text
from lib.history import HistoryAdmin
from members.changelists import LargeChangelistMixin
from members.models import Member, User
from members.scoping import UnitScopedAdminMixin, UnitTreeFilter, scope_queryset
from members.search import IndexedSearchMixin

from . import selectors, services
from .forms import CaseForm, DecisionForm, MessageForm, MoveForm, OnBehalfForm, TriageForm
from .models import APPROVE_OVER_THRESHOLD, BenefitScheme, Budget, CannedReply, RequestType, WelfareRequest

S = WelfareRequest.State
REFERENCE = re.compile(r"WF-\d{4}-\d{6,}")

# What the officer's buttons say for each move.
MOVE_LABELS = {
    S.IN_REVIEW: _("Start the review"),
    S.NEEDS_INFO: _("Ask the worker for information…"),
    S.APPROVED: _("Approve…"),
    S.AWAITING_CHAIR: _("Refer to the chair…"),
    S.PAID: _("Record the payment…"),
    S.CLOSED: _("Close…"),
    S.REJECTED: _("Reject…"),
    S.WITHDRAWN: _("Record a withdrawal…"),
}


def _move_label(obj: WelfareRequest, to: str):
    if to == S.IN_REVIEW and obj.state != S.SUBMITTED:
        return _("Back to review…")
    return MOVE_LABELS[to]


def _yuan(amount) -> str:
    return "—" if amount is None else f"¥{amount}"


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned officer")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("assigned to me")), ("nobody", _("unassigned")), ("others", _("assigned to others"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        if self.value() == "others":
            return queryset.filter(assigned_to__isnull=False).exclude(assigned_to=request.user)
        return queryset


class RequestTypeFilter(admin.SimpleListFilter):
    """Like a related-field filter, but its choices come from the cache: no query per page view."""

    title = _("request type")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [(str(pk), label) for pk, label in selectors.request_type_choices()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(request_type_id=int(value))
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue")), ("no", _("on time"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(WelfareRequest.overdue_q())
        if self.value() == "no":
            return queryset.exclude(WelfareRequest.overdue_q())
        return queryset


class WelfareRequestResource(resources.ModelResource):
    """The export: the case list without descriptions or messages, which stay in the portal."""

    reference = fields.Field(attribute="reference", column_name=_("reference"))
    worker = fields.Field(attribute="member__name", column_name=_("worker"))
    unit = fields.Field(attribute="member__unit__name", column_name=_("organisational unit"))
    type = fields.Field(attribute="request_type__name", column_name=_("request type"))
    state_label = fields.Field(column_name=_("state"))
    priority = fields.Field(column_name=_("priority"))
    sensitivity = fields.Field(column_name=_("sensitivity"))
    assigned = fields.Field(column_name=_("assigned officer"))
    submitted_at = fields.Field(
        attribute="submitted_at", column_name=_("submitted at"), widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )
    first_response_due = fields.Field(
        attribute="first_response_due", column_name=_("first response due"), widget=widgets.DateWidget("%Y-%m-%d")
    )
    decision_due = fields.Field(
        attribute="decision_due", column_name=_("decision due"), widget=widgets.DateWidget("%Y-%m-%d")
    )
    amount_requested = fields.Field(
        attribute="amount_requested", column_name=_("amount asked"), widget=widgets.DecimalWidget()
    )
    granted_amount = fields.Field(
        attribute="granted_amount", column_name=_("amount granted"), widget=widgets.DecimalWidget()
    )
    decided_at = fields.Field(
        attribute="decided_at", column_name=_("decided at"), widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )

    class Meta:
        model = WelfareRequest
        fields = [
            "reference",
            "worker",
            "unit",
            "type",
            "state_label",
            "priority",
            "sensitivity",
            "assigned",
            "submitted_at",
            "first_response_due",
            "decision_due",
            "amount_requested",
            "granted_amount",
            "decided_at",
        ]
        export_order = fields

    def dehydrate_state_label(self, obj):
        return str(obj.get_state_display())

    def dehydrate_priority(self, obj):
        return str(obj.get_priority_display())

    def dehydrate_sensitivity(self, obj):
        return str(obj.get_sensitivity_display())

    def dehydrate_assigned(self, obj):
        return str(obj.assigned_to) if obj.assigned_to_id else ""


@admin.register(WelfareRequest)
class WelfareRequestAdmin(UnitScopedAdminMixin, LargeChangelistMixin, IndexedSearchMixin, ExportMixin, HistoryAdmin):
    unit_field = "member__unit"
    resource_classes = [WelfareRequestResource]
    list_display = [
        "reference",
        "worker",
        "request_type",
        "state_badge",
        "priority",
        "confidential",
        "assignee",
        "due",
        "unit",
        "submitted_at",
    ]
    list_display_links = ["reference"]
    list_filter = ["state", RequestTypeFilter, "priority", AssignedFilter, OverdueFilter, "sensitivity", UnitTreeFilter]
    list_select_related = ["member__unit", "request_type", "assigned_to"]
    # The columns the rows read (LargeChangelistMixin): not the descriptions, decisions, accounts.
    list_only = [
        "reference",
        "state",
        "priority",
        "sensitivity",
        "submitted_at",
        "first_response_due",
        "first_response_at",
        "decision_due",
        "clock_paused_at",
        "member__name",
        "member__unit__name",
        "request_type__name",
        "request_type__name_en",
        "assigned_to__display_name",
        "assigned_to__email",
    ]
    search_fields = ["^reference", "member__name"]
    search_help_text = _("Reference (WF-2026-000123) or the worker's name")
    date_hierarchy = "submitted_at"
    ordering = ["-priority", "-submitted_at", "-id"]
    autocomplete_fields = ["member"]
    actions = ["assign_to_me", "start_review", "mark_paid", "close_selected"]
    form = TriageForm
    change_form_template = "admin/welfare/welfarerequest/change_form.html"
    change_list_template = "admin/welfare/welfarerequest/change_list.html"  # the date drill-down without queries
    readonly_fields = [
        "reference",
        "worker_details",
        "request_type",
        "state_badge",
        "description",
        "amount_requested",
        "submitted_at",
        "first_response_due",
        "decision_due",
        "clock_paused_at",
        "paused_days",
        "first_response_at",
        "filing",
        "granted_amount",
        "decision_reason",
        "decided_by",
        "decided_at",
        "grant_overview",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "worker_details",
                    "request_type",
                    "state_badge",
                    "priority",
                    "sensitivity",
                    "assigned_to",
                )
            },
        ),
        (
            _("The request"),
            {
                "fields": (
                    "description",
                    "amount_requested",
                    "submitted_at",
                    "first_response_due",
                    "decision_due",
                    "clock_paused_at",
                    "paused_days",
                    "first_response_at",
                    "filing",
                )
            },
        ),
        (
            _("Decision"),
            {"fields": ("granted_amount", "decision_reason", "decided_by", "decided_at", "grant_overview")},
        ),
    )

    class Media:
        css = {"all": ["welfare/admin.css"]}
        js = ["welfare/admin.js"]

    # --- What the officer may see: THE visibility rule --------------------------

    def get_queryset(self, request):
        return selectors.requests_visible_to(request.user, super().get_queryset(request), side="officer")

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # not "perhaps it was deleted": nobody learns that it exists
        return obj

    def get_search_results(self, request, queryset, search_term):
        # A full reference is unique: one index lookup instead of a LIKE over every row.
        term = search_term.strip().upper()
        if REFERENCE.fullmatch(term):
            return queryset.filter(reference=term), False
        return super().get_search_results(request, queryset, search_term)

    def has_export_permission(self, request):
        return request.user.has_perm("welfare.view_welfarerequest")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # --- Changelist columns ----------------------------------------------------

    @admin.display(description=_("worker"), ordering="member__name")
    def worker(self, obj):
        return obj.member.name

    @admin.display(description=_("organisational unit"))
    def unit(self, obj):
        return obj.member.unit.name

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj):
        # The enum's label, not get_state_display(): Django's builds a dict of every state's
        # (lazily translated) label on each call, ten times the cost, fifty times a page.
        label = WelfareRequest.State(obj.state).label
        return format_html('<span class="wf-state wf-state-{}">{}</span>', obj.state, label)

    @admin.display(description=_("sensitivity"), ordering="sensitivity")
    def confidential(self, obj):
        if obj.is_confidential:
            return format_html('<strong class="wf-confidential">{}</strong>', obj.get_sensitivity_display())
        return ""

    @admin.display(description=_("assigned officer"), ordering="assigned_to__display_name")
    def assignee(self, obj):
        if obj.assigned_to_id is None:
            if obj.state in WelfareRequest.FINISHED_STATES:
                return "—"
            return format_html('<strong class="wf-unassigned">{}</strong>', gettext("unassigned"))
        return str(obj.assigned_to)

    @admin.display(description=_("decision due"), ordering="decision_due")
    def due(self, obj):
        if obj.is_overdue():
            return format_html(
                '<strong class="wf-overdue">{} · {}</strong>', obj.decision_due.isoformat(), gettext("overdue")
            )
        if obj.is_clock_paused:
            return format_html(
                "{} · {}",
                obj.decision_due.isoformat(),
                gettext("paused, %(days)d days left") % {"days": obj.days_left_when_resumed},
            )
        return obj.decision_due.isoformat() if obj.is_open else "—"

    # --- Change page read-only fields --------------------------------------------

    @admin.display(description=_("worker"))
    def worker_details(self, obj):
        member = obj.member
        return format_html(
            "{} · {} · {}{}",
            member.name,
            member.unit.name,
            member.get_status_display(),
            f" · {member.phone}" if member.phone else "",
        )

    @admin.display(description=_("filed"))
    def filing(self, obj):
        if obj.on_behalf:
            return format_html(
                "{}<br>{}", gettext("By %(officer)s for the worker.") % {"officer": obj.filed_by}, obj.consent_note
            )
        return gettext("By the worker.")

    @admin.display(description=_("yearly cap and grants"))
    def grant_overview(self, obj):
        summary = selectors.grant_summary(obj)
        return _grant_summary_html(summary)

    # --- Forms -------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change, **kwargs)
        assignable = selectors.officers_for(obj) if obj is not None else User.objects.none()
        user = request.user

        class Form(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, assignable=assignable, **kw)

            def clean_sensitivity(self):
                value = self.cleaned_data["sensitivity"]
                services.sensitivity_change_check(request=self.instance, by=user, sensitivity=value)
                return value

        return Form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state in WelfareRequest.FINISHED_STATES:
            fields.append("assigned_to")  # a finished request needs no officer
        return fields

    def save_model(self, request, obj, form, change):
        # The form only edits triage fields; the services do the writing (and the checks).
        data = form.cleaned_data
        try:
            if "assigned_to" in form.changed_data:
                services.request_assign(request=obj, officer=data["assigned_to"], by=request.user)
            if {"priority", "sensitivity"} & set(form.changed_data):
                services.request_triage(
                    request=obj, by=request.user, priority=data.get("priority"), sensitivity=data.get("sensitivity")
                )
        except ValidationError as exc:
            # Only a change made by someone else meanwhile gets here; the form checked the rest.
            self.message_user(request, error_text(exc), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # nothing related is edited on this page

    # --- Pages of their own: filing on behalf, moves, messages -------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/move/<str:to>/", wrap(self.move_view), name="welfare_welfarerequest_move"),
            path("<int:pk>/message/", wrap(self.message_view), name="welfare_welfarerequest_message"),
            path("<int:pk>/assign-me/", wrap(self.assign_me_view), name="welfare_welfarerequest_assign_me"),
            path("<int:pk>/act/", wrap(self.act_view), name="welfare_welfarerequest_act"),
            path("queue/", wrap(self.queue_view), name="welfare_welfarerequest_queue"),
        ] + super().get_urls()

    def _change_url(self, obj) -> str:
        return reverse("admin:welfare_welfarerequest_change", args=[obj.pk])

    def _context(self, request, obj=None, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "media": self.media,
            **extra,
        }

    def add_view(self, request, form_url="", extra_context=None):
        """File a request for a worker who is not online (with their recorded consent)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        members = scope_queryset(Member.objects.select_related("unit"), request.user, "unit")
        widget = AutocompleteSelect(WelfareRequest._meta.get_field("member"), self.admin_site)
        form = OnBehalfForm(request.POST or None, request.FILES or None, members=members, member_widget=widget)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = services.request_submit(
                    member=data["member"],
                    request_type=data["request_type"],
                    description=data["description"],
                    amount_requested=data.get("amount_requested"),
                    sensitivity=data["sensitivity"],
                    priority=data["priority"],
                    consent_note=data["consent_note"],
                    files=data["attachments"],
                    by=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                self.log_addition(request, created, [{"added": {}}])
                self.message_user(
                    request,
                    gettext("Request %(reference)s filed.") % {"reference": created.reference},
                    messages.SUCCESS,
                )
                return redirect(self._change_url(created))
        context = self._context(
            request, form=form, title=_("File a request for a worker"), media=self.media + form.media
        )
        return TemplateResponse(request, "admin/welfare/welfarerequest/add.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        may_change = self.has_change_permission(request, obj)
        context = {
            "timeline": selectors.request_timeline(obj, include_internal=True),
            "request_files": selectors.request_files(obj),
            "moves": [(to, _move_label(obj, to)) for to in services.moves_for(request=obj, user=request.user)]
            if may_change
            else [],
            "may_change": may_change,
            "may_assign_self": may_change
            and obj.assigned_to_id != request.user.pk
            and obj.state not in WelfareRequest.FINISHED_STATES,
            "message_form": MessageForm(),
            "grant_summary_html": _grant_summary_html(selectors.grant_summary(obj)),
            "earlier_requests": obj.member.welfare_requests.exclude(pk=obj.pk).count(),
            **(extra_context or {}),
        }
        if may_change and "case_form" not in context:
            context["case_form"] = self._case_form(request, obj)
        return super().change_view(request, object_id, form_url, context)

    def _case_form(self, request, obj, data=None, files=None) -> CaseForm:
        moves = [(to, _move_label(obj, to).rstrip("…")) for to in services.moves_for(request=obj, user=request.user)]
        return CaseForm(
            data,
            files,
            moves=moves,
            assignable=selectors.officers_for(obj),
            canned_replies=selectors.canned_replies(),
            initial={"assigned_to": obj.assigned_to_id},
        )

    def act_view(self, request, pk):
        """The case page's one form: reply or note, reassign and move in one step."""
        obj = self.get_object(request, str(pk))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.method != "POST":
            return redirect(self._change_url(obj))
        form = self._case_form(request, obj, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            officer = data["assigned_to"]
            try:
                moved = services.case_act(
                    request=obj,
                    by=request.user,
                    body=data["body"],
                    internal=data["internal"],
                    to=data["to"],
                    granted_amount=data["granted_amount"],
                    assign=officer if officer is not None and officer.pk != obj.assigned_to_id else None,
                    unassign=officer is None and obj.assigned_to_id is not None,
                    files=data["attachments"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                if data["to"] == S.APPROVED and moved.state == S.AWAITING_CHAIR:
                    text = gettext(
                        "¥%(amount)s is above the chair's threshold: request %(reference)s now waits for the "
                        "chair's approval."
                    ) % {"amount": moved.granted_amount, "reference": moved.reference}
                else:
                    text = gettext("Request %(reference)s saved: %(state)s.") % {
                        "reference": moved.reference,
                        "state": moved.get_state_display(),
                    }
                self.message_user(request, text, messages.SUCCESS)
                return redirect(self._change_url(obj) + "#case")
        # Show the case page again with the officer's text and the reason it was refused.
        page_request = copy.copy(request)
        page_request.method, page_request.POST = "GET", QueryDict()
        response = self.change_view(page_request, str(pk), extra_context={"case_form": form})
        response.status_code = 400
        return response

    def queue_view(self, request):
        """My queue: the officer's open cases, overdue first, and the unassigned ones beside."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        queue = selectors.officer_queue(request.user)
        context = self._context(request, title=_("My queue"), queue=queue, today=timezone.localdate(), media=self.media)
        return TemplateResponse(request, "admin/welfare/welfarerequest/queue.html", context)

    def move_view(self, request, pk, to):
        obj = self.get_object(request, str(pk))
        if to not in S.values:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        deciding = to in (S.APPROVED, S.AWAITING_CHAIR)
        if deciding:
            proposed = obj.granted_amount if obj.state == S.AWAITING_CHAIR else obj.amount_requested
            form = DecisionForm(
                request.POST or None,
                to=to,
                initial={"granted_amount": proposed, "note": obj.decision_reason},
            )
        else:
            form = MoveForm(request.POST or None, to=to)
        if request.method == "POST" and form.is_valid():
            try:
                moved = services.request_transition(
                    request=obj,
                    to=to,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    granted_amount=form.cleaned_data.get("granted_amount"),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                if to == S.APPROVED and moved.state == S.AWAITING_CHAIR:
                    text = gettext(
                        "¥%(amount)s is above the chair's threshold: request %(reference)s now waits for the "
                        "chair's approval."
                    ) % {"amount": moved.granted_amount, "reference": moved.reference}
                else:
                    text = gettext("Request %(reference)s: %(state)s.") % {
                        "reference": moved.reference,
                        "state": moved.get_state_display(),
                    }
                self.message_user(request, text, messages.SUCCESS)
                return redirect(self._change_url(obj))
        context = self._context(
            request,
            obj,
            form=form,
            to=to,
            title=f"{obj.reference} · {_move_label(obj, to)}",
            move_label=_move_label(obj, to),
            summary_html=_grant_summary_html(selectors.grant_summary(obj)) if deciding else "",
            legal=to in services.moves_for(request=obj, user=request.user),
        )
        return TemplateResponse(request, "admin/welfare/welfarerequest/move.html", context)

    def message_view(self, request, pk):
        obj = self.get_object(request, str(pk))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = MessageForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                message = services.message_post(
                    request=obj,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    internal=form.cleaned_data["internal"],
                    files=form.cleaned_data["attachments"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                text = gettext("Internal note saved.") if message.internal else gettext("Message sent to the worker.")
                self.message_user(request, text, messages.SUCCESS)
                return redirect(self._change_url(obj) + "#timeline")
        title = gettext("%(reference)s · write") % {"reference": obj.reference}
        context = self._context(request, obj, form=form, title=title)
        return TemplateResponse(request, "admin/welfare/welfarerequest/message.html", context)

    def assign_me_view(self, request, pk):
        obj = self.get_object(request, str(pk))
        if request.method != "POST":
            return redirect(self._change_url(obj))
        try:
            services.request_assign(request=obj, officer=request.user, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
        else:
            self.message_user(
                request, gettext("Request %(reference)s is assigned to you.") % {"reference": obj.reference}
            )
        return redirect(self._change_url(obj))

    # --- History: only of what the officer may see, and never a revert ------------------

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        if request.method == "POST":
            raise PermissionDenied  # reverting would skip the state machine
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    # --- Bulk actions -------------------------------------------------------------

    def _report(self, request, done: int, errors: list[str], text: str) -> None:
        if done:
            self.message_user(request, text % {"n": done}, messages.SUCCESS)
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        done, errors = services.request_bulk_assign(requests=queryset, officer=request.user, by=request.user)
        self._report(
            request, done, errors, ngettext("%(n)d request assigned to you.", "%(n)d requests assigned to you.", done)
        )

    @admin.action(description=_("Start the review"), permissions=["change"])
    def start_review(self, request, queryset):
        done, errors = services.request_bulk_transition(requests=queryset, to=S.IN_REVIEW, by=request.user)
        self._report(request, done, errors, ngettext("%(n)d request in review.", "%(n)d requests in review.", done))

    @admin.action(description=_("Record the payment of the grants"), permissions=["change"])
    def mark_paid(self, request, queryset):
        done, errors = services.request_bulk_transition(requests=queryset, to=S.PAID, by=request.user)
        self._report(
            request, done, errors, ngettext("%(n)d grant recorded as paid.", "%(n)d grants recorded as paid.", done)
        )

    @admin.action(description=_("Close the requests"), permissions=["change"])
    def close_selected(self, request, queryset):
        done, errors = services.request_bulk_transition(requests=queryset, to=S.CLOSED, by=request.user)
        self._report(request, done, errors, ngettext("%(n)d request closed.", "%(n)d requests closed.", done))


def _grant_summary_html(summary: selectors.GrantSummary):
    if summary.scheme is None:
        return gettext("No benefit scheme for this type: every grant of money needs the chair's approval.")
    rows = [
        (gettext("standard amount"), _yuan(summary.standard_amount)),
        (gettext("yearly cap per member"), _yuan(summary.yearly_cap)),
        (gettext("already granted this year"), _yuan(summary.granted_this_year)),
        (gettext("waiting for the chair"), _yuan(summary.pending_with_chair)),
        (gettext("still possible this year"), _yuan(summary.remaining)),
        (gettext("chair's threshold"), _yuan(summary.chair_threshold)),
    ]
    return format_html('<dl class="wf-grant-summary">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))


class BenefitSchemeInline(admin.StackedInline):
    model = BenefitScheme
    extra = 0
    max_num = 1

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.has_perm(APPROVE_OVER_THRESHOLD) else ["chair_threshold"]


@admin.register(RequestType)
class RequestTypeAdmin(HistoryAdmin):
    """Types, service levels and guidance serve the whole installation (not one unit)."""

    list_display = ["name", "name_en", "category", "days_to_first_response", "days_to_decision", "active", "position"]
    list_editable = ["days_to_first_response", "days_to_decision"]
    list_filter = ["category", "active"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["category", "position", "id"]
    inlines = [BenefitSchemeInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "category"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(BenefitScheme)
class BenefitSchemeAdmin(HistoryAdmin):
    list_display = ["request_type", "standard_amount", "yearly_cap", "chair_threshold"]
    list_select_related = ["request_type"]
    search_fields = ["request_type__name", "request_type__name_en"]

    def get_readonly_fields(self, request, obj=None):
        # The chair's threshold guards the chair's own approval: only the chair moves it.
        return [] if request.user.has_perm(APPROVE_OVER_THRESHOLD) else ["chair_threshold"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Budget)
class BudgetAdmin(UnitScopedAdminMixin, HistoryAdmin):
    list_display = ["unit", "year", "amount", "note"]
    list_filter = ["year"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "note"]
    autocomplete_fields = ["unit"]
    ordering = ["-year", "unit__path"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    """Texts the officers send often; shared by every unit (they name no worker)."""

    list_display = ["title", "suggested_state", "active", "position"]
    list_editable = ["active", "position"]
    list_filter = ["active", "suggested_state"]
    search_fields = ["title", "body"]
    ordering = ["position", "id"]
