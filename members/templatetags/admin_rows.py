"""Changelist parts written faster than the admin's own tags, with the same markup.

``{% fast_result_list cl %}``: the admin's ``{% result_list cl %}`` with each row written at once,
and the table around the rows (column headers, sorting links) kept per process.

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

``{% kept value ... %}…{% endkept %}`` and ``{% kept_admin_actions %}``: any other part of a changelist
that is the same for every request with the same values (the search form, the object tools, the
date drill-down, the pagination, the media; the action bar), written once per process for each.
Django wrote each of them through a few templates on every page view: together as much as the rows.
A test writes pages with and without the kept parts and compares them.
"""

import datetime
import functools
import secrets

from django import forms, template
from django.contrib.admin.filters import BooleanFieldListFilter, ChoicesFieldListFilter, SimpleListFilter
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    admin_list_filter,
    result_headers,
    result_hidden_fields,
    result_list,
)
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from members.changelists import _page_timezone, row_html

register = template.Library()


# Column headers kept by what they show (their sorting links follow the address).
_HEADERS: dict = {}


def _headers_key(cl) -> tuple:
    sortable_by = cl.sortable_by if cl.sortable_by is None else tuple(cl.sortable_by)
    return (cl.opts.label, get_language(), cl.get_query_string(), tuple(map(str, cl.list_display)), sortable_by)


def _headers(cl) -> list[dict]:
    key = _headers_key(cl)
    headers = _HEADERS.get(key)
    if headers is None:
        headers = [{**header, "text": str(header["text"])} for header in result_headers(cl)]
        if len(_HEADERS) >= _PANELS_MAX:
            _HEADERS.clear()
        _HEADERS[key] = headers
    return headers


def _results_frame(context, cl, headers) -> tuple[str, str, str] | None:
    """The results table of ``change_list_results.html`` around its rows, kept with the column headers:
    ``(before the first row, between two rows, after the last)``. Rendered once with two marker rows, so
    the markup (whitespace included) is the template's, whichever ``change_list_results.html`` the
    model or its app overrides it with."""
    opts = cl.opts
    names = [
        f"admin/{opts.app_label.lower()}/{opts.model_name}/change_list_results.html",
        f"admin/{opts.app_label.lower()}/change_list_results.html",
        "admin/change_list_results.html",
    ]
    chosen = context.template.engine.select_template(names)
    key = (chosen.origin.name, *_headers_key(cl))
    frame = _FRAMES.get(key)
    if frame is None:
        first, second = "\x00row-one\x00", "\x00row-two\x00"
        html = chosen.render(
            context.new(
                {
                    "cl": cl,
                    "result_hidden_fields": [],
                    "result_headers": headers,
                    "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
                    "results": [ResultList(None, [SafeString(first)]), ResultList(None, [SafeString(second)])],
                }
            )
        )
        if html.count(first) != 1 or html.count(second) != 1:
            return None  # a template that does not write each row once, as it is
        before, rest = html.split(first)
        between, after = rest.split(second)
        frame = (before, between, after)
        if len(_FRAMES) >= _PANELS_MAX:
            _FRAMES.clear()
        _FRAMES[key] = frame
    return frame


_FRAMES: dict = {}


def fast_result_list(context, cl) -> SafeString | None:
    """The results table as ``{% result_list cl %}`` writes it; ``None`` where Django's tag must write it
    (editable rows, a popup, no rows)."""
    write = row_html(cl)
    if write is None or not cl.result_list or list(result_hidden_fields(cl)):
        return None
    frame = _results_frame(context, cl, _headers(cl))
    if frame is None:
        return None
    before, between, after = frame
    tz = _page_timezone()
    return SafeString(before + between.join([write(obj, tz) for obj in cl.result_list]) + after)


class _FastResultListNode(template.Node):
    def __init__(self, cl, djangos):
        self.cl, self.djangos = cl, djangos

    def render(self, context):
        html = fast_result_list(context, self.cl.resolve(context))
        return self.djangos.render(context) if html is None else html


@register.tag(name="fast_result_list")
def fast_result_list_tag(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("usage: {% fast_result_list cl %}")
    djangos = InclusionAdminNode(
        parser, token, func=result_list, template_name="change_list_results.html", takes_context=False
    )
    return _FastResultListNode(parser.compile_filter(bits[1]), djangos)


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


# --- Fragments kept by what they show ------------------------------------------------

_KEPT: dict = {}  # the action bars
_KEPT_MAX = 300  # per {% kept %} (a few KB each): emptied when full
_forgotten = [0]  # how many times forget() was called: each {% kept %} forgets its fragments then


class _Unkeepable(Exception):
    pass


def _frozen(value):
    """``value`` as part of a key: scalars with their type (a safe string is not its escaped twin),
    lazy strings translated, containers and media frozen; anything else cannot be a key."""
    if value is None or isinstance(value, (str, int, float, datetime.date)):
        return type(value), value
    if isinstance(value, Promise):
        return str, str(value)
    if isinstance(value, (list, tuple)):
        return tuple, tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return dict, tuple((_frozen(k), _frozen(v)) for k, v in value.items())
    if isinstance(value, forms.Media):
        return forms.Media, _frozen(value._css_lists), _frozen(value._js_lists)
    raise _Unkeepable(type(value))


# Written in place of the CSRF token in a kept fragment, and replaced by the request's token on each use.
_CSRF_MARK = f"csrf{secrets.token_hex(16)}"


class KeptNode(template.Node):
    """``{% kept value ... %}…{% endkept %}``: what is between written once per process for each set of
    values (and language, time zone, escaping), then read back. The values must be everything the
    fragment shows that could change: it must not show messages or anything else of the request left
    out of the values, nor change the context. A CSRF token in it is the request's own: the fragment
    is kept with a mark in its place, and each use puts the request's token there.

    The fragments are kept on the node, which lives as long as its compiled template (for the
    process, with the cached template loader)."""

    def __init__(self, nodelist, values):
        self.nodelist, self.values = nodelist, values
        self.kept, self.forgotten = {}, _forgotten[0]

    def render(self, context):
        try:
            key = (
                get_language(),
                timezone.get_current_timezone_name(),
                get_script_prefix(),
                get_urlconf(),
                context.autoescape,
                context.use_l10n,
                context.use_tz,
                *(_frozen(value.resolve(context)) for value in self.values),
            )
        except _Unkeepable:
            return self.nodelist.render(context)
        if self.forgotten != _forgotten[0]:
            self.kept, self.forgotten = {}, _forgotten[0]
        html = self.kept.get(key)
        if html is None:
            with context.push(csrf_token=_CSRF_MARK):
                html = SafeString(self.nodelist.render(context))
            if len(self.kept) >= _KEPT_MAX:
                self.kept.clear()
            self.kept[key] = html
        if _CSRF_MARK in html:
            token = context.get("csrf_token")
            if not token or token == "NOTPROVIDED":
                return self.nodelist.render(context)  # no token: Django writes no field
            html = SafeString(html.replace(_CSRF_MARK, conditional_escape(str(token))))
        return html


@register.tag(name="kept")
def kept_tag(parser, token):
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, values)


@register.simple_tag(takes_context=True)
def kept_admin_actions(context):
    """``{% admin_actions %}``, kept by the action choices, the counts it shows and its place on the page."""
    cl, form = context["cl"], context["action_form"]
    index = context.get("action_index", -1) + 1
    try:
        key = (
            "actions",
            cl.opts.label,
            get_language(),
            index,
            _frozen(form.fields["action"].choices),
            _frozen(context.get("actions_selection_counter")),
            _frozen(context.get("selection_note")),
            _frozen(context.get("selection_note_all")),
            _frozen(context.get("module_name")),
            _frozen(cl.result_count),
            len(cl.result_list),
            type(form),
        )
    except _Unkeepable:
        key = None
    html = _KEPT.get(key) if key is not None else None
    if html is None:
        html = SafeString(_actions_template(context.template.engine).render(context))  # sets action_index
        if key is not None:
            if len(_KEPT) >= _KEPT_MAX:
                _KEPT.clear()
            _KEPT[key] = html
    else:
        context["action_index"] = index  # as Django's tag does
    return html


@functools.cache
def _actions_template(engine):
    return engine.from_string("{% load admin_list %}{% admin_actions %}")


def forget() -> None:
    """Forget every kept part of the changelists (tests compare pages written from nothing with kept ones)."""
    from members.changelists import _KeptWidget

    for kept in (_HEADERS, _FRAMES, _PANELS, _KEPT, _KeptWidget._kept):
        kept.clear()
    _forgotten[0] += 1
