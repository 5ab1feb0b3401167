from django.contrib import admin
from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", admin.site.admin_view(views.statistics_page), name="statistics"),
    path("outreach/", admin.site.admin_view(views.outreach_list), name="outreach"),
    path("outreach/<int:pk>/", admin.site.admin_view(views.outreach_member), name="outreach-member"),
    path("<slug:slug>.csv", admin.site.admin_view(views.statistics_csv), name="statistics-csv"),
]
