from django import template

from ..shortlinks import short_url

register = template.Library()


@register.filter
def short_link(url: str) -> str:
    """``{{ detail_url|short_link }}``: the page's ``/s/<code>`` link, short enough for a text."""
    return short_url(str(url)) if url else ""


@register.filter
def dates_joined(values, fmt: str = "Y-m") -> str:
    """``{{ months|dates_joined:"Y-m" }}``: dates written one after the other, for a text too short for a list."""
    from django.utils.dateformat import format as date_format

    return ", ".join(date_format(value, fmt) for value in values or ())
