from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Needs surveys")

    def ready(self):
        from members import data_export, erasure

        from .services import member_surveys_data, member_surveys_erase

        data_export.register("surveys", member_surveys_data)
        erasure.register("surveys", member_surveys_erase)
