from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("activities/includes/check_in_panel.html", takes_context=True)
def card_check_in(context, member, token):
    """The activities an officer can check a scanned member in to, with a button each."""
    request = context["request"]
    return {
        "member": member,
        "token": token,
        "registrations": selectors.check_in_choices(officer=request.user, member=member),
        "csrf_token": context.get("csrf_token"),
    }
