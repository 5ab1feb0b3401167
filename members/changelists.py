"""Changelists that stay fast at 100,000 rows.

Django's admin counts every matching row on each page view (and, unless told
otherwise, every row once more without the filters). Over an officer's whole
federation that count costs more than the page itself. Here the count stops a
little beyond the page being looked at: a list shorter than that gets its exact
count, a longer one says "1000+" and lets the officer walk on page by page (each
page further extends the count).
"""

import functools

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, page_number=1):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.limit = max(COUNT_AT_LEAST, (max(page_number, 1) + PAGES_AHEAD) * int(per_page))

    @cached_property
    def count(self) -> int:
        # Any `limit + 1` rows tell whether there are more than `limit`: no ordering, no
        # annotations (such as the feedback's support counts) needed.
        found = self.object_list.order_by().values("pk")[: self.limit + 1].count()
        return AtLeast(self.limit) if found > self.limit else found


class LargeChangelistMixin:
    """For a ModelAdmin of many rows: no full count, a page count that stops a little beyond
    the page shown, and a selection checkbox per row without a template rendering each."""

    show_full_result_count = False

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
def _choice_labels(field, language: str) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


def choice_label(obj, field_name: str) -> str:
    """``obj.get_<field_name>_display()`` without translating every choice on each call."""
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field.attname)
    return _choice_labels(field, get_language()).get(value, value)
