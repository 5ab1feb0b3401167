"""What an officer may do, remembered between requests.

Each back-office page asked the database three things about the officer before
doing its own work: their own permissions, their groups' permissions (Django's
``ModelBackend``) and whether they have an authenticator app
(``StaffSecondFactorMiddleware``). Those answers change rarely, so they are kept
in the shared cache, one entry per user, valid only for the current
*generation* of everyone's answers and of the user's own: a change that could
alter anyone's (a group or permission granted or taken, a role's permissions, a
migration) starts a new generation for all, so every kept entry is dropped at
once, in every process; a change of one account's (an authenticator added or
removed, the account created or deleted) starts a new one for that account.
The entry is read with both generations in one round trip; when the cache
cannot be reached the database answers as before.

Entries are tagged with the generations read *before* the database was asked,
and a change starts a new generation both at once and when its transaction
commits: an answer read from data about to change is never used after the
change is visible. The entry's key also holds what ``ModelBackend`` reads from
the user row itself (``is_superuser``; ``is_active`` is read each time) and the
row's creation time (ids can be used again on SQLite). A generation missing
(never started, or evicted) is started before an answer is kept under it, and
only if no change started one meanwhile. Entries also expire after
``OFFICER_ACCESS_SECONDS`` (0 keeps nothing).
"""

import logging
import uuid

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

GENERATION_KEY = "officer-access:generation"

_backend = ModelBackend()


def _key(user) -> str:
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"officer-access:{user.pk}:{int(user.is_superuser)}:{joined:.6f}"


def _user_generation_key(user_id) -> str:
    return f"officer-access:generation:{user_id}"


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def officer_access(user) -> bool:
    """Load ``user``'s permissions into ``ModelBackend``'s per-request caches (on the user
    object) and return whether they have an authenticator app (TOTP)."""
    if hasattr(user, "_officer_has_totp"):
        return user._officer_has_totp
    if not user.is_active or not settings.OFFICER_ACCESS_SECONDS:
        # Inactive: no permissions at all (ModelBackend), nothing to keep. Keeping turned off
        # (the test settings: query counts must not depend on what an earlier test left kept).
        has_totp = user._officer_has_totp = _has_totp(user)
        return has_totp
    key, generation_keys = _key(user), (GENERATION_KEY, _user_generation_key(user.pk))
    try:
        found = cache.get_many([*generation_keys, key])
    except Exception:  # the cache is down: ask the database
        log.warning("Officer access: cache unavailable", exc_info=True)
        found = None
    generations = tuple(found.get(k) for k in generation_keys) if found is not None else None
    entry = found.get(key) if found else None
    if entry is not None and None not in generations and tuple(entry[:2]) == generations:
        user_perms, group_perms, has_totp = entry[2:]
        user._user_perm_cache = set(user_perms)
        user._group_perm_cache = set(group_perms)
    else:
        user_perms = _backend.get_user_permissions(user)  # sets user._user_perm_cache
        group_perms = _backend.get_group_permissions(user)  # sets user._group_perm_cache
        has_totp = _has_totp(user)
        if found is not None:
            answer = (frozenset(user_perms), frozenset(group_perms), has_totp)
            _keep(key, dict(zip(generation_keys, generations, strict=True)), answer)
    user._officer_has_totp = has_totp
    return has_totp


def _keep(key: str, generations: dict, answer: tuple) -> None:
    tags = []
    try:
        for generation_key, generation in generations.items():
            if generation is None:
                # None yet (or evicted): start one. Had a change started one since the answer
                # was read, ``add`` would find it and the answer would not be kept.
                generation = uuid.uuid4().hex
                if not cache.add(generation_key, generation, None):
                    return
            tags.append(generation)
        cache.set(key, (*tags, *answer), settings.OFFICER_ACCESS_SECONDS)
    except Exception:
        log.warning("Officer access: cache unavailable", exc_info=True)


def forget_all(**kwargs) -> None:
    """Drop every kept answer: now, and again when the current transaction commits."""
    _new_generation(GENERATION_KEY)
    transaction.on_commit(lambda: _new_generation(GENERATION_KEY), using=kwargs.get("using"))


def forget_user(user_id, using=None) -> None:
    """Drop what is kept for one account: now, and again when the current transaction commits."""
    key = _user_generation_key(user_id)
    _new_generation(key)
    transaction.on_commit(lambda: _new_generation(key), using=using)


def _new_generation(key: str) -> None:
    try:
        cache.set(key, uuid.uuid4().hex, None)
    except Exception:
        log.error("Officer access: could not start a new generation", exc_info=True)
