from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from unionportal.fragments import KeptRows, reverse_kept, select_field

from ..models import Feedback

register = template.Library()
register.simple_tag(select_field)


@register.simple_tag
def board_card(item: Feedback, kept: KeptRows | None = None) -> str:
    """The card of ``item`` on the board, the same for every member (their own
    support button is not in it): rendered once and kept."""
    kept = kept or KeptRows()
    return kept.render(
        "feedback/_board_card.html",
        pk=item.pk,
        title=item.title,
        category=kept.label(Feedback.Category, item.category),
        state=item.state,
        state_label=kept.label(Feedback.State, item.state),
        unit=item.unit.name,
        published_at=item.published_at,
        official_answer=item.official_answer,
        support_count=item.supporter_count,
    )


@register.simple_tag
def support_url(item: Feedback) -> str:
    return reverse_kept("feedback:support", item.pk)


@register.simple_tag(takes_context=True)
def board_cards(context, items, member) -> SafeString:
    """The board's cards with, for a member, their support button: the card and
    the button are each kept (``KeptRows``), only the form's CSRF token is
    the request's. One tag, not a template loop: the loop's per-card tags and
    variables cost more than the rest of the page."""
    token = context.get("csrf_token")  # as {% csrf_token %} renders it
    csrf_input = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"
        else ""
    )
    next_url = context["request"].get_full_path()
    kept = KeptRows()
    parts = []
    for item in items:
        parts.append('<li class="card">\n    ')
        parts.append(board_card(item, kept))
        if member:
            parts.append(
                format_html('\n    <form method="post" action="{}">', kept.reverse("feedback:support", item.pk))
            )
            parts.append(csrf_input)
            parts.append("\n      ")
            parts.append(
                kept.render(
                    "feedback/_support_button.html", next=next_url, supported=bool(item.supported), title=item.title
                )
            )
            parts.append("\n    </form>")
        parts.append("\n  </li>\n  ")
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped: kept templates, format_html, a reversed URL)
