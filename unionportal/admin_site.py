"""The back office's admin site: Django's, with the app list built only for a page that shows it.

Django builds the list of every app and model the officer may use (a permission check per
model) for each admin page, for the navigation sidebar. The sidebar is off here (the
breadcrumbs and the back-office index lead everywhere; on the busiest pages, the welfare
changelist first, it cost as much as the rows), and the list is built when a page uses it —
the index — rather than on every page.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject


class PortalAdminSite(AdminSite):
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        return SimpleLazyObject(lambda: super(PortalAdminSite, self).get_app_list(request))


class PortalAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``PortalAdminSite`` as ``admin.site``."""

    default_site = "unionportal.admin_site.PortalAdminSite"
