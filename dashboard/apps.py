from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Back office")

    def ready(self):
        # Each area's dashboard figures and statistics register themselves.
        from .areas import load_all

        load_all()
