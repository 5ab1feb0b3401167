from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/object/", views.notice_object, name="object"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="decide"),
]
