from django.contrib import admin
from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", admin.site.admin_view(views.statistics_page), name="statistics"),
    path("outreach/", admin.site.admin_view(views.outreach_list), name="outreach"),
    path("outreach/<int:pk>/", admin.site.admin_view(views.outreach_member), name="outreach-member"),
    path("cards/<slug:slug>.csv", admin.site.admin_view(views.statistics_card_csv), name="statistics-card-csv"),
    path("<slug:slug>.csv", admin.site.admin_view(views.statistics_csv), name="statistics-csv"),
]
