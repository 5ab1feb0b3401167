"""The portal's admin site: Django's, without the navigation sidebar.

The breadcrumbs, the dashboard on the admin index and the search box in the
header (``dashboard.search``) lead everywhere.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(AdminSite):
    enable_nav_sidebar = False

    def get_urls(self):
        return [path("search/", self.admin_view(self.search_view), name="search")] + super().get_urls()

    def search_view(self, request):
        from .search import MAX_TERM, back_office_search  # the areas' admins load after the site

        term = request.GET.get("q", "")[:MAX_TERM]
        groups = back_office_search(request, term)
        context = {
            **self.each_context(request),
            "title": _("Search"),
            "term": term,
            "groups": groups,
            "found": any(group.hits for group in groups),
        }
        return TemplateResponse(request, "admin/search.html", context)


class PortalAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``PortalAdminSite`` as ``admin.site``."""

    default_site = "dashboard.sites.PortalAdminSite"
