from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Membership")

    def ready(self):
        from . import signals

        signals.connect_officer_access_signals()
