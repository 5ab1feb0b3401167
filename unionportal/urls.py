from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from members import views as member_views
from pages import views

# The admin login goes through allauth (e-mail, rate limits, second factor).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = admin.site.site_title = _("UnionPortal back office")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("language/", member_views.language_set, name="language-set"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("members.urls")),
    path("activities/", include("activities.urls")),
    path("welfare/", include("welfare.urls")),
    path("feedback/", include("feedback.urls")),
    path("care/", include("care.urls")),
    path("notices/", include("notices.urls")),
    path("learning/", include("learning.urls")),
    path("surveys/", include("surveys.urls")),
    path("proposals/", include("proposals.urls")),
    path("notifications/", include("members.mail_urls")),
    # Short links in text messages (/s/<code>) and replies to them (回复TD退订).
    path("", include("notifications.urls")),
    path("admin/statistics/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
]
