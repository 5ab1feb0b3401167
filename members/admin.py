from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from lib.columns import yes_no_column
from lib.errors import error_text
from lib.history import HistoryAdmin
from lib.phones import phone_normalise

from . import imports, services
from .changelists import LargeChangelistMixin
from .exports import ScopedExportMixin
from .forms import (
    ImportConfirmForm,
    ImportUploadForm,
    RejectForm,
    StatusChangeForm,
    TransferAcceptForm,
    TransferForm,
)
from .models import (
    DeletionRequest,
    DuesRecord,
    ImportJob,
    Member,
    MembershipEvent,
    MembershipTransfer,
    OrgUnit,
    User,
)
from .resources import RESOURCES, DuesResource, MemberResource
from .scoping import UnitScopedAdminMixin, UnitTreeFilter, scope_queryset
from .search import IndexedSearchMixin
from .selectors import pending_transfer_of, transfers_visible_to

# The officers' doors on a membership (services.DOORS): the page's title, its intro, its button,
# and the message after ("%(n)d" members).
DOOR_TEXTS = {
    "suspend": (
        _("Suspend membership"),
        _("These members' membership will be suspended. They are told the reason by e-mail:"),
        _("Suspend"),
        lambda n: ngettext("%(n)d membership suspended.", "%(n)d memberships suspended.", n),
    ),
    "restore": (
        _("Restore membership"),
        _("These members will be active members again. They are told the reason by e-mail:"),
        _("Restore"),
        lambda n: ngettext("%(n)d membership restored.", "%(n)d memberships restored.", n),
    ),
    "lapse": (
        _("Record a lapsed membership"),
        _("These members' membership will be recorded as lapsed. They are told the reason by e-mail:"),
        _("Record as lapsed"),
        lambda n: ngettext("%(n)d membership lapsed.", "%(n)d memberships lapsed.", n),
    ),
    "withdraw": (
        _("Record a withdrawal"),
        _("These members leave the union. They are told the reason by e-mail:"),
        _("Record the withdrawal"),
        lambda n: ngettext("%(n)d withdrawal recorded.", "%(n)d withdrawals recorded.", n),
    ),
}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are managed by superusers; officers work with member profiles."""

    ordering = ["email"]
    list_display = ["email", "phone", "display_name", "is_staff", "officer_unit", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "phone_verified", "groups"]
    list_select_related = ["officer_unit"]
    search_fields = ["email", "phone", "display_name"]
    autocomplete_fields = ["officer_unit"]
    fieldsets = (
        (None, {"fields": ("email", "phone", "phone_verified", "password")}),
        (_("Personal info"), {"fields": ("display_name", "language")}),
        (_("Back office"), {"fields": ("is_active", "is_staff", "is_superuser", "officer_unit", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ["groups"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(OrgUnit)
class OrgUnitAdmin(UnitScopedAdminMixin, TreeAdmin):
    unit_field = ""
    form = movenodeform_factory(OrgUnit, fields=["name", "kind", "lapse_after_unpaid_months"])
    list_display = ["name", "kind"]
    search_fields = ["name"]


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "by", "note"]
    readonly_fields = fields
    ordering = ["-at"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Member)
class MemberAdmin(UnitScopedAdminMixin, LargeChangelistMixin, IndexedSearchMixin, ScopedExportMixin, HistoryAdmin):
    resource_classes = [MemberResource]
    export_permission = "members.export_member"
    list_display = [
        "name",
        "membership_number",
        "status",
        "unit",
        "gender",
        "employee_number",
        yes_no_column(Member, "retired"),
    ]
    list_filter = ["status", "gender", "retired", "language", UnitTreeFilter]
    list_select_related = ["unit"]
    # The columns the rows read (LargeChangelistMixin): not the contact details, dates or consents.
    list_only = ["name", "membership_number", "status", "unit__name", "gender", "employee_number", "retired"]
    search_fields = ["name", "membership_number", "employee_number", "phone", "email", "user__email"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["unit"]
    readonly_fields = [
        "status",
        "membership_number",
        "joined_on",
        "privacy_consent_at",
        "user",
        "created_at",
        "reached_by",
    ]
    fieldsets = (
        (None, {"fields": ("name", "gender", "date_of_birth", "unit", "job_title", "employee_number", "retired")}),
        (
            _("Contact"),
            {
                "fields": (
                    "phone",
                    "email",
                    "language",
                    "channel",
                    "reached_by",
                    "wants_optional_mail",
                    "wants_optional_sms",
                )
            },
        ),
        (
            _("Membership"),
            {"fields": ("status", "membership_number", "joined_on", "privacy_consent_at", "user", "created_at")},
        ),
    )
    inlines = [MembershipEventInline]
    actions = [
        "approve_selected",
        "reject_selected",
        "suspend_selected",
        "restore_selected",
        "lapse_selected",
        "withdraw_selected",
        "transfer_selected",
    ]

    @admin.display(description=_("reached by"))
    def reached_by(self, obj):
        return obj.channels_label if obj.pk else "-"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "phone" in form.base_fields:
            form.base_fields["phone"].validators.append(phone_normalise)  # refuse what is no number
        return form

    def save_model(self, request, obj, form, change):
        if obj.phone:
            obj.phone = phone_normalise(obj.phone)  # stored as E.164, as the outbox and TD replies match it
        super().save_model(request, obj, form, change)

    change_form_template = "admin/members/member/change_form.html"
    change_list_template = "admin/members/member/change_list.html"  # the date drill-down without queries

    def get_urls(self):
        return [
            path("<int:pk>/approve/", self.admin_site.admin_view(self.approve_view), name="members_member_approve"),
            path("<int:pk>/reject/", self.admin_site.admin_view(self.reject_view), name="members_member_reject"),
            path(
                "<int:pk>/door/<slug:door>/",
                self.admin_site.admin_view(self.door_view),
                name="members_member_door",
            ),
            path("<int:pk>/transfer/", self.admin_site.admin_view(self.transfer_view), name="members_member_transfer"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        member = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if member is not None:
            extra_context["doors"] = [
                (door, DOOR_TEXTS[door][0])
                for door, (_to, opens_from) in services.DOORS.items()
                if member.status in opens_from
            ]
            extra_context["may_transfer"] = member.status == Member.Status.ACTIVE
            extra_context["pending_transfer"] = pending_transfer_of(member)
        return super().change_view(request, object_id, form_url, extra_context)

    def _reason_page(self, request, *, members, form, title, intro, button, action=""):
        return TemplateResponse(
            request,
            "admin/members/member/status_change.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "members": members,
                "form": form,
                "action": action,
                "title": title,
                "intro": intro,
                "button": button,
            },
        )

    def door_view(self, request, pk, door):
        member = self._get_scoped(request, pk)
        if door not in services.DOORS or not self.has_approve_permission(request):
            raise PermissionDenied
        title, intro, button, _done = DOOR_TEXTS[door]
        form = StatusChangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.membership_door(member=member, door=door, by=request.user, reason=form.cleaned_data["reason"])
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                member.refresh_from_db()
                self.message_user(
                    request,
                    _("The membership of %(name)s is now: %(status)s.")
                    % {"name": member.name, "status": member.get_status_display()},
                )
            return redirect(reverse("admin:members_member_change", args=[pk]))
        return self._reason_page(request, members=[member], form=form, title=title, intro=intro, button=button)

    def transfer_view(self, request, pk):
        member = self._get_scoped(request, pk)
        if not self.has_approve_permission(request):
            raise PermissionDenied
        form = TransferForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.transfer_request(
                    member=member,
                    to_union=form.cleaned_data["to_union"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(name)s waits for %(union)s to accept the transfer.")
                    % {"name": member.name, "union": form.cleaned_data["to_union"]},
                )
            return redirect(reverse("admin:members_member_change", args=[pk]))
        return self._transfer_page(request, members=[member], form=form)

    def _transfer_page(self, request, *, members, form, action=""):
        return self._reason_page(
            request,
            members=members,
            form=form,
            action=action,
            title=_("Transfer to another union"),
            intro=_(
                "The receiving union is asked to take these members over; they stay with your union until it "
                "accepts. They are told by e-mail:"
            ),
            button=_("Ask for the transfer"),
        )

    def _door_action(self, request, queryset, door):
        title, intro, button, done_text = DOOR_TEXTS[door]
        form = StatusChangeForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, errors = services.membership_bulk_door(
                members=queryset, door=door, by=request.user, reason=form.cleaned_data["reason"]
            )
            self._report(request, done, errors, done_text)
            return None
        return self._reason_page(
            request, members=queryset, form=form, title=title, intro=intro, button=button, action=f"{door}_selected"
        )

    def _report(self, request, done, errors, done_text):
        if done:
            self.message_user(request, done_text(done) % {"n": done})
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=_("Suspend selected memberships…"), permissions=["approve"])
    def suspend_selected(self, request, queryset):
        return self._door_action(request, queryset, "suspend")

    @admin.action(description=_("Restore selected memberships…"), permissions=["approve"])
    def restore_selected(self, request, queryset):
        return self._door_action(request, queryset, "restore")

    @admin.action(description=_("Record selected memberships as lapsed…"), permissions=["approve"])
    def lapse_selected(self, request, queryset):
        return self._door_action(request, queryset, "lapse")

    @admin.action(description=_("Record the withdrawal of selected members…"), permissions=["approve"])
    def withdraw_selected(self, request, queryset):
        return self._door_action(request, queryset, "withdraw")

    @admin.action(description=_("Transfer selected members to another union…"), permissions=["approve"])
    def transfer_selected(self, request, queryset):
        form = TransferForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, errors = services.transfer_bulk_request(
                members=queryset,
                to_union=form.cleaned_data["to_union"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
            self._report(
                request,
                done,
                errors,
                lambda n: ngettext("%(n)d transfer asked for.", "%(n)d transfers asked for.", n),
            )
            return None
        return self._transfer_page(request, members=queryset, form=form, action="transfer_selected")

    def _get_scoped(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def approve_view(self, request, pk):
        member = self._get_scoped(request, pk)
        if request.method != "POST":
            return redirect(reverse("admin:members_member_change", args=[pk]))
        try:
            services.membership_approve(member=member, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
        else:
            member.refresh_from_db()
            self.message_user(
                request,
                _("%(name)s is now a member, number %(number)s.")
                % {"name": member.name, "number": member.membership_number},
            )
        return redirect(reverse("admin:members_member_change", args=[pk]))

    def reject_view(self, request, pk):
        member = self._get_scoped(request, pk)
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.membership_reject(member=member, by=request.user, reason=form.cleaned_data["reason"])
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(request, _("The application of %(name)s was rejected.") % {"name": member.name})
            return redirect(reverse("admin:members_member_change", args=[pk]))
        return TemplateResponse(
            request,
            "admin/members/member/reject.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "members": [member],
                "form": form,
                "title": _("Reject membership application"),
            },
        )

    @admin.action(description=_("Approve selected applications"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        approved, errors = services.membership_bulk_approve(members=queryset.select_related("unit"), by=request.user)
        if approved:
            self.message_user(
                request,
                ngettext("%(n)d application approved.", "%(n)d applications approved.", approved) % {"n": approved},
            )
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=_("Reject selected applications…"), permissions=["approve"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for member in queryset:
                try:
                    services.membership_reject(member=member, by=request.user, reason=form.cleaned_data["reason"])
                    done += 1
                except (ValidationError, PermissionDenied) as exc:
                    self.message_user(request, f"{member}: {error_text(exc)}", messages.WARNING)
            if done:
                self.message_user(
                    request, ngettext("%(n)d application rejected.", "%(n)d applications rejected.", done) % {"n": done}
                )
            return None
        return TemplateResponse(
            request,
            "admin/members/member/reject.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "members": queryset,
                "form": form,
                "action": "reject_selected",
                "title": _("Reject membership applications"),
            },
        )

    def has_approve_permission(self, request):
        return request.user.has_perm("members.approve_member")


@admin.register(MembershipTransfer)
class MembershipTransferAdmin(admin.ModelAdmin):
    """Transfers between unions, seen by the officers of both sides (``transfers_visible_to``)."""

    list_display = ["member", "from_unit", "to_union", "state", "requested_by", "requested_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["member", "from_unit", "to_union", "requested_by"]
    search_fields = ["member__name", "member__membership_number"]
    date_hierarchy = "requested_at"
    fields = [
        "member",
        "from_unit",
        "to_union",
        "reason",
        "requested_by",
        "requested_at",
        "state",
        "to_unit",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields
    actions = ["accept_selected"]
    change_form_template = "admin/members/membershiptransfer/change_form.html"

    def get_queryset(self, request):
        return transfers_visible_to(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # asked for from the member's page

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a decision

    def has_approve_permission(self, request):
        return request.user.has_perm("members.approve_member")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/accept/", view(self.accept_view), name="members_membershiptransfer_accept"),
            path("<int:pk>/decline/", view(self.decline_view), name="members_membershiptransfer_decline"),
            path("<int:pk>/cancel/", view(self.cancel_view), name="members_membershiptransfer_cancel"),
        ] + super().get_urls()

    def _get(self, request, pk):
        if not self.has_approve_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request).select_related("member", "to_union"), pk=pk)

    def _page(self, request, transfer, form, title, button):
        return TemplateResponse(
            request,
            "admin/members/membershiptransfer/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": transfer,
                "form": form,
                "title": title,
                "button": button,
            },
        )

    def _done(self, request, transfer):
        return redirect(reverse("admin:members_membershiptransfer_change", args=[transfer.pk]))

    def accept_view(self, request, pk):
        transfer = self._get(request, pk)
        units = scope_queryset(
            OrgUnit.objects.filter(transfer.to_union.subtree_q()).order_by("path"), request.user, field=""
        )
        form = TransferAcceptForm(request.POST or None, units=units, initial={"unit": transfer.to_union})
        if request.method == "POST" and form.is_valid():
            try:
                services.transfer_accept(transfer=transfer, by=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(name)s is now a member in %(unit)s.")
                    % {"name": transfer.member.name, "unit": form.cleaned_data["unit"]},
                )
            return self._done(request, transfer)
        return self._page(request, transfer, form, _("Accept the transfer"), _("Accept"))

    def decline_view(self, request, pk):
        return self._undo_view(request, pk, services.transfer_decline, _("Decline the transfer"), _("Decline"))

    def cancel_view(self, request, pk):
        return self._undo_view(request, pk, services.transfer_cancel, _("Cancel the transfer"), _("Cancel it"))

    def _undo_view(self, request, pk, service, title, button):
        transfer = self._get(request, pk)
        form = StatusChangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                service(transfer=transfer, by=request.user, reason=form.cleaned_data["reason"])
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(request, _("%(name)s stays an active member.") % {"name": transfer.member.name})
            return self._done(request, transfer)
        return self._page(request, transfer, form, title, button)

    @admin.action(description=_("Accept selected transfers into the receiving union"), permissions=["approve"])
    def accept_selected(self, request, queryset):
        done, errors = services.transfer_bulk_accept(
            transfers=queryset.filter(state=MembershipTransfer.State.PENDING), by=request.user
        )
        if done:
            self.message_user(
                request, ngettext("%(n)d transfer accepted.", "%(n)d transfers accepted.", done) % {"n": done}
            )
        for error in errors:
            self.message_user(request, error, messages.WARNING)


@admin.register(DuesRecord)
class DuesRecordAdmin(UnitScopedAdminMixin, ScopedExportMixin, admin.ModelAdmin):
    resource_classes = [DuesResource]
    export_permission = "members.view_duesrecord"
    unit_field = "member__unit"
    list_display = ["member", "period", "amount", "paid_on"]
    list_select_related = ["member"]
    search_fields = ["member__name", "member__membership_number"]
    date_hierarchy = "period"
    autocomplete_fields = ["member"]


@admin.register(DeletionRequest)
class DeletionRequestAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_field = "member__unit"
    list_display = ["member", "requested_at", "status", "handled_by", "handled_at"]
    list_filter = ["status"]
    list_select_related = ["member", "handled_by"]
    readonly_fields = ["member", "reason", "requested_at", "status", "handled_by", "handled_at"]
    fields = readonly_fields + ["note"]
    actions = ["carry_out"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Erase the members' personal data"), permissions=["change"])
    def carry_out(self, request, queryset):
        done = 0
        for deletion_request in queryset.filter(status=DeletionRequest.Status.OPEN):
            try:
                services.deletion_request_carry_out(deletion_request=deletion_request, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{deletion_request}: {error_text(exc)}", messages.WARNING)
        self.message_user(
            request, ngettext("%(n)d member's data erased.", "%(n)d members' data erased.", done) % {"n": done}
        )


# --- Libraries' admins made to fit: Chinese labels --------------------------------
#
# treebeard (the unit tree's move form) marks its labels for translation but
# ships no Chinese: its msgids are listed here so our catalogue, which comes
# first, translates them. allauth's MFA model has plain field names as labels,
# which no catalogue can reach, so they get translatable ones at start-up (display
# labels only, not ``_verbose_name``: the library's migrations stay as they are).

LIBRARY_MSGIDS = [_("Position"), _("Relative to")]


def _relabel_authenticators() -> None:
    from allauth.mfa.models import Authenticator

    opts = Authenticator._meta
    opts.verbose_name = _("authenticator")
    opts.verbose_name_plural = _("authenticators")
    labels = {
        "user": _("account"),
        "type": pgettext_lazy("authenticator", "type"),
        "data": _("data"),
        "created_at": _("created at"),
        "last_used_at": _("last used at"),
    }
    for name, label in labels.items():
        opts.get_field(name).verbose_name = label


_relabel_authenticators()


@admin.register(ImportJob)
class ImportJobAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    """Uploads of rosters and dues: check, preview, confirm, progress."""

    list_display = ["original_name", "kind", "status", "progress", "total_rows", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    search_fields = ["original_name"]
    date_hierarchy = "created_at"

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.progress_percent}%"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_urls(self):
        return [
            path("<int:pk>/confirm/", self.admin_site.admin_view(self.confirm_view), name="members_importjob_confirm"),
            path("<int:pk>/cancel/", self.admin_site.admin_view(self.cancel_view), name="members_importjob_cancel"),
        ] + super().get_urls()

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = imports.import_job_create(
                    kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error("file", error_text(exc))
            else:
                return redirect(reverse("admin:members_importjob_change", args=[job.pk]))
        columns = {
            kind: [(name, label, name in resource.REQUIRED) for name, label in resource.COLUMNS]
            for kind, resource in RESOURCES.items()
        }
        return TemplateResponse(
            request,
            "admin/members/importjob/upload.html",
            self._context(
                request, form=form, title=_("Import a file"), columns=columns, kinds=dict(ImportJob.Kind.choices)
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(self.get_queryset(request).select_related("created_by", "confirmed_by"), pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/members/importjob/job.html",
            self._context(
                request,
                job=job,
                original=job,
                title=str(job),
                counts=imports.import_counts_text(job.counts),
                imported=imports.import_counts_text(job.counts.get("imported", {})),
                confirm_form=ImportConfirmForm(),
                may_confirm=self.has_add_permission(request),
            ),
        )

    def confirm_view(self, request, pk):
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            form = ImportConfirmForm(request.POST)
            form.is_valid()
            try:
                imports.import_job_confirm(
                    job=job,
                    by=request.user,
                    skip_bad_rows=form.cleaned_data.get("skip_bad_rows", False),
                    changes_checked=form.cleaned_data.get("changes_checked", False),
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(request, _("The import has started."))
        return redirect(reverse("admin:members_importjob_change", args=[job.pk]))

    def cancel_view(self, request, pk):
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            try:
                imports.import_job_cancel(job=job, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(request, _("The import was cancelled; nothing was saved."))
        return redirect(reverse("admin:members_importjob_change", args=[job.pk]))
