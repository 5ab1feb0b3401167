"""Places on a page where apps above add a section (pretix's template signals, in small).

Members (or welfare) cannot import the apps above them, yet the profile shows
a member's course completions and a request type's guidance links to the
library. A page names a slot, ``{% load slots %}{% slot "members:profile" member=member %}``;
an app registers ``fn(request, **kwargs) -> str`` (rendered HTML, "" for
nothing) for it from its ``AppConfig.ready`` with ``register(slot, fn)``.
"""

from collections.abc import Callable

_slots: dict[str, list[Callable]] = {}


def register(slot: str, fn: Callable) -> None:
    if fn not in _slots.setdefault(slot, []):
        _slots[slot].append(fn)


def render(slot: str, request, **kwargs) -> str:
    return "".join(fn(request, **kwargs) or "" for fn in _slots.get(slot, []))
