"""What an officer may do, remembered between requests.

Each back-office page asked the database three things about the officer before
doing its own work: their own permissions, their groups' permissions (Django's
``ModelBackend``) and whether they have an authenticator app
(``StaffSecondFactorMiddleware``). Those answers change rarely, so they are kept
in the shared cache, one entry per user, valid only for the current
*generation*: any change that could alter them (a group or permission granted
or taken, a role's permissions, an authenticator added or removed, a user
created or deleted, a migration) starts a new generation, so every kept entry
is dropped at once, in every process. The entry is read with the generation in
one round trip; when the cache cannot be reached the database answers as before.

Entries are tagged with the generation read *before* the database was asked,
and a change starts a new generation both at once and when its transaction
commits: an answer read from data about to change is never used after the
change is visible. The entry's key also holds what ``ModelBackend`` reads from
the user row itself (``is_superuser``), and the row's creation time (ids can be
used again on SQLite). Entries also expire after ``TIMEOUT`` seconds.
"""

import logging
import uuid

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

GENERATION_KEY = "officer-access:generation"
TIMEOUT = 300

_backend = ModelBackend()


def _key(user) -> str:
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"officer-access:{user.pk}:{int(user.is_superuser)}:{joined:.6f}"


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def officer_access(user) -> bool:
    """Load ``user``'s permissions into ``ModelBackend``'s per-request caches (on the user
    object) and return whether they have an authenticator app (TOTP)."""
    if hasattr(user, "_officer_has_totp"):
        return user._officer_has_totp
    if not user.is_active:
        return _has_totp(user)  # no permissions at all (ModelBackend): nothing to keep
    key = _key(user)
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # the cache is down: ask the database
        log.warning("Officer access: cache unavailable", exc_info=True)
        found = None
    generation = found.get(GENERATION_KEY) if found is not None else None
    entry = found.get(key) if found else None
    if generation is not None and entry is not None and entry[0] == generation:
        _, user_perms, group_perms, has_totp = entry
        user._user_perm_cache = set(user_perms)
        user._group_perm_cache = set(group_perms)
    else:
        user_perms = _backend.get_user_permissions(user)  # sets user._user_perm_cache
        group_perms = _backend.get_group_permissions(user)  # sets user._group_perm_cache
        has_totp = _has_totp(user)
        if found is not None:
            _keep(key, generation, (frozenset(user_perms), frozenset(group_perms), has_totp))
    user._officer_has_totp = has_totp
    return has_totp


def _keep(key: str, generation, answer: tuple) -> None:
    try:
        if generation is None:
            # None yet (or evicted): start one. Had a change started one since the answer was
            # read, ``add`` would find it and the answer would not be kept.
            generation = uuid.uuid4().hex
            if not cache.add(GENERATION_KEY, generation, None):
                return
        cache.set(key, (generation, *answer), TIMEOUT)
    except Exception:
        log.warning("Officer access: cache unavailable", exc_info=True)


def forget_all(**kwargs) -> None:
    """Drop every kept answer: now, and again when the current transaction commits."""
    _new_generation()
    transaction.on_commit(_new_generation, using=kwargs.get("using"))


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:
        log.error("Officer access: could not start a new generation", exc_info=True)
