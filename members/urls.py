from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("profile/new/", views.profile_create, name="profile-create"),
    path("profile/edit/", views.profile_edit, name="profile-edit"),
    path("apply/", views.membership_apply, name="apply"),
    path("withdraw/", views.membership_withdraw, name="withdraw"),
    path("card/", views.card, name="card"),
    path("card/renew/", views.card_renew, name="card-renew"),
    path("card/scan/<str:token>/", views.card_scan, name="card-scan"),
    path("data/", views.data_page, name="data"),
    path("data.json", views.data_export, name="data-export"),
    path("deletion/", views.deletion_request, name="deletion-request"),
    path("password/by-code/", views.password_by_code, name="password-by-code"),
    path("verification/resend/", views.verification_resend, name="verification-resend"),
]
