"""The officers' care cases: open one, plan the visit, record it.

Every queryset comes from ``selectors.cases_visible_to`` (on top of the unit
scoping), and every write goes through ``care.services``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lib.errors import error_text
from members.models import User
from members.scoping import UnitScopedAdminMixin, scope_queryset

from . import selectors, services
from .forms import OpenCaseForm, PlanForm
from .models import CareCase, State


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue")), ("no", _("on time"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(CareCase.overdue_q())
        if self.value() == "no":
            return queryset.exclude(CareCase.overdue_q())
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = _("assigned officer")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("assigned to me")), ("nobody", _("unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


@admin.register(CareCase)
class CareCaseAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_field = "member__unit"
    list_display = ["kind", "worker", "unit", "state_label", "due", "assigned_to", "visited_on", "timeliness"]
    list_display_links = ["kind"]
    list_filter = ["state", "kind", "origin", OverdueFilter, MineFilter]
    list_select_related = ["member__unit", "assigned_to"]
    search_fields = ["member__name"]
    search_help_text = _("The worker's name")
    date_hierarchy = "due_on"
    autocomplete_fields = ["member"]
    actions = ["assign_to_me"]
    readonly_on_change = [
        "member",
        "kind",
        "about",
        "reason",
        "origin",
        "welfare_request",
        "reported_by",
        "opened_on",
        "due_on",
        "state",
        "wish",
        "wish_note",
        "remind_worker",
        "timeline",
    ]

    def get_queryset(self, request):
        return selectors.cases_visible_to(request.user, super().get_queryset(request), side="officer")

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = list(self.readonly_on_change)
        if obj.state != State.OPEN:
            fields += ["visited_on", "what_was_done", "brought"]
        return fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return OpenCaseForm._meta.fields
        fields = [*self.readonly_on_change, *PlanForm._meta.fields]
        return [*fields, "cancel_reason"] if obj.state == State.OPEN else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = PlanForm if obj is not None else OpenCaseForm
        kwargs["fields"] = None  # the form's own fields, less the read-only ones
        base = super().get_form(request, obj, change, **kwargs)
        officers = (
            selectors.officers_for(obj)
            if obj is not None
            else scope_queryset(User.objects.filter(is_active=True, is_staff=True), request.user, "officer_unit")
        )

        class Form(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if "assigned_to" in self.fields:
                    self.fields["assigned_to"].queryset = officers

            def clean(self):
                data = super().clean()
                if data.get("cancel_reason") and data.get("visited_on"):
                    raise forms.ValidationError(gettext("Record the visit or cancel it, not both."))
                if obj is not None and obj.state == State.OPEN and data.get("visited_on"):
                    try:
                        services.visit_check(
                            case=obj,
                            visited_on=data["visited_on"],
                            what_was_done=data.get("what_was_done", ""),
                            follow_up_on=data.get("follow_up_on"),
                        )
                    except ValidationError as exc:
                        raise forms.ValidationError(error_text(exc)) from exc
                return data

            def _post_clean(self):
                pass  # the services write the case; the model's own checks run there

        return Form

    def save_form(self, request, form, change):
        if change:
            return form.instance
        # Opening goes through the service, which returns the case as saved (with its due date).
        data = form.cleaned_data
        return services.case_open(
            member=data["member"],
            kind=data["kind"],
            by=request.user,
            reason=data.get("reason", ""),
            about=data.get("about", ""),
            confidential=data.get("confidential", False),
            assigned_to=data.get("assigned_to"),
            companions=data.get("companions", ""),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            return  # saved by save_form
        data = form.cleaned_data
        try:
            services.case_update(
                case=obj,
                by=request.user,
                assigned_to=data.get("assigned_to"),
                companions=data.get("companions", ""),
                follow_up_on=data.get("follow_up_on"),
                confidential=data.get("confidential"),
            )
            if obj.state == State.OPEN and data.get("cancel_reason"):
                services.case_cancel(case=obj, by=request.user, note=data["cancel_reason"])
            elif obj.state == State.OPEN and data.get("visited_on"):
                services.case_record_visit(
                    case=obj,
                    by=request.user,
                    visited_on=data["visited_on"],
                    what_was_done=data.get("what_was_done", ""),
                    brought=data.get("brought", ""),
                    follow_up_on=data.get("follow_up_on"),
                )
        except (ValidationError, PermissionDenied) as exc:
            # Only a change made by someone else meanwhile gets here; the form checked the rest.
            self.message_user(request, error_text(exc), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # the timeline is written by the services

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        rows = obj.changes.select_related("by")
        return format_html_join(
            format_html("<br>"),
            "{} · {} → {} · {} {}",
            ((f"{c.at:%Y-%m-%d %H:%M}", c.from_label or "—", c.to_label, c.by or "", c.note) for c in rows),
        )

    @admin.display(description=_("worker"), ordering="member__name")
    def worker(self, obj):
        return obj.member.name

    @admin.display(description=_("organisational unit"))
    def unit(self, obj):
        return obj.member.unit.name

    @admin.display(description=_("state"), ordering="state")
    def state_label(self, obj):
        return obj.get_state_display()

    @admin.display(description=_("visit due by"), ordering="due_on")
    def due(self, obj):
        if obj.is_overdue():
            return format_html('<strong class="wf-overdue">{} · {}</strong>', obj.due_on, gettext("overdue"))
        return obj.due_on.isoformat()

    @admin.display(description=_("on time"))
    def timeliness(self, obj):
        if obj.on_time is None:
            return "—"
        return gettext("on time") if obj.on_time else gettext("late")

    @admin.action(description=_("Assign the selected cases to me"))
    def assign_to_me(self, request, queryset):
        done, errors = 0, []
        for case in queryset.select_related("member__unit"):
            try:
                services.case_update(
                    case=case,
                    by=request.user,
                    assigned_to=request.user,
                    companions=case.companions,
                    follow_up_on=case.follow_up_on,
                )
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                errors.append(f"{case}: {error_text(exc)}")
        if done:
            self.message_user(request, ngettext("%d case assigned to you.", "%d cases assigned to you.", done) % done)
        for error in errors:
            self.message_user(request, error, messages.ERROR)
