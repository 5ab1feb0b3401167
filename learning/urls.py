from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.library, name="library"),
    path("mine/", views.mine, name="mine"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("materials/<int:pk>/file/", views.material_file, name="material-file"),
    path("materials/<int:pk>/discuss/", views.material_discuss, name="material-discuss"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/start/", views.course_start, name="course-start"),
    path("courses/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("courses/<int:pk>/discuss/", views.course_discuss, name="course-discuss"),
    path("steps/<int:pk>/", views.step, name="step"),
    path("posts/<int:pk>/report/", views.post_report, name="post-report"),
]
