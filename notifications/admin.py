from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lib.phones import phone_masked

from . import services
from .models import Notification, SmsDay
from .sms import sms_segments


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for superusers and the chair (the whole installation): what was sent, on
    which channel, what failed and why; failed ones can be sent again.

    Bodies are not shown: they may hold password-reset links and sign-in codes.
    """

    list_display = [
        "recipient",
        "channel",
        "template",
        "status",
        "attempts",
        "last_error_short",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "template", "optional"]
    search_fields = ["to_email", "to_phone", "subject", "key"]
    date_hierarchy = "created_at"
    fields = [
        "key",
        "channel",
        "to_email",
        "masked_phone",
        "user",
        "template",
        "language",
        "subject",
        "segments",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "handed_over_at",
        "sent_at",
        "server_reply",
    ]
    readonly_fields = fields
    actions = ["retry"]

    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("notifications.view_notification")

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.has_perm("notifications.view_notification")

    @admin.display(description=_("recipient"))
    def recipient(self, obj):
        return phone_masked(obj.to_phone) if obj.channel == Notification.Channel.SMS else obj.to_email

    @admin.display(description=_("to number"))
    def masked_phone(self, obj):
        return phone_masked(obj.to_phone)

    @admin.display(description=_("text messages billed"))
    def segments(self, obj):
        return sms_segments(obj.body_text) if obj.channel == Notification.Channel.SMS else "-"

    @admin.display(description=_("last error"))
    def last_error_short(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed or unconfirmed messages again"), permissions=["view"])
    def retry(self, request, queryset):
        count = services.notification_retry(notifications=queryset)
        self.message_user(
            request, ngettext("%(n)d message queued again.", "%(n)d messages queued again.", count) % {"n": count}
        )


@admin.register(SmsDay)
class SmsDayAdmin(admin.ModelAdmin):
    """Texts sent per day against the day's ceiling; the chair raises today's when it is reached."""

    list_display = ["day", "sent", "ceiling", "reached"]
    fields = ["day", "sent", "ceiling"]
    readonly_fields = ["day", "sent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        services.sms_day_today()  # today's row exists, to be seen and raised
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("ceiling reached"), boolean=True)
    def reached(self, obj):
        return obj.sent >= obj.ceiling

    def save_model(self, request, obj, form, change):
        services.sms_ceiling_raise(day=obj, ceiling=form.cleaned_data["ceiling"])


# --- django-celery-beat's periodic tasks, made to fit ------------------------------
#
# Officers may change when a job runs and whether it is on; which task it calls
# and with what arguments is for superusers (an officer could otherwise point a
# schedule at any registered task). The library's actions (enable, disable,
# toggle, run now) declare no permission, so they are given the change one.
# Some of its labels are plain strings no catalogue reaches: they get
# translatable ones here (display labels only, so its migrations stay as they are).

from django_celery_beat import admin as beat_admin  # noqa: E402 - registers the library's admins first
from django_celery_beat.models import CrontabSchedule, PeriodicTask  # noqa: E402

# What an officer with the change permission may change: the timing and the switch.
TIMING_FIELDS = frozenset({"enabled", "interval", "crontab", "solar", "start_time", "expires", "expire_seconds"})


class TimingOnlyForm(beat_admin.PeriodicTaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Declared on the library's form, so "read only" alone leaves them in.
        for name in ("regtask", "task"):
            self.fields.pop(name, None)

    def clean(self):
        # The library's check reads the task: it is the row's own.
        self.cleaned_data["task"] = self.instance.task
        return super().clean()


class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # The task is shown read only by its name; the chooser of registered tasks goes.
        return [
            (title, {**options, "fields": [name for name in options["fields"] if name != "regtask"]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        every_field = [name for _, options in self.get_fieldsets(request, obj) for name in options["fields"]]
        return readonly + [name for name in every_field if name not in TIMING_FIELDS and name not in readonly]

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = TimingOnlyForm
        return super().get_form(request, obj, **kwargs)


for _name in ("enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks"):
    getattr(PeriodicTaskAdmin, _name).allowed_permissions = ("change",)

admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)

CrontabSchedule.human_readable.fget.short_description = _("Human readable")
PeriodicTask.scheduler.fget.short_description = _("Scheduler")
PeriodicTaskAdmin.crontab_translation.short_description = _("Crontab translation")
PeriodicTask._meta.get_field("task").verbose_name = _("Task Name")
