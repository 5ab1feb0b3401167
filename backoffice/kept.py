"""Figures kept for a short while, and counted again as soon as what they count changes.

Each area of the back office names the models its figures are made of
(``watch``). Saving or deleting one of them gives the area a new version once
the transaction commits, and what was kept under the old version is never read
again. What no signal reports (a queryset ``update()``, the date moving on)
waits at most the time a figure is kept; the pages say when their figures were
counted and offer to count them again.

Kept figures are filed under the officer who looks (their unit and their
permissions, hence their scope and what is confidential to them) and the
language, so nobody ever reads figures counted for someone else.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

logger = logging.getLogger(__name__)
_VERSION_KEY = "backoffice:version:{area}"
_areas: set[str] = set()


def watch(area: str, *models) -> None:
    """The figures of ``area`` are made of these models."""
    _areas.add(area)
    for model in models:
        uid = f"backoffice-kept-{area}-{model._meta.label_lower}"
        receiver = _receiver(area)
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


def all_areas() -> set[str]:
    return set(_areas)


def forget(area: str) -> None:
    """Count the area's figures again, for everybody, on their next view."""
    cache.set(_VERSION_KEY.format(area=area), uuid.uuid4().hex, None)


def _receiver(area: str) -> Callable:
    def forget_this_area() -> None:
        forget(area)

    forget_this_area.area = area

    def changed(sender, using=None, **kwargs) -> None:
        # Once the change is committed (a page counted before then would otherwise be
        # kept under the new version), and once per transaction for each area: an
        # import saves thousands of rows.
        connection = transaction.get_connection(using)
        if connection.in_atomic_block and any(
            getattr(part, "area", None) == area for entry in connection.run_on_commit for part in entry
        ):
            return
        # Robust: the change is saved whatever the cache does (kept figures then wait out their time).
        transaction.on_commit(forget_this_area, using=using, robust=True)

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
class Kept:
    value: Any
    counted_at: datetime
    # Read from the cache rather than counted for this request.
    kept: bool
    # Where it is kept (None when nothing is kept): what is made of it can be kept beside it.
    key: str | None = None


def remember(
    name: str, *, user, areas: Iterable[str], seconds: int, compute: Callable[[], Any], recount: bool = False
) -> Kept:
    """``compute()``, or what it gave for this user since the areas last changed (for ``seconds``)."""
    if seconds <= 0:
        return Kept(compute(), timezone.now(), kept=False)
    try:
        key = f"backoffice:kept:{name}:{versions(areas)}:{viewer(user)}:{translation.get_language()}"
        found = None if recount else cache.get(key)
    except Exception:  # the cache is out of reach: count for this view
        logger.warning("backoffice: the cache is out of reach; %s counted without it", name, exc_info=True)
        return Kept(compute(), timezone.now(), kept=False)
    if found is not None:
        return Kept(found["value"], found["counted_at"], kept=True, key=key)
    counted_at = timezone.now()
    value = compute()
    try:
        cache.set(key, {"value": value, "counted_at": counted_at}, seconds)
    except Exception:
        logger.warning("backoffice: the cache is out of reach; %s not kept", name, exc_info=True)
        return Kept(value, counted_at, kept=False)
    return Kept(value, counted_at, kept=False, key=key)
