"""The officers' back office for activities.

Every changelist, count, action, export and autocomplete is limited to the
officer's part of the organisation tree (``UnitScopedAdminMixin``), and
every change of places goes through ``activities.services``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, ExpressionWrapper, F, FloatField
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from import_export import fields, resources
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX

from lib.errors import error_text
from lib.forms import LabelledExportForm
from lib.history import HistoryAdmin
from members.models import Member, OrgUnit
from members.scoping import UnitScopedAdminMixin, UnitTreeFilter, scope_queryset

from . import selectors, services
from .forms import ActivityAdminForm, CancelActivityForm, DoorForm
from .models import Activity, EligibilityOverride, LotteryDraw, Rating, Registration, RegistrationEvent


class NoRevertMixin:
    """django-simple-history's "revert" saves an old version through the
    admin form, past every service rule (capacity, status, e-mails): the
    history stays readable, changes go through the services."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class ServiceFormMixin:
    """Render a plain form on an admin page (add forms and action forms that call a service)."""

    service_form_template = "admin/activities/service_form.html"

    def render_service_form(self, request, *, form, title, submit_label, objects=(), action=""):
        return TemplateResponse(
            request,
            self.service_form_template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "form": form,
                "media": self.media + form.media,
                "submit_label": submit_label,
                "objects": objects,
                "action": action,
            },
        )


# --- Activities -----------------------------------------------------------------


class RegistrationInline(admin.TabularInline):
    model = Registration
    view_on_site = False  # the registration page is the worker's own
    verbose_name_plural = _("participants")
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["member", "status", "position", "created_at", "checked_in_at"]
    readonly_fields = fields
    ordering = ["status", "position", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False  # sign-ups go through the service: see "Registrations → Add"

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


class EligibilityOverrideInline(admin.TabularInline):
    model = EligibilityOverride
    extra = 0
    can_delete = False
    fields = ["member", "reason", "by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "by")


class LotteryDrawInline(admin.StackedInline):
    model = LotteryDraw
    extra = 0
    can_delete = False
    fields = ["drawn_at", "by", "seed", "places", "entrants", "explanation", "verified"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("re-run gives the same result"), boolean=True)
    def verified(self, draw):
        return services.lottery_verify(draw=draw)


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("upcoming")), ("past", _("past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(Activity)
class ActivityAdmin(UnitScopedAdminMixin, NoRevertMixin, ServiceFormMixin, HistoryAdmin):
    form = ActivityAdminForm
    list_display = [
        "title",
        "category",
        "unit",
        "starts_at",
        "status",
        "allocation",
        "fill",
        "waiting",
        "average_rating",
        "participants_link",
    ]
    list_filter = ["status", "category", "allocation", WhenFilter, ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["unit"]
    search_fields = ["title", "place", "description"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["unit", "eligible_units"]
    readonly_fields = ["status", "created_by", "created_at", "cancelled_at", "cancel_reason"]
    fieldsets = (
        (None, {"fields": ("title", "category", "unit", "description", "place")}),
        (
            _("Time"),
            {
                "fields": (
                    "starts_at",
                    "ends_at",
                    "signup_opens_at",
                    "signup_closes_at",
                    "cancellation_cutoff",
                    "reminder_lead",
                )
            },
        ),
        (_("Places"), {"fields": ("capacity", "waiting_list", "allocation")}),
        (
            _("Who may sign up"),
            {"fields": ("members_only", "gender", "min_age", "max_age", "retired", "eligible_units")},
        ),
        (_("Status"), {"fields": ("status", "cancelled_at", "cancel_reason", "created_by", "created_at")}),
    )
    inlines = [RegistrationInline, EligibilityOverrideInline, LotteryDrawInline]
    actions = ["publish_selected", "cancel_selected", "draw_selected", "record_no_shows", "export_participants"]
    change_form_template = "admin/activities/activity/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_counts()
            .annotate(
                fill_ratio=ExpressionWrapper(F("places_taken") * 1.0 / F("capacity"), output_field=FloatField()),
                average_score=Avg("registrations__rating__score"),
            )
            .order_by("-starts_at", "-id")  # aggregation drops Meta.ordering; autocomplete pages need one
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is OrgUnit:
            field.queryset = scope_queryset(field.queryset, request.user, field="")
        return field

    @admin.display(description=_("places taken"), ordering="fill_ratio")
    def fill(self, activity):
        return f"{activity.places_taken}/{activity.capacity} ({activity.fill_rate}%)"

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, activity):
        return activity.waiting_count

    @admin.display(description=_("average rating"), ordering="average_score")
    def average_rating(self, activity):
        return "—" if activity.average_score is None else f"{activity.average_score:.1f}"

    @admin.display(description=_("participants"))
    def participants_link(self, activity):
        url = reverse("admin:activities_registration_changelist") + f"?activity__id__exact={activity.pk}"
        return format_html('<a href="{}">{}</a>', url, _("list"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        new_capacity = obj.capacity
        capacity_changed = "capacity" in form.changed_data
        if capacity_changed:
            # The service changes the capacity, under the activity's lock, and fills new places.
            obj.capacity = form.initial["capacity"]
        super().save_model(request, obj, form, change)
        if capacity_changed:
            try:
                promoted = services.activity_capacity_change(activity=obj, capacity=new_capacity, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                obj.capacity = new_capacity
                if promoted:
                    self.message_user(
                        request,
                        ngettext(
                            "%(n)d worker moved from the waiting list to a place.",
                            "%(n)d workers moved from the waiting list to a place.",
                            len(promoted),
                        )
                        % {"n": len(promoted)},
                    )

    # --- actions: each calls a service per activity and reports counts -------

    def _each(self, request, queryset, fn) -> list:
        done = []
        for activity in queryset:
            try:
                done.append((activity, fn(activity)))
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{activity}: {error_text(exc)}", messages.WARNING)
        return done

    @admin.action(description=_("Publish selected activities"), permissions=["change"])
    def publish_selected(self, request, queryset):
        done = self._each(request, queryset, lambda a: services.activity_publish(activity=a, by=request.user))
        if done:
            self.message_user(
                request,
                ngettext("%(n)d activity published.", "%(n)d activities published.", len(done)) % {"n": len(done)},
            )

    @admin.action(description=_("Cancel selected activities and e-mail participants…"), permissions=["cancel"])
    def cancel_selected(self, request, queryset):
        form = CancelActivityForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._each(
                request, queryset, lambda a: services.activity_cancel(activity=a, by=request.user, reason=reason)
            )
            if done:
                told = sum(n for _activity, n in done)
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d activity cancelled; %(told)d participants e-mailed.",
                        "%(n)d activities cancelled; %(told)d participants e-mailed.",
                        len(done),
                    )
                    % {"n": len(done), "told": told},
                )
            return None
        return self.render_service_form(
            request,
            form=form,
            title=_("Cancel activities"),
            submit_label=_("Cancel these activities"),
            objects=queryset,
            action="cancel_selected",
        )

    @admin.action(description=_("Draw the places of selected lotteries"), permissions=["draw"])
    def draw_selected(self, request, queryset):
        done = self._each(request, queryset, lambda a: services.lottery_draw(activity=a, by=request.user))
        for activity, draw in done:
            self.message_user(request, f"{activity}: {draw.explanation}")

    @admin.action(description=_("Record no-shows of selected past activities"), permissions=["check_in"])
    def record_no_shows(self, request, queryset):
        done = self._each(request, queryset, lambda a: services.no_shows_record(activity=a, by=request.user))
        marked = sum(n for _activity, n in done)
        self.message_user(
            request,
            ngettext("%(n)d no-show recorded.", "%(n)d no-shows recorded.", marked) % {"n": marked},
        )

    @admin.action(description=_("Export participants of selected activities (CSV, Excel)"), permissions=["export"])
    def export_participants(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(reverse("admin:activities_registration_export") + f"?activity__id__in={ids}")

    def has_cancel_permission(self, request):
        return request.user.has_perm("activities.cancel_activity")

    def has_draw_permission(self, request):
        return request.user.has_perm("activities.draw_activity")

    def has_check_in_permission(self, request):
        return request.user.has_perm("activities.check_in_registration")

    def has_export_permission(self, request):
        return request.user.has_perm("activities.export_registration")

    # --- the same, one activity at a time, from buttons on its page --------

    def get_urls(self):
        def one(view):
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/publish/", one(self.publish_view), name="activities_activity_publish"),
            path("<int:pk>/cancel/", one(self.cancel_view), name="activities_activity_cancel"),
            path("<int:pk>/draw/", one(self.draw_view), name="activities_activity_draw"),
            path("<int:pk>/no-shows/", one(self.no_shows_view), name="activities_activity_no_shows"),
            path("<int:pk>/check-in/", one(self.door_view), name="activities_activity_door"),
            path("<int:pk>/check-in/counts/", one(self.door_counts_view), name="activities_activity_door_counts"),
        ] + super().get_urls()

    def _one(self, request, pk):
        return self.get_queryset(request).filter(pk=pk)

    def _back(self, pk):
        return redirect(reverse("admin:activities_activity_change", args=[pk]))

    def publish_view(self, request, pk):
        get_object_or_404(self._one(request, pk))
        if request.method == "POST" and self.has_change_permission(request):
            self.publish_selected(request, self._one(request, pk))
        return self._back(pk)

    def cancel_view(self, request, pk):
        get_object_or_404(self._one(request, pk))
        if not self.has_cancel_permission(request):
            raise PermissionDenied
        response = self.cancel_selected(request, self._one(request, pk))
        return response or self._back(pk)

    def draw_view(self, request, pk):
        get_object_or_404(self._one(request, pk))
        if request.method == "POST" and self.has_draw_permission(request):
            self.draw_selected(request, self._one(request, pk))
        return self._back(pk)

    def no_shows_view(self, request, pk):
        get_object_or_404(self._one(request, pk))
        if request.method == "POST" and self.has_check_in_permission(request):
            self.record_no_shows(request, self._one(request, pk))
        return self._back(pk)

    # --- the check-in screen at the door (a phone in the volunteer's hand) ---------

    def _door_activity(self, request, pk):
        activity = get_object_or_404(self._one(request, pk))
        if not self.has_check_in_permission(request):
            raise PermissionDenied
        return activity

    def door_view(self, request, pk):
        """Type a membership number or scan a card: who it is, whether they have a place; check in or undo."""
        activity = self._door_activity(request, pk)
        form, lookup, outcome = DoorForm(), None, ""
        if request.method == "POST" and "undo" in request.POST:
            outcome = self._door_undo(request, activity)
        elif request.method == "POST":
            form = DoorForm(request.POST)
            if form.is_valid():
                lookup = selectors.door_lookup(activity=activity, officer=request.user, text=form.cleaned_data["card"])
                outcome = self._door_check_in(request, lookup)
                form = DoorForm()  # the field is empty again for the next card
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": activity,
            "title": _("Check-in"),
            "form": form,
            "lookup": lookup,
            "outcome": outcome,
            "counts": selectors.door_counts(activity),
            "recent": selectors.door_recent(activity),
            "check_in_open": activity.status == Activity.Status.PUBLISHED
            and timezone.now() >= activity.starts_at - services.CHECK_IN_OPENS_BEFORE,
        }
        return TemplateResponse(request, "admin/activities/activity/door.html", context)

    def _door_check_in(self, request, lookup) -> str:
        registration = lookup.registration
        if registration is None:
            return "unknown" if lookup.member is None else "no_place"
        if registration.status == Registration.Status.ATTENDED:
            return "already"
        if registration.status not in (Registration.Status.CONFIRMED, Registration.Status.NO_SHOW):
            return "no_place"
        try:
            services.registration_check_in(registration=registration, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return "refused"
        registration.refresh_from_db()
        return "checked_in"

    def _door_undo(self, request, activity) -> str:
        pk = request.POST.get("undo", "")
        registration = activity.registrations.filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 12 else None
        if registration is None:
            raise Http404
        try:
            services.registration_check_in_undo(registration=registration, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return "refused"
        messages.success(
            request, _("Check-in of %(name)s undone: the place is theirs again.") % {"name": registration.member.name}
        )
        return "undone"

    def door_counts_view(self, request, pk):
        """The live counts, for the check-in screens of every volunteer at the door (polled)."""
        return JsonResponse(selectors.door_counts(self._door_activity(request, pk)))


# --- Registrations (participants) -------------------------------------------------


class ParticipantResource(resources.ModelResource):
    """The participant list officers download (CSV, Excel)."""

    activity = fields.Field(attribute="activity__title", column_name=_("Activity"))
    starts_at = fields.Field(attribute="activity__starts_at", column_name=_("Starts at"))
    name = fields.Field(attribute="member__name", column_name=_("Name"))
    membership_number = fields.Field(attribute="member__membership_number", column_name=_("Membership number"))
    unit = fields.Field(attribute="member__unit__name", column_name=_("Organisational unit"))
    phone = fields.Field(attribute="member__phone", column_name=_("Phone"))
    status = fields.Field(attribute="status", column_name=_("Status"))
    position = fields.Field(attribute="position", column_name=_("Waiting list position"))
    signed_up_at = fields.Field(attribute="created_at", column_name=_("Signed up at"))
    checked_in_at = fields.Field(attribute="checked_in_at", column_name=_("Checked in at"))

    class Meta:
        model = Registration
        fields = [
            "activity",
            "starts_at",
            "name",
            "membership_number",
            "unit",
            "phone",
            "status",
            "position",
            "signed_up_at",
            "checked_in_at",
        ]
        export_order = fields

    def dehydrate_status(self, registration):
        return str(registration.get_status_display())

    def dehydrate_starts_at(self, registration):
        return timezone.localtime(registration.activity.starts_at).strftime("%Y-%m-%d %H:%M")

    def dehydrate_signed_up_at(self, registration):
        return timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M")

    def dehydrate_checked_in_at(self, registration):
        at = registration.checked_in_at
        return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""


class RegistrationEventInline(admin.TabularInline):
    model = RegistrationEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "by", "note"]
    readonly_fields = fields
    ordering = ["at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class SignUpMemberForm(forms.Form):
    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), label=_("Activity"))
    member = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("Member"))

    def __init__(self, *args, request, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("activity", "member"):
            self.fields[name].widget = AutocompleteSelect(Registration._meta.get_field(name), admin_site)
        # Set after the widgets, which take their choices from the querysets.
        self.fields["activity"].queryset = scope_queryset(Activity.objects.published(), request.user, "unit")
        self.fields["member"].queryset = scope_queryset(Member.objects.all(), request.user, "unit")


@admin.register(Registration)
class RegistrationAdmin(UnitScopedAdminMixin, NoRevertMixin, ServiceFormMixin, ExportActionMixin, HistoryAdmin):
    unit_field = "activity__unit"
    view_on_site = False  # the registration page is the worker's own
    resource_classes = [ParticipantResource]
    export_formats = [CSV, XLSX]
    export_form_class = LabelledExportForm  # the columns offered by their Chinese names
    list_display = ["member", "activity", "status", "position", "created_at", "checked_in_at"]
    list_filter = ["status", "activity__category", ("activity", admin.RelatedOnlyFieldListFilter), UnitTreeFilter]
    list_select_related = ["member", "activity"]
    search_fields = ["member__name", "member__membership_number", "member__phone", "activity__title"]
    date_hierarchy = "activity__starts_at"
    readonly_fields = [
        "activity",
        "member",
        "status",
        "position",
        "created_at",
        "updated_at",
        "checked_in_at",
        "checked_in_by",
    ]
    fields = readonly_fields
    inlines = [RegistrationEventInline]
    actions = ["check_in_selected", "cancel_selected"]

    def has_export_permission(self, request):
        return request.user.has_perm("activities.export_registration")

    def has_check_in_permission(self, request):
        return request.user.has_perm("activities.check_in_registration")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def add_view(self, request, form_url="", extra_context=None):
        """Sign a member up (by phone, on paper...): the same service as the worker's button."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SignUpMemberForm(request.POST or None, request=request, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                registration = services.registration_signup(
                    activity=form.cleaned_data["activity"], member=form.cleaned_data["member"], by=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                self.message_user(
                    request,
                    _("%(name)s is signed up: %(status)s.")
                    % {"name": registration.member.name, "status": registration.get_status_display()},
                )
                return redirect(reverse("admin:activities_registration_change", args=[registration.pk]))
        return self.render_service_form(
            request, form=form, title=_("Sign a member up"), submit_label=pgettext("activity", "Sign up")
        )

    @admin.action(description=_("Check in selected participants"), permissions=["check_in"])
    def check_in_selected(self, request, queryset):
        done = 0
        for registration in queryset:
            try:
                services.registration_check_in(registration=registration, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{registration}: {error_text(exc)}", messages.WARNING)
        self.message_user(
            request, ngettext("%(n)d participant checked in.", "%(n)d participants checked in.", done) % {"n": done}
        )

    @admin.action(description=_("Cancel selected registrations (frees their places)"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        done = 0
        for registration in queryset:
            try:
                services.registration_cancel(registration=registration, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{registration}: {error_text(exc)}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(n)d registration cancelled.", "%(n)d registrations cancelled.", done) % {"n": done},
        )


# --- Exceptions, draws, ratings ---------------------------------------------------------


class OverrideForm(forms.Form):
    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), label=_("Activity"))
    member = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("Member"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, request, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("activity", "member"):
            self.fields[name].widget = AutocompleteSelect(EligibilityOverride._meta.get_field(name), admin_site)
        self.fields["activity"].queryset = scope_queryset(Activity.objects.all(), request.user, "unit")
        self.fields["member"].queryset = scope_queryset(Member.objects.all(), request.user, "unit")


@admin.register(EligibilityOverride)
class EligibilityOverrideAdmin(UnitScopedAdminMixin, ServiceFormMixin, admin.ModelAdmin):
    unit_field = "activity__unit"
    list_display = ["member", "activity", "reason", "by", "created_at"]
    list_select_related = ["member", "activity", "by"]
    list_filter = [("activity", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["member__name", "member__membership_number", "activity__title", "reason"]
    date_hierarchy = "created_at"
    readonly_fields = ["activity", "member", "reason", "by", "created_at"]
    fields = readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Let one member in despite the rules; the reason and the officer are recorded."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OverrideForm(request.POST or None, request=request, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                services.eligibility_override_grant(by=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                self.message_user(
                    request,
                    _("%(name)s may now sign up for “%(title)s”.")
                    % {"name": form.cleaned_data["member"].name, "title": form.cleaned_data["activity"].title},
                )
                return redirect(reverse("admin:activities_eligibilityoverride_changelist"))
        return self.render_service_form(
            request, form=form, title=_("Let a member in despite the rules"), submit_label=_("Save")
        )


@admin.register(LotteryDraw)
class LotteryDrawAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_field = "activity__unit"
    list_display = ["activity", "drawn_at", "by", "places", "entrants", "verified"]
    list_select_related = ["activity", "by"]
    search_fields = ["activity__title", "seed"]
    date_hierarchy = "drawn_at"
    fields = ["activity", "drawn_at", "by", "seed", "places", "entrants", "explanation", "verified", "result"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("re-run gives the same result"), boolean=True)
    def verified(self, draw):
        return services.lottery_verify(draw=draw)


@admin.register(Rating)
class RatingAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_field = "registration__activity__unit"
    list_display = ["activity", "member", "score", "comment", "created_at"]
    list_select_related = ["registration__activity", "registration__member"]
    list_filter = ["score", "registration__activity__category"]
    search_fields = ["registration__activity__title", "comment"]
    date_hierarchy = "created_at"
    fields = ["registration", "score", "comment", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("activity"), ordering="registration__activity__title")
    def activity(self, rating):
        return rating.registration.activity

    @admin.display(description=_("member"), ordering="registration__member__name")
    def member(self, rating):
        return rating.registration.member
