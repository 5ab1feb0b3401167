from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Grant notices (公示)")

    def ready(self):
        from members import data_export, erasure
        from welfare.services import payment_check_register

        from . import signals  # noqa: F401
        from .services import member_notices_data, member_notices_erase, payment_check

        payment_check_register(payment_check)
        data_export.register("notices", member_notices_data)
        erasure.register("notices", member_notices_erase)
