"""``{% fast_result_list cl %}``: the admin's ``{% result_list cl %}`` with each row written at once.

Django's tag works out every cell on its own (the field or method behind the column, its CSS
classes, the empty value, the change page's address) and renders each through a template
variable: with 50 rows of 11 columns that was most of the welfare changelist's time. The rows
come from ``members.changelists.row_html`` (the same markup: a test compares the two); a
changelist with editable rows or in a popup gets Django's tag.

Use it in an app's ``change_list.html`` in place of ``{% result_list cl %}``::

    {% block result_list %}{% load admin_rows %}...{% fast_result_list cl %}...{% endblock %}
"""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
    result_list,
)
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.safestring import SafeString

from members.changelists import row_html

register = template.Library()


def fast_result_list(cl):
    write = row_html(cl)
    if write is None:
        return result_list(cl)
    headers = list(result_headers(cl))
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
