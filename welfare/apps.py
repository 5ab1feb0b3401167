from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_roles(sender, **kwargs):
    # members grants roles on its own post_migrate, before this app's permissions exist on a
    # fresh database; granting again once they do makes a first migrate complete.
    from members.roles import sync_roles

    sync_roles()


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("Welfare and rights")

    def ready(self):
        from members import data_export

        from .services import member_welfare_data

        data_export.register("welfare", member_welfare_data)
        post_migrate.connect(_grant_roles, sender=self)
