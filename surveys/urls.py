from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:pk>/", views.answer, name="answer"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.csv", views.results_csv, name="csv"),
    path("choices/<int:pk>/draft/", views.choice_draft, name="draft"),
]
