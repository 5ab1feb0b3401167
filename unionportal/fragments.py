"""Fragments of list pages rendered once and kept, by everything they show.

A card of a busy list (an activity, an item on the feedback board) reads the
same for everyone who sees it in the same language: only the per-member part
beside it differs. Rendering a page of cards through the template engine
cost more than the rest of those pages, so ``render_kept`` renders a card's
template from plain values and keeps the result in this process, under those
values and what else changes the text (the language, the time zone, the
URLs' prefix). Changed data is a new key; an old card just ages out.

The template must depend on nothing else: pass every value it shows
(hashable: strings, numbers, dates, UUIDs), never a model instance.
"""

from functools import lru_cache

from django.db.models import Choices
from django.forms import BoundField
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from . import kept_url
from .choices import choice_label

# About 1 KB a card: a few MB at most per process.
FRAGMENTS_KEPT = 4096


def render_kept(template_name: str, **values) -> SafeString:
    return _render(template_name, tuple(values.items()), *_text_context())


def _text_context() -> tuple:
    return translation.get_language(), timezone.get_current_timezone_name(), get_script_prefix()


class KeptRows:
    """``render_kept`` and ``reverse_kept`` for the rows of one page: what else
    changes their text (the language, the time zone, the URLs' prefix and
    configuration) is read once for the page, not for every row, where reading
    it cost more than finding the kept row."""

    def __init__(self):
        self._text = _text_context()
        self._urls = kept_url.url_context()
        self._labels = {}

    def label(self, choices: type[Choices], value) -> str:
        """``choice_label(choices, value)``, translated once for the page."""
        key = (choices, value)
        if key not in self._labels:
            self._labels[key] = choice_label(choices, value)
        return self._labels[key]

    def render(self, template_name: str, **values) -> SafeString:
        return _render(template_name, tuple(values.items()), *self._text)

    def reverse(self, viewname: str, *args) -> str:
        return kept_url.reverse_plain(self._urls, viewname, args)


@lru_cache(maxsize=FRAGMENTS_KEPT)
def _render(template_name: str, values: tuple, *_context) -> SafeString:
    return render_to_string(template_name, dict(values))


def select_field(field: BoundField) -> SafeString:
    """A choice field of a list page's filter form, kept: rendered through Django's
    widget templates, the filter form cost more than a page of cards."""
    chosen = field.value()
    return render_kept(
        "includes/select_field.html",
        name=field.html_name,
        id=field.id_for_label,
        label=str(field.label),
        label_suffix=field.form.label_suffix,
        choices=tuple((str(value), str(text)) for value, text in field.field.choices),
        chosen="" if chosen is None else str(chosen),
        errors=tuple(field.errors),
    )


def reverse_kept(viewname: str, *args) -> str:
    """``reverse(viewname, args=args)``, kept: a list page reverses the same URL
    pattern for every row, each time at some cost."""
    return kept_url.reverse_kept(viewname, args)
