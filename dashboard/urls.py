from django.contrib import admin
from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", admin.site.admin_view(views.statistics_page), name="statistics"),
    path("<slug:slug>.csv", admin.site.admin_view(views.statistics_csv), name="statistics-csv"),
]
