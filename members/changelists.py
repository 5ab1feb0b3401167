"""Changelists that stay fast at 100,000 rows.

Django's admin counts every matching row on each page view (and, unless told
otherwise, every row once more without the filters). Over an officer's whole
federation that count costs more than the page itself. Here the count stops a
little beyond the page being looked at: a list shorter than that gets its exact
count, a longer one says "1000+" and lets the officer walk on page by page (each
page further extends the count).
"""

import datetime
import functools
import html
import operator
from urllib.parse import quote as url_quote

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import _coerce_field_name
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.functional import Promise, cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Rows counted at least (20 pages of 50), and pages counted beyond the one shown.
COUNT_AT_LEAST = 1000
PAGES_AHEAD = 10


class AtLeast(int):
    """A count known only to be at least this: prints as "1000+" (pagination, search, "select all")."""

    def __str__(self):
        return f"{int(self)}+"

    def __format__(self, spec):
        return str(self) if not spec else super().__format__(spec)


class CappedCountPaginator(Paginator):
    """Counts no further than a little beyond the page shown. On the first page, the page's rows
    are read first: when there are fewer than a page of them (a search, a narrow filter) they are
    the count, and no count query is needed (``first_rows``, which the changelist then shows)."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, page_number=1):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.limit = max(COUNT_AT_LEAST, (max(page_number, 1) + PAGES_AHEAD) * int(per_page))
        self.page_number = page_number
        self.first_rows = None  # the whole list, when it is shorter than a page
        self._page_one = None

    def page(self, number):
        if self._page_one is not None and self.validate_number(number) == 1:
            return self._get_page(self._page_one, 1, self)
        return super().page(number)

    @cached_property
    def count(self) -> int:
        if self.page_number == 1 and not self.orphans and isinstance(self.object_list, QuerySet):
            rows = self._page_one = list(self.object_list[: self.per_page])
            if len(rows) < self.per_page:
                self.first_rows = rows
                return len(rows)
        # Any `limit + 1` rows tell whether there are more than `limit`: no ordering, no
        # annotations (such as the feedback's support counts) needed.
        found = self.object_list.order_by().values("pk")[: self.limit + 1].count()
        return AtLeast(self.limit) if found > self.limit else found


class LargeChangeList(ChangeList):
    """The changelist of ``LargeChangelistMixin``: a short first page read once (for the count and
    for the rows), and the rows read with only the columns the list shows (``list_only``)."""

    def get_results(self, request):
        everything = self.queryset
        only = getattr(self.model_admin, "list_only", None)
        if only:
            self.queryset = everything.only(*only)
        try:
            super().get_results(request)
        finally:
            self.queryset = everything  # actions and exports get whole rows
        rows = getattr(self.paginator, "first_rows", None)
        if rows is not None and not self.multi_page and not self.list_editable:
            self.result_list = rows  # what Django would read again: the whole (short) list


class _KeptWidget:
    """A widget whose HTML is kept per process by everything it is made of (widgets of the action
    bar: the same few choices on every page, rendered through two templates per option)."""

    _kept: dict = {}

    def render(self, name, value, attrs=None, renderer=None):
        choices = tuple((str(v), str(label)) for v, label in getattr(self, "choices", ()))
        key = (
            type(self),
            get_language(),
            name,
            str(value),
            tuple(sorted((k, str(v)) for k, v in {**self.attrs, **(attrs or {})}.items())),
            choices,
            type(renderer),
        )
        html = self._kept.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self._kept) >= 200:
                self._kept.clear()
            self._kept[key] = html
        return html


class _KeptSelect(_KeptWidget, forms.Select):
    pass


class _KeptHiddenInput(_KeptWidget, forms.HiddenInput):
    pass


class KeptActionForm(helpers.ActionForm):
    """The admin's action bar form, its widgets kept (``_KeptWidget``)."""

    action = forms.ChoiceField(label=helpers.ActionForm.base_fields["action"].label, widget=_KeptSelect)
    select_across = forms.BooleanField(
        label="", required=False, initial=0, widget=_KeptHiddenInput({"class": "select-across"})
    )


class LargeChangelistMixin:
    """For a ModelAdmin of many rows: no full count, a page count that stops a little beyond
    the page shown, a short list read once, and a selection checkbox per row without a template
    rendering each. ``list_only`` (field paths, ``only()``'s) limits the columns read for the rows
    shown; every field the columns use must be in it (else a query per row: the tests counting
    queries with twice the rows catch that)."""

    show_full_result_count = False
    list_only = None
    action_form = KeptActionForm

    def get_changelist(self, request, **kwargs):
        return LargeChangeList

    def get_actions(self, request):
        # Django asks three times for each changelist page (the checkbox column, the action bar and
        # its choices), checking the officer's permission for each action every time: once per request.
        kept = request.__dict__.setdefault("_changelist_actions", {})
        if self not in kept:
            kept[self] = super().get_actions(request)
        return dict(kept[self])

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # The changelist's page is ?p=, the autocomplete's (which pages search results) ?page=.
        try:
            page_number = int(request.GET.get(PAGE_VAR) or request.GET.get("page") or 1)
        except ValueError:
            page_number = 1
        return CappedCountPaginator(
            queryset, per_page, orphans, allow_empty_first_page, page_number=min(page_number, 10**6)
        )

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        # The markup of Django's CheckboxInput, written out (a test compares the two).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


@functools.cache
def _choice_labels(model, field_name: str, language: str) -> tuple[str, dict]:
    field = model._meta.get_field(field_name)
    return field.attname, {value: str(label) for value, label in field.flatchoices}


def choice_label(obj, field_name: str) -> str:
    """``obj.get_<field_name>_display()`` without translating every choice on each call."""
    attname, labels = _choice_labels(type(obj), field_name, get_language())
    value = getattr(obj, attname)
    return labels.get(value, value)


# --- Rows ------------------------------------------------------------------------

# What ``reverse()`` leaves unquoted in an argument.
URL_SAFE = "!$&'()*+,;=/~:@"


def _escaped(value) -> str:
    """``conditional_escape(value)`` as a plain string."""
    if type(value) is SafeString:
        return value
    if type(value) is str:
        return html.escape(value)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _value_repr(value, empty: str, boolean: bool):
    """What ``display_for_value`` shows; a non-blank string as it is (the common case, without the checks)."""
    if type(value) in (str, SafeString) and not boolean and value.strip():
        return value
    if isinstance(value, str) and value.strip() == "":
        value = ""
    return display_for_value(value, empty, boolean)


def _column(cl, index: int, name, first: bool):
    """A function giving one cell's HTML for a row, and whether the column holds the link.

    Everything Django's ``items_for_result`` works out for each cell but that depends only on
    the column (the field or the method, CSS classes, the empty value, the link) is worked out here.
    """
    model_admin = cl.model_admin
    empty_default = model_admin.get_empty_value_display()
    links = cl.list_display_links
    link = links is not None and ((first and not links) or name in links)
    css = _coerce_field_name(name, index)
    try:
        field = _get_non_gfk_field(cl.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        field = None

    if field is None or field.auto_created:
        if field is not None:
            get = operator.attrgetter(name)
            attr = None
        elif callable(name):
            get = attr = name
        elif hasattr(model_admin, name) and name != "__str__":
            get = attr = getattr(model_admin, name)
        else:
            get = attr = None  # an attribute of the model: Django's lookup, row by row
        empty = getattr(attr, "empty_value_display", empty_default)
        boolean = getattr(attr, "boolean", False)
        plain = "action-checkbox" if name == "action_checkbox" else f"field-{css}"
        classes = (f' class="{plain}"', f' class="{plain} nowrap"')
        missing = f' class="field-{css}"'  # Django's class for a related object that is gone
        if name == "action_checkbox" and getattr(type(model_admin), name, None) is LargeChangelistMixin.action_checkbox:
            return _checkbox_cell(classes[0]), link

        def cell(obj, tz):
            try:
                if get is None:
                    _, found, value = lookup_field(name, obj, model_admin)
                    shown_empty = getattr(found, "empty_value_display", empty_default)
                    flag = getattr(found, "boolean", False)
                    if isinstance(found, property) and hasattr(found, "fget"):
                        flag = getattr(found.fget, "boolean", False)
                    shown = _value_repr(value, shown_empty, flag)
                else:
                    value = get(obj)
                    shown = _value_repr(value, empty, boolean)
            except ObjectDoesNotExist:
                return missing, empty_default
            return classes[isinstance(value, (datetime.date, datetime.time))], shown

    else:
        nowrap = isinstance(field, (models.DateField, models.TimeField, models.ForeignKey))
        row_class = f' class="field-{css}{" nowrap" if nowrap else ""}"'
        missing = f' class="field-{css}"'
        empty = empty_default
        choices = None
        if getattr(field, "flatchoices", None):
            try:
                choices = {value: _escaped(label) for value, label in field.flatchoices}
            except TypeError:
                choices = None  # list-like choices: Django's way, row by row
        if isinstance(field.remote_field, models.ManyToOneRel):

            def shown_value(obj, tz):
                related = getattr(obj, field.name)
                return empty if related is None else related

        elif choices is not None:

            def shown_value(obj, tz):
                value = getattr(obj, field.attname)
                try:
                    return SafeString(choices[value])
                except (KeyError, TypeError):
                    return display_for_field(value, field, empty, avoid_link=link)

        elif isinstance(field, models.DateTimeField):
            write_date = _date_writer(get_format("DATETIME_FORMAT"))  # formats.localize()'s format

            def shown_value(obj, tz):
                value = getattr(obj, field.name)
                if value in field.empty_values:
                    return empty
                # timezone.template_localtime(value), the time zone looked up once per page
                if tz is not None and not timezone.is_naive(value) and getattr(value, "convert_to_local_time", True):
                    value = value.astimezone(tz)
                return write_date(value)

        elif isinstance(field, (models.CharField, models.TextField)) and not isinstance(field, models.URLField):

            def shown_value(obj, tz):
                value = getattr(obj, field.name)
                if value is None or value == "":
                    return empty
                if type(value) is str:
                    return value
                return display_for_field(value, field, empty, avoid_link=link)

        else:

            def shown_value(obj, tz):
                return display_for_field(getattr(obj, field.name), field, empty, avoid_link=link)

        def cell(obj, tz):
            try:
                return row_class, shown_value(obj, tz)
            except ObjectDoesNotExist:
                return missing, empty

    return cell, link


# Numeric format codes written straight from the value, as ``DateFormat``'s methods write them.
_PLAIN_CODES = {
    "Y": lambda value: f"{value.year:04d}",
    "y": lambda value: f"{value.year % 100:02d}",
    "m": lambda value: f"{value.month:02d}",
    "n": lambda value: str(value.month),
    "d": lambda value: f"{value.day:02d}",
    "j": lambda value: str(value.day),
    "H": lambda value: f"{value.hour:02d}",
    "G": lambda value: str(value.hour),
    "i": lambda value: f"{value.minute:02d}",
    "s": lambda value: f"{value.second:02d}",
}


def _date_writer(shape: str):
    """``dateformat.format(value, shape)`` with ``shape`` split into its parts once, not for each value
    (and without ``DateFormat`` when every code is a plain number: the Chinese formats)."""
    parts = []
    for i, piece in enumerate(dateformat.re_formatchars.split(str(shape))):
        if i % 2:
            parts.append((True, piece))
        elif piece:
            parts.append((False, dateformat.re_escaped.sub(r"\1", piece)))

    if all(not code or piece in _PLAIN_CODES for code, piece in parts):
        writers = [_PLAIN_CODES[piece] if code else piece for code, piece in parts]

        def write_plain(value) -> str:
            return "".join([part if type(part) is str else part(value) for part in writers])

        return write_plain

    def write(value) -> str:
        shown = dateformat.DateFormat(value)
        return "".join(str(getattr(shown, piece)()) if code else piece for code, piece in parts)

    return write


_LOOK_UP = object()


def _page_timezone():
    """The time zone the page's date-times are shown in (``template_localtime``'s), ``None`` for none."""
    return timezone.get_current_timezone() if settings.USE_TZ else None


def _checkbox_cell(row_class: str):
    """``LargeChangelistMixin.action_checkbox``'s cell, its label translated once per page."""
    head = f'<input type="checkbox" name="{html.escape(helpers.ACTION_CHECKBOX_NAME)}" value="'
    label = _("Select this object for an action - {}")

    def cell(obj, tz):
        aria = label.format(html.escape(str(obj)))
        return row_class, SafeString(f'{head}{html.escape(str(obj.pk))}" class="action-select" aria-label="{aria}">')

    return cell


# Row writers kept by what they are made of (a few dozen: emptied when full).
_WRITERS: dict = {}


def row_html(cl):
    """A function writing a whole row (``<td>``s and the ``<th>`` of the link) of ``cl`` as one string:
    Django's ``items_for_result`` markup, without working out each column again for each row.
    ``None`` where the changelist needs Django's own (editable rows, a popup).

    Kept per process by what the columns are made of: the ModelAdmin, its columns and links, the
    language (choices, formats, labels) and the filters the change page's links keep."""
    if cl.formset or cl.is_popup or cl.to_field:
        return None
    links = cl.list_display_links
    key = (
        cl.model_admin,
        tuple(cl.list_display),
        None if links is None else tuple(links),
        get_language(),
        cl.preserved_filters,
        get_script_prefix(),
        get_urlconf(),
    )
    write = _WRITERS.get(key)
    if write is None:
        write = _row_writer(cl)
        if len(_WRITERS) >= 200:
            _WRITERS.clear()
        _WRITERS[key] = write
    return write


def _row_writer(cl):
    cells, first = [], True
    for index, name in enumerate(cl.list_display):
        cell, link = _column(cl, index, name, first)
        tag = "th" if link and first else "td"
        first = first and not link
        cells.append((cell, link, tag))
    url = head = tail = None
    if any(link for _, link, _ in cells):
        # The change page's address once, the row's key put into it for each row.
        sentinel = "0ROWKEY0"
        try:
            url = reverse(
                f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
                args=(sentinel,),
                current_app=cl.model_admin.admin_site.name,
            )
        except NoReverseMatch:
            url = None
        if url is not None:
            url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)
            head, tail = (html.escape(part) for part in url.split(sentinel, 1))
    pk_name = cl.pk_attname

    def write(obj, tz=_LOOK_UP) -> str:
        """One row; ``tz`` is the current time zone when the caller looked it up for the page."""
        if tz is _LOOK_UP:
            tz = _page_timezone()
        out = []
        for cell, link, tag in cells:
            row_class, shown = cell(obj, tz)
            if link and url is not None:
                key = html.escape(url_quote(str(quote(getattr(obj, pk_name))), safe=URL_SAFE))
                out.append(f'<{tag}{row_class}><a href="{head}{key}{tail}">{_escaped(shown)}</a></{tag}>')
            else:
                out.append(f"<{tag}{row_class}>{_escaped(shown)}</{tag}>")
        return "".join(out)

    return write
