"""The libraries' admins made to fit: Chinese labels, and actions guarded.

Chinese for the admin labels that libraries leave in English.

Some libraries mark their labels for translation but ship no Chinese for
them (django-celery-beat, treebeard): their msgids are listed here so our
catalogue, which comes first, translates them. allauth's MFA model (and a
celery-beat column) has plain field names as labels, which no catalogue can reach, so ``relabel`` gives
them translatable ones at start-up. Only the display labels change (not
``_verbose_name`` nor ``Meta.original_attrs``), so the library's migrations
stay as they are.

django-celery-beat's actions on periodic tasks (enable, disable, toggle, run
now) declare no permission, so anyone who may only *view* the schedules
could switch the reminders off: ``guard_actions`` asks for the change
permission.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LIBRARY_MSGIDS = [
    # treebeard's move form
    _("Position"),
    _("Relative to"),
]


def relabel() -> None:
    from allauth.mfa.models import Authenticator
    from django_celery_beat.admin import PeriodicTaskAdmin
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    # Columns labelled from their Python names, and a label given as a plain string.
    CrontabSchedule.human_readable.fget.short_description = _("Human readable")
    PeriodicTask.scheduler.fget.short_description = _("Scheduler")
    PeriodicTaskAdmin.crontab_translation.short_description = _("Crontab translation")
    PeriodicTask._meta.get_field("task").verbose_name = _("Task Name")

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


def guard_actions() -> None:
    from django_celery_beat.admin import PeriodicTaskAdmin

    for name in ("enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks"):
        getattr(PeriodicTaskAdmin, name).allowed_permissions = ("change",)
