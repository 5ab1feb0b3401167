from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.submit, name="submit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/review/", views.review, name="review"),
]
