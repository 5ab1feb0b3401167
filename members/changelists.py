"""Changelists that stay fast at 100,000 rows: Django's ``ChangeList`` with a capped count.

Django's admin counts every matching row on each page view (and, unless told
otherwise, every row once more without the filters). Over an officer's whole
federation that count costs more than the page itself. Here the count stops a
little beyond the page being looked at: a list shorter than that gets its exact
count, a longer one says "1000+" and lets the officer walk on page by page (each
page further extends the count).

Everything else is the admin's own: its templates, ``{% result_list %}``, its
filters and its action bar.
"""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
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
    """Django's changelist, its rows read with only the columns the list shows (``list_only``)
    and a list shorter than a page read once (``CappedCountPaginator.first_rows``)."""

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


class LargeChangelistMixin:
    """For a ModelAdmin of many rows: no full count and a page count that stops a little beyond
    the page shown. ``list_only`` (field paths, ``only()``'s) limits the columns read for the rows
    shown; every field the columns use must be in it (else a query per row: the tests counting
    queries with twice the rows catch that).

    Fifty rows a page, not Django's hundred: what an officer reads before
    searching or filtering (and what fits a phone), and half the admin's
    per-row rendering, which is most of such a page's time."""

    show_full_result_count = False
    list_only = None
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return LargeChangeList

    def action_checkbox(self, obj):
        # The selection column written with format_html, as the admin's documentation writes any
        # column of markup, rather than through a widget template per row: that template was a
        # third of such a page's time. Same name, class and label as Django's own, so the
        # admin's actions.js and its "select all" work unchanged (tests/members/test_changelists.py).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # The changelist's page is ?p=, the autocomplete's (which pages search results) ?page=.
        try:
            page_number = int(request.GET.get(PAGE_VAR) or request.GET.get("page") or 1)
        except ValueError:
            page_number = 1
        return CappedCountPaginator(
            queryset, per_page, orphans, allow_empty_first_page, page_number=min(page_number, 10**6)
        )
