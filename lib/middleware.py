"""Middleware that knows nothing of the portal's areas."""

from django.core.exceptions import BadRequest

NUL = "\x00"


def _has_nul(querydict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in querydict.lists())


class RefuseNulMiddleware:
    """Answer 400 to a request with a NUL byte in its path, query or form values.

    No text the portal stores or looks up may hold one (PostgreSQL refuses it in text
    columns, SQLite cuts it, file names cannot hold it), so refusing it here, once,
    spares every view, form, filter and lookup from a 500. ``BadRequest`` becomes Django's
    400 page (``handler400``). Put it early in
    ``MIDDLEWARE``: nothing before it reads the values.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _has_nul(request.GET):
            raise BadRequest("NUL byte in the path or query")
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            if _has_nul(request.POST) or any(NUL in (f.name or "") for f in request.FILES.values()):
                raise BadRequest("NUL byte in a form value")
        return self.get_response(request)
