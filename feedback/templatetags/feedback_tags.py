"""The board's cards, rendered once and kept.

A card's text is the same for every member who reads the board in the same
language: only the support button under it is theirs. Rendering twenty cards
through the template engine took longer than everything else on the page, so
each card is kept in this process, looked up by everything it shows: a changed
title, answer, state or support count is a different key, and the old card
just ages out of the cache.
"""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation

from unionportal.choices import choice_label

from ..models import Feedback

register = template.Library()

# About 1 KB a card: a few MB at most per process.
CARDS_KEPT = 4096


@register.simple_tag
def board_card(item: Feedback) -> str:
    """The card of ``item`` on the board (without the member's support button)."""
    return _card(
        item.pk,
        item.title,
        item.category,
        item.state,
        item.unit.name,
        item.published_at,
        item.official_answer,
        item.supporter_count,
        # What else changes the text: the language, the time zone of the date, the URLs' prefix.
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )


@lru_cache(maxsize=CARDS_KEPT)
def _card(pk, title, category, state, unit, published_at, official_answer, support_count, *_context) -> str:
    return render_to_string(
        "feedback/_board_card.html",
        {
            "url": reverse("feedback:detail", args=[pk]),
            "title": title,
            "category": choice_label(Feedback.Category, category),
            "state": state,
            "state_label": choice_label(Feedback.State, state),
            "unit": unit,
            "published_at": published_at,
            "official_answer": official_answer,
            "support_count": support_count,
        },
    )
