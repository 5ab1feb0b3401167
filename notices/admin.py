"""The officers' side of 公示: which schemes publish, the notices and their objections.

Notices and objections are read-only here (they are written by the approval and by
members); the chair decides an objection on its own page (``notices:decide``).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import GrantNotice, NoticeRule, Objection


@admin.register(NoticeRule)
class NoticeRuleAdmin(admin.ModelAdmin):
    list_display = ["scheme", "publish_before_paying", "notice_days"]
    list_select_related = ["scheme__request_type"]
    list_editable = ["publish_before_paying", "notice_days"]


class ObjectionInline(admin.TabularInline):
    model = Objection
    extra = 0
    can_delete = False
    fields = ["member", "reason", "raised_at", "state", "decision_reason", "decided_by", "decide"]
    readonly_fields = fields
    verbose_name_plural = _("objections")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "decided_by")

    @admin.display(description=_("decide"))
    def decide(self, obj):
        if obj.state != Objection.State.PENDING:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>', reverse("notices:decide", args=[obj.pk]), gettext("Decide…")
        )


class ReadOnlyMixin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(GrantNotice)
class GrantNoticeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["masked_name", "worker", "unit", "scheme_name", "amount", "starts_on", "ends_on", "pending"]
    list_filter = ["reason_category", "starts_on"]
    list_select_related = ["unit", "request__member"]
    search_fields = ["request__reference", "request__member__name"]
    date_hierarchy = "starts_on"
    inlines = [ObjectionInline]
    fields = ["request", "masked_name", "unit", "scheme_name", "amount", "reason_category", "starts_on", "ends_on"]

    def get_queryset(self, request):
        return selectors.notices_for_officer(request.user, super().get_queryset(request))

    @admin.display(description=_("worker"), ordering="request__member__name")
    def worker(self, obj):
        return obj.request.member.name

    @admin.display(description=_("objections to decide"), ordering="pending")
    def pending(self, obj):
        return obj.pending or "—"


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["notice", "member", "raised_at", "state", "decided_by", "decide"]
    list_filter = ["state"]
    list_select_related = ["notice", "member", "decided_by"]
    search_fields = ["member__name"]
    fields = ["notice", "member", "reason", "raised_at", "state", "decided_by", "decided_at", "decision_reason"]

    def get_queryset(self, request):
        return selectors.objections_for_officer(request.user, super().get_queryset(request))

    @admin.display(description=_("decide"))
    def decide(self, obj):
        if obj.state != Objection.State.PENDING:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("notices:decide", args=[obj.pk]), gettext("Decide…"))
