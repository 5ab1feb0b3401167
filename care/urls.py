from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("report/", views.case_report, name="report"),
    path("<int:pk>/", views.case_detail, name="detail"),
]
