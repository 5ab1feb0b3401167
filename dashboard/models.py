from django.db import models
from django.utils.translation import gettext_lazy as _


class Statistics(models.Model):
    """No table: the holder of the permission to see the statistics page.

    The figures are read from every area; the permission belongs to none of them.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_statistics", _("Can view the statistics"))]
        verbose_name = _("statistics")
        verbose_name_plural = _("statistics")

    def __str__(self):
        return str(self._meta.verbose_name)
