from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_schedules(sender, **kwargs):
    from lib.schedules import install_schedules

    install_schedules()


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks

        post_migrate.connect(_install_schedules, sender=self)
