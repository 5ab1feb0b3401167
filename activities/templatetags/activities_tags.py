from django import template

from unionportal.fragments import render_kept, select_field

from .. import selectors

register = template.Library()
register.simple_tag(select_field)


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


@register.simple_tag
def activity_card(activity):
    """What a card of the activity list says about ``activity`` itself, the same
    for every worker (whether they can take part is not in it): rendered once and kept."""
    return render_kept(
        "activities/includes/activity_card.html",
        pk=activity.pk,
        title=activity.title,
        category=activity.get_category_display(),
        unit=activity.unit.name,
        starts_at=activity.starts_at,
        place=activity.place,
    )
