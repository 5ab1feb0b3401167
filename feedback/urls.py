from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.submit, name="submit"),
    path("mine/", views.mine, name="mine"),
    path("follow-up/", views.follow_up, name="follow-up"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/reply/", views.reply, name="reply"),
    path("<uuid:pk>/support/", views.support, name="support"),
]
