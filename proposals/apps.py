from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Activity proposals")

    def ready(self):
        from members import data_export, erasure

        from .services import member_proposals_data, member_proposals_erase

        data_export.register("proposals", member_proposals_data)
        erasure.register("proposals", member_proposals_erase)
