from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("Welfare and rights")

    def ready(self):
        from members import data_export

        from .services import member_welfare_data

        data_export.register("welfare", member_welfare_data)
