"""Erasing a member's personal data: each app erases its own part.

An app registers a function ``(member, by) -> None`` from its ``AppConfig.ready``
with ``register("welfare", fn)``; ``erase`` calls them all inside the deletion
request's transaction, before the member's profile itself is anonymised. Like
``data_export``, one registry keeps "what we hold about a member" and "what we
erase" from drifting apart: an app that exports a section must erase it too
(a test checks the two lists match).
"""

from collections.abc import Callable

_erasers: dict[str, Callable] = {}
_last: dict[str, Callable] = {}


def register(name: str, fn: Callable, *, last: bool = False) -> None:
    """``last``: run after every other app's eraser (the e-mails, then the profile and account)."""
    (_last if last else _erasers)[name] = fn


def names() -> list[str]:
    return [*_erasers, *_last]


def erase(member, *, by) -> None:
    for fn in [*_erasers.values(), *_last.values()]:
        fn(member, by)
