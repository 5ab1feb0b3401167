from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Care visits")

    def ready(self):
        from members import data_export, erasure

        from . import signals  # noqa: F401
        from .services import member_care_data, member_care_erase

        data_export.register("care", member_care_data)
        erasure.register("care", member_care_erase)
