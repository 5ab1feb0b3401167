from django.urls import path

from . import views

app_name = "welfare"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_choose_type, name="choose-type"),
    path("new/<slug:code>/", views.request_submit, name="submit"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/reply/", views.request_reply, name="reply"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
]
