"""Changelists that stay fast at 100,000 rows.

Django's admin counts every matching row on each page view (and, unless told
otherwise, every row once more without the filters). Over an officer's whole
federation that count costs more than the page itself. Here the count stops a
little beyond the page being looked at: a list shorter than that gets its exact
count, a longer one says "1000+" and lets the officer walk on page by page (each
page further extends the count).
"""

from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.utils.functional import cached_property

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
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, page_number=1):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.limit = max(COUNT_AT_LEAST, (max(page_number, 1) + PAGES_AHEAD) * int(per_page))

    @cached_property
    def count(self) -> int:
        # Any `limit + 1` rows tell whether there are more than `limit`: no ordering, no
        # annotations (such as the feedback's support counts) needed.
        found = self.object_list.order_by().values("pk")[: self.limit + 1].count()
        return AtLeast(self.limit) if found > self.limit else found


class CappedCountAdminMixin:
    """For a ModelAdmin: no full count, and a page count that stops a little beyond the page shown."""

    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        try:
            page_number = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page_number = 1
        return CappedCountPaginator(
            queryset, per_page, orphans, allow_empty_first_page, page_number=min(page_number, 10**6)
        )
