from django.urls import path

from . import mail_views

# Under /notifications/: the unsubscribe links in mails already sent keep working.
app_name = "mail"
urlpatterns = [
    path("preferences/", mail_views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
]
