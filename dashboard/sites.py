"""The portal's admin site: Django's, without the navigation sidebar.

The breadcrumbs and the dashboard on the admin index lead everywhere.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(AdminSite):
    enable_nav_sidebar = False


class PortalAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``PortalAdminSite`` as ``admin.site``."""

    default_site = "dashboard.sites.PortalAdminSite"
