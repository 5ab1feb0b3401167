"""The dashboard's figures in Django's cache, counted again as soon as what they count changes.

Each area of the dashboard names the models its figures are made of
(``watch``). Saving or deleting one of them gives the area a new version (a
key in the cache) once the transaction commits, and what was cached under the
old version is never read again. What no signal reports (a queryset
``update()``, the date moving on) waits at most the time a figure is cached;
the pages say when their figures were counted and offer to count them again.

Cached figures are filed under the officer who looks (their unit and their
permissions, hence their scope and what is confidential to them) and the
language, so nobody ever reads figures counted for someone else.
"""

import hashlib
import logging
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

logger = logging.getLogger(__name__)
_VERSION_KEY = "dashboard:version:{area}"
_areas: set[str] = set()
# Per thread and database: the area's new-version callback waiting for the commit, if any.
# Held weakly: once Django runs it (commit) or drops it (rollback), it is gone from here too.
_waiting = threading.local()


def watch(area: str, *models) -> None:
    """The figures of ``area`` are made of these models."""
    _areas.add(area)
    for model in models:
        uid = f"dashboard-cache-{area}-{model._meta.label_lower}"
        receiver = _receiver(area)
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


def all_areas() -> set[str]:
    return set(_areas)


def forget(area: str) -> None:
    """Count the area's figures again, for everybody, on their next view."""
    cache.set(_VERSION_KEY.format(area=area), uuid.uuid4().hex, None)


def _receiver(area: str) -> Callable:
    def changed(sender, using=None, **kwargs) -> None:
        # Once the change is committed (a page counted before then would otherwise be
        # cached under the new version), and once per transaction for each area: an
        # import saves thousands of rows.
        using = using or DEFAULT_DB_ALIAS
        waiting = _waiting.__dict__.setdefault(using, weakref.WeakValueDictionary())
        if waiting.get(area) is not None:
            return

        def new_version() -> None:
            # Out of the table first: a failure below may be logged with this frame, keeping it alive.
            waiting.pop(area, None)
            forget(area)

        waiting[area] = new_version
        # Robust: the change is saved whatever the cache does (cached figures then wait out their time).
        transaction.on_commit(new_version, using=using, robust=True)

    return changed


def versions(areas: Iterable[str]) -> str:
    keys = {area: _VERSION_KEY.format(area=area) for area in sorted(set(areas))}
    found = cache.get_many(keys.values())
    missing = {key: uuid.uuid4().hex for key in keys.values() if key not in found}
    for key, value in missing.items():
        cache.add(key, value, None)  # add: a version set meanwhile wins
    if missing:
        found.update(cache.get_many(missing))
    return ".".join(found.get(key, "-") for key in keys.values())


def viewer(user) -> str:
    """Who looks, as far as the figures are concerned."""
    seen = repr(
        (user.pk, getattr(user, "officer_unit_id", None), user.is_superuser, sorted(user.get_all_permissions()))
    )
    return hashlib.sha256(seen.encode()).hexdigest()[:24]


@dataclass
class Counted:
    value: Any
    counted_at: datetime
    # Read from the cache rather than counted for this request.
    from_cache: bool
    # Its cache key (None when it is not cached): what is made of it can be cached beside it.
    key: str | None = None


def get_or_count(
    name: str, *, user, areas: Iterable[str], seconds: int, compute: Callable[[], Any], recount: bool = False
) -> Counted:
    """``compute()``, or what it gave for this user since the areas last changed (for ``seconds``)."""
    if seconds <= 0:
        return Counted(compute(), timezone.now(), from_cache=False)
    try:
        # The areas' versions hashed: a page reading every area would pass a memcached key's 250 characters.
        version = hashlib.sha256(versions(areas).encode()).hexdigest()[:24]
        key = f"dashboard:figures:{name}:{version}:{viewer(user)}:{translation.get_language()}"
        found = None if recount else cache.get(key)
    except Exception:  # the cache is out of reach: count for this view
        logger.warning("dashboard: the cache is out of reach; %s counted without it", name, exc_info=True)
        return Counted(compute(), timezone.now(), from_cache=False)
    if found is not None:
        return Counted(found["value"], found["counted_at"], from_cache=True, key=key)
    counted_at = timezone.now()
    value = compute()
    try:
        cache.set(key, {"value": value, "counted_at": counted_at}, seconds)
    except Exception:
        logger.warning("dashboard: the cache is out of reach; %s not cached", name, exc_info=True)
        return Counted(value, counted_at, from_cache=False)
    return Counted(value, counted_at, from_cache=False, key=key)
