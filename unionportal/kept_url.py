"""``{% url %}`` with the reversed URLs kept per process.

Each page reverses the same few URL patterns on every request (the header's
links, a page's buttons), and a reversal walks the resolver each time: about
a tenth of a worker page's time on the bench. This tag replaces Django's
built-in one (it is listed in the template engine's ``builtins``) and keeps
each URL by everything it depends on: the name, plain arguments, the current
application, the URL prefix, URLconf and language. Arguments other than strings and
numbers (a model instance, say) are reversed every time, as before.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as builtin_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = Library()

KEPT_URLS = 4096
_PLAIN = (str, int)


def _current_app(context) -> str | None:
    # As Django's URLNode finds it.
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


@lru_cache(maxsize=KEPT_URLS)
def _reverse(view_name: str, args: tuple, kwargs: tuple, current_app, *_context) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def reverse_kept(view_name: str, args=(), kwargs=None, current_app=None) -> str:
    """``reverse()``, kept when every argument is a string or a number."""
    kwargs = kwargs or {}
    if not all(type(value) in _PLAIN for value in (*args, *kwargs.values())):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return _reverse(view_name, tuple(args), tuple(sorted(kwargs.items())), current_app, *url_context())


def url_context() -> tuple:
    """What else a URL depends on: the prefix, the URLconf and the language (for
    language-prefixed patterns, should there be any)."""
    return get_script_prefix(), get_urlconf(), get_language()


def reverse_plain(context: tuple, view_name: str, args: tuple) -> str:
    """``reverse(view_name, args=args)`` for plain ``args``, kept, with the
    ``url_context()`` read once by the caller (a page of rows)."""
    return _reverse(view_name, args, (), None, *context)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    # ROOT_URLCONF (or the settings a URLconf reads) changed: tests only.
    _reverse.cache_clear()


class KeptURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        url = ""
        try:
            url = reverse_kept(view_name, args, kwargs, _current_app(context))
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = builtin_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
