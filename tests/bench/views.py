from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def bench_ceiling(request):
    """The cheapest authenticated page: the benchmark's ceiling."""
    return HttpResponse("ok", content_type="text/plain")
