from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


@register.simple_tag
def activity_cards(rows) -> SafeString:
    """The cards of the activity list: each activity's kept card and what it
    says to this worker about taking part. One tag, not a template loop: the
    loop's per-card tags and variables cost more than the rest of the page."""
    parts = []
    for row in rows:
        availability = row.availability
        if availability.status:
            line = format_html('<p><span class="badge status-{}">{}</span></p>', availability.status, availability.text)
        elif availability.open_to_me:
            line = format_html("<p>{}</p>", availability.text)
        else:
            line = format_html('<p class="not-for-you">{}</p>', availability.text)
        parts.append(format_html('<li class="card">\n{}\n{}\n</li>\n', activity_card(row.activity), line))
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped: kept templates and format_html)
