from django import template
from django.utils.safestring import mark_safe

from members import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name, **kwargs):
    """The sections other apps add at this place of the page (``members.slots``)."""
    # Each section is rendered from a template of its app (autoescaped there).
    return mark_safe(slots.render(name, context.get("request"), **kwargs))
