"""Changelist parts written faster than the admin's own tags, with the same markup.

``{% fast_result_list cl %}``: the admin's ``{% result_list cl %}`` with each row written at once.

Django's tag works out every cell on its own (the field or method behind the column, its CSS
classes, the empty value, the change page's address) and renders each through a template
variable: with 50 rows of 11 columns that was most of the welfare changelist's time. The rows
come from ``members.changelists.row_html`` (the same markup: a test compares the two); a
changelist with editable rows or in a popup gets Django's tag.

Use it in an app's ``change_list.html`` in place of ``{% result_list cl %}``::

    {% block result_list %}{% load admin_rows %}...{% fast_result_list cl %}...{% endblock %}

``{% kept_list_filters cl %}``: the admin's ``{% for spec in cl.filter_specs %}{% admin_list_filter
cl spec %}{% endfor %}``, kept per process. The filter panel is a function of the address's
parameters, the language and each filter's choices (a link per choice, each its own query
string: the panel cost as much as ten rows). Filters whose choices could change with the data
or the day (related objects, all values, dates), and counts (``?_facets``), are rendered each time.
"""

from django import template
from django.contrib.admin.filters import BooleanFieldListFilter, ChoicesFieldListFilter, SimpleListFilter
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    admin_list_filter,
    result_headers,
    result_hidden_fields,
    result_list,
)
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from members.changelists import row_html

register = template.Library()


# Column headers kept by what they show (their sorting links follow the address).
_HEADERS: dict = {}


def _headers(cl) -> list[dict]:
    sortable_by = cl.sortable_by if cl.sortable_by is None else tuple(cl.sortable_by)
    key = (cl.opts.label, get_language(), cl.get_query_string(), tuple(map(str, cl.list_display)), sortable_by)
    headers = _HEADERS.get(key)
    if headers is None:
        headers = [{**header, "text": str(header["text"])} for header in result_headers(cl)]
        if len(_HEADERS) >= _PANELS_MAX:
            _HEADERS.clear()
        _HEADERS[key] = headers
    return headers


def fast_result_list(cl):
    write = row_html(cl)
    if write is None:
        return result_list(cl)
    headers = _headers(cl)
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        # One item per row: the template writes ``<tr>{% for item in result %}{{ item }}{% endfor %}</tr>``.
        "results": [ResultList(None, [SafeString(write(obj))]) for obj in cl.result_list],
    }


@register.tag(name="fast_result_list")
def fast_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=fast_result_list, template_name="change_list_results.html", takes_context=False
    )


# Filter panels kept by what they show (a few hundred at most: emptied when full).
_PANELS: dict = {}
_PANELS_MAX = 500


def _filter_key(spec):
    """What a filter's part of the panel depends on besides the address and the language; ``None``
    for a filter whose choices can change without either changing."""
    if isinstance(spec, SimpleListFilter):
        choices = tuple((str(value), str(label)) for value, label in spec.lookup_choices)
    elif isinstance(spec, (ChoicesFieldListFilter, BooleanFieldListFilter)):
        choices = ()  # the field's own choices
    else:
        return None
    return type(spec), spec.template, str(spec.title), choices


@register.simple_tag
def kept_list_filters(cl):
    specs = cl.filter_specs
    keys = [_filter_key(spec) for spec in specs]
    if cl.add_facets or None in keys:
        return SafeString("".join(admin_list_filter(cl, spec) for spec in specs))
    key = (cl.opts.label, get_language(), cl.get_query_string(), tuple(keys))
    panel = _PANELS.get(key)
    if panel is None:
        panel = SafeString("".join(admin_list_filter(cl, spec) for spec in specs))
        if len(_PANELS) >= _PANELS_MAX:
            _PANELS.clear()
        _PANELS[key] = panel
    return panel
