from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from members import data_export, erasure

        from .data_export import member_activities
        from .services import member_activities_erase

        data_export.register("activities", member_activities)
        erasure.register("activities", member_activities_erase)
