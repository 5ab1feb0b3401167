app_name = "welfare"
urlpatterns = []
