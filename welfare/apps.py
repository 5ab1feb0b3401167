from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_request_types(sender, **kwargs):
    # The request types come from a data migration. A database flush (as in
    # transactional tests) removes them and then sends post_migrate: put back
    # whichever are missing, never touching the ones officers edited.
    from django.apps import apps

    import_module("welfare.migrations.0002_request_types").add_types(apps, None)


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("Welfare and rights")

    def ready(self):
        from members import data_export, erasure

        from .services import member_welfare_data, member_welfare_erase

        data_export.register("welfare", member_welfare_data)
        erasure.register("welfare", member_welfare_erase)
        post_migrate.connect(_ensure_request_types, sender=self)
