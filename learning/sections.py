"""What learning adds to the pages of the apps below it (``members.slots``):
the completion records on the member's profile and card, and the library's
material under a welfare request type's guidance."""

from django.template.loader import render_to_string

from . import selectors

CARD_COMPLETIONS = 3


def profile_completions(request, *, member) -> str:
    completions = list(selectors.completions(member=member))
    return render_to_string("learning/_profile_completions.html", {"completions": completions}, request=request)


def card_completions(request, *, member) -> str:
    completions = list(selectors.completions(member=member)[:CARD_COMPLETIONS])
    if not completions:
        return ""
    return render_to_string("learning/_card_completions.html", {"completions": completions}, request=request)


def guidance_materials(request, *, request_type) -> str:
    materials = list(
        selectors.materials_visible_to(request.user)
        .filter(request_types=request_type)
        .only("title", "kind", "minutes")
        .order_by("-published_at", "-id")[:5]
    )
    if not materials:
        return ""
    return render_to_string("learning/_guidance_materials.html", {"materials": materials}, request=request)
