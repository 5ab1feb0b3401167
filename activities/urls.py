from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("mine/", views.my_activities, name="mine"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/signup/", views.activity_signup, name="signup"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/rate/", views.activity_rate, name="rate"),
    path("<int:pk>/calendar.ics", views.activity_calendar, name="calendar"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path("feed/", views.calendar_feed_manage, name="feed-manage"),
    path("feed/<str:token>.ics", views.calendar_feed, name="feed"),
    path("check-in/<str:token>/", views.card_check_in, name="check-in"),
]
