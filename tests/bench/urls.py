"""The portal's addresses plus the benchmark's empty "ceiling" view (bench settings only)."""

from django.urls import path

from unionportal.urls import urlpatterns as portal_urlpatterns

from .views import bench_ceiling

urlpatterns = [*portal_urlpatterns, path("bench/ceiling", bench_ceiling, name="bench-ceiling")]
