from django import template

from unionportal.fragments import render_kept, reverse_kept, select_field

from ..models import Feedback

register = template.Library()
register.simple_tag(select_field)


@register.simple_tag
def board_card(item: Feedback) -> str:
    """The card of ``item`` on the board, the same for every member (their own
    support button is not in it): rendered once and kept."""
    return render_kept(
        "feedback/_board_card.html",
        pk=item.pk,
        title=item.title,
        category=item.get_category_display(),
        state=item.state,
        state_label=item.get_state_display(),
        unit=item.unit.name,
        published_at=item.published_at,
        official_answer=item.official_answer,
        support_count=item.supporter_count,
    )


@register.simple_tag
def support_url(item: Feedback) -> str:
    return reverse_kept("feedback:support", item.pk)
