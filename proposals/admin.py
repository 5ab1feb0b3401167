"""Officers see the proposals for their part of the tree; the decision itself is
made on the review page (``proposals:review``), which calls the services."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.scoping import UnitScopedAdminMixin

from .models import Proposal, ProposalSupport, ProposalThreshold


class PastThresholdFilter(admin.SimpleListFilter):
    title = _("threshold")
    parameter_name = "past"

    def lookups(self, request, model_admin):
        return [("yes", _("past the threshold")), ("no", _("not yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(threshold_reached_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(threshold_reached_at__isnull=True)
        return queryset


class SupportInline(admin.TabularInline):
    model = ProposalSupport
    fields = ["member", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


@admin.register(Proposal)
class ProposalAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "proposer", "supporter_count", "threshold_reached_at", "state", "review_link"]
    list_filter = ["state", PastThresholdFilter, "category"]
    list_select_related = ["unit", "proposer"]
    search_fields = ["title", "description"]
    date_hierarchy = "created_at"
    ordering = ["state", "-threshold_reached_at", "-supporter_count", "-created_at"]
    fields = [
        "title",
        "description",
        "when",
        "category",
        "unit",
        "proposer",
        "supporter_count",
        "threshold_reached_at",
        "state",
        "answer",
        "decided_by",
        "decided_at",
        "activity",
    ]
    readonly_fields = fields
    inlines = [SupportInline]

    def has_add_permission(self, request):
        return False  # members propose on their pages

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("decide"))
    def review_link(self, obj):
        if not obj.is_open:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("proposals:review", args=[obj.pk]), _("decide"))


@admin.register(ProposalThreshold)
class ProposalThresholdAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "supporters"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    search_fields = ["unit__name"]
