from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for superusers: what was sent, what failed and why.

    Bodies are not shown: they may hold password-reset links.
    """

    list_display = ["subject", "to_email", "template", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template", "optional"]
    search_fields = ["to_email", "subject", "key"]
    date_hierarchy = "created_at"
    fields = [
        "key",
        "to_email",
        "user",
        "template",
        "language",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["retry"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["view"])
    def retry(self, request, queryset):
        count = services.notification_retry(notifications=queryset)
        self.message_user(
            request, ngettext("%(n)d e-mail queued again.", "%(n)d e-mails queued again.", count) % {"n": count}
        )
