from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("s/<str:code>", views.short_link, name="short-link"),
    path("sms/inbound/<str:token>/", views.sms_inbound, name="sms-inbound"),
]
