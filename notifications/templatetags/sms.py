from django import template

from ..shortlinks import short_url

register = template.Library()


@register.filter
def short_link(url: str) -> str:
    """``{{ detail_url|short_link }}``: the page's ``/s/<code>`` link, short enough for a text."""
    return short_url(str(url)) if url else ""
