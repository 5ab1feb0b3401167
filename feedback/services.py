"""Feedback rules: submission (named or anonymous), answers, the board, states.

Anonymity is kept by what these functions do *not* write: an anonymous item
stores its unit and nothing of the person; no e-mail, log line, history row
or event names its author; the author's side is dated to the day. The author
holds the only key back to the item, a follow-up code of which we keep an
HMAC. See ``feedback/models.py`` for the shape of the data.
"""

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lib import anonymity
from members.models import Member, OrgUnit, User
from members.notify import member_notify
from members.scoping import user_may_see_unit

from .models import Feedback, FeedbackEvent, FeedbackMessage, FeedbackSupport

State = Feedback.State

# Which state may follow which. "Answered" needs an answer first; the two
# decisions are final.
TRANSITIONS: dict[str, set[str]] = {
    State.RECEIVED: {State.CONSIDERING, State.ANSWERED},
    State.CONSIDERING: {State.ANSWERED},
    State.ANSWERED: {State.CONSIDERING, State.ADOPTED, State.NOT_ADOPTED},
    State.ADOPTED: set(),
    State.NOT_ADOPTED: set(),
}

# Anonymous items one worker may send per day, unless settings say otherwise.
ANONYMOUS_PER_DAY = 3
# Wrong follow-up codes one address may try per quarter of an hour.
WRONG_CODES_PER_WINDOW = 10
WRONG_CODE_WINDOW = 15 * 60

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 16  # 80 random bits: guessing is hopeless, so a fast HMAC is enough
CODE_SALT = "feedback.followup-code"


class RateLimited(ValidationError):
    """Too many anonymous items today (a ``ValidationError`` with a clear message)."""


# --- Follow-up codes ----------------------------------------------------------


def followup_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def followup_code_normalise(code: str) -> str:
    """What the author typed, as stored: upper case, no separators, look-alikes folded."""
    folded = (code or "").upper().translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return "".join(ch for ch in folded if ch in CODE_ALPHABET)


def followup_digests(code: str) -> list[str]:
    """The HMAC of ``code`` under the current secret key and every fallback key,
    so rotating ``SECRET_KEY`` (with the old one in fallbacks) keeps codes working."""
    normal = followup_code_normalise(code)
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(CODE_SALT, normal, secret=key, algorithm="sha256").hexdigest() for key in keys]


def feedback_for_code(*, code: str) -> Feedback | None:
    """The anonymous item this follow-up code belongs to, or ``None``."""
    if len(followup_code_normalise(code)) != CODE_LENGTH:
        return None
    digests = followup_digests(code)
    feedback = Feedback.objects.select_related("unit").filter(anonymous=True, followup_digest__in=digests).first()
    if feedback is None:
        return None
    # The index lookup found it; compare in constant time all the same.
    if not any(hmac.compare_digest(feedback.followup_digest, digest) for digest in digests):
        return None
    return feedback


def wrong_code_count(*, client_key: str) -> int:
    return cache.get(_wrong_code_key(client_key), 0)


def wrong_code_record(*, client_key: str) -> int:
    """Count a wrong code from one client; only the cache holds it, briefly."""
    key = _wrong_code_key(client_key)
    cache.add(key, 0, timeout=WRONG_CODE_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WRONG_CODE_WINDOW)
        return 1


def _wrong_code_key(client_key: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_key}".encode()).hexdigest()[:32]
    return f"feedback:wrong-code:{digest}"


# --- Rate limit for anonymous items (cache only) ------------------------------


# Every counter of a day expires at this moment after the day ends, whenever
# it was set: its lifetime and expiry tell nothing of the first item's time.
COUNTER_GRACE = timedelta(hours=1)
COUNTER_SALT = "feedback.anonymous-counter"


def _counter_day_and_timeout() -> tuple[date, int]:
    """Today in the project's time zone and the seconds until every counter of
    today expires: one hour after today ends (``lib.anonymity``)."""
    return anonymity.day_and_expiry(COUNTER_GRACE)


def _anonymous_counter_key(member: Member, day: date | None = None) -> str:
    """A cache key per worker and day that the database never sees.

    An HMAC of the member id under ``SECRET_KEY`` with the ISO date in its key
    salt: nothing secret is kept in the cache, and a new day is a new key. Who
    holds both the secret key and the cache can still test, for today's
    counters only, whether a given worker sent anonymous items today (not
    which ones); yesterday's counters are gone.
    """
    day = day or _counter_day_and_timeout()[0]
    digest = anonymity.member_digest(purpose=COUNTER_SALT, scope=day.isoformat(), member_id=member.pk)
    return f"feedback:anon:{day.isoformat()}:{digest}"


def anonymous_limit() -> int:
    return getattr(settings, "FEEDBACK_ANONYMOUS_PER_DAY", ANONYMOUS_PER_DAY)


def _anonymous_rate_limit(member: Member) -> None:
    day, timeout = _counter_day_and_timeout()
    key = _anonymous_counter_key(member, day)
    cache.add(key, 0, timeout=timeout)
    try:
        sent = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=timeout)
        sent = 1
    limit = anonymous_limit()
    if sent > limit:
        raise RateLimited(
            _(
                "You have already sent %(limit)d anonymous items today, the most we accept in one day. "
                "Please send this one tomorrow, or send it with your name."
            )
            % {"limit": limit},
            code="rate_limited",
        )


# --- The unit an anonymous item names ----------------------------------------

# An anonymous item names a unit with at least this many members below it.
ANONYMOUS_MIN_UNIT_SIZE = anonymity.MIN_CROWD
# Members who left are no longer among those who could have written.
_GONE = (Member.Status.WITHDRAWN, Member.Status.TRANSFERRED)


def anonymous_unit(member: Member) -> OrgUnit:
    """The unit an anonymous item by ``member`` is filed under.

    The author's own unit if it and the units below it have at least
    ``ANONYMOUS_MIN_UNIT_SIZE`` members (withdrawn and transferred ones not
    counted); otherwise the first unit above it that has, walking up; and at
    the latest the author's grassroots union (or federation), however small,
    so the item stays with the union that handles it. A group of three
    therefore cannot tell which of them wrote it.
    """
    unit = member.unit
    walk = [unit, *reversed(OrgUnit.objects.get_ancestors(unit))]
    for candidate in walk:
        if candidate.kind in (OrgUnit.Kind.UNION, OrgUnit.Kind.FEDERATION):
            return candidate
        members = Member.objects.filter(candidate.subtree_q("unit")).exclude(status__in=_GONE)
        if members[:ANONYMOUS_MIN_UNIT_SIZE].count() >= ANONYMOUS_MIN_UNIT_SIZE:
            return candidate
    return walk[-1]


# --- Submission ---------------------------------------------------------------


@transaction.atomic
def feedback_submit(
    *, member: Member, category: str, title: str, body: str, anonymous: bool
) -> tuple[Feedback, str | None]:
    """Save a worker's item. Returns the item and, for an anonymous one, its
    follow-up code: show it once, it is not stored and cannot be shown again.

    An anonymous item records a unit (the author's, or the one above it if it is
    small: ``anonymous_unit``) and nothing else; the rate limit counts it in the
    cache under a salted hash, never in the database.
    """
    if not title.strip() or not body.strip():
        raise ValidationError(_("Give your feedback a title and a text."))
    if category not in Feedback.Category.values:
        raise ValidationError(_("Choose a category."))
    code = None
    feedback = Feedback(unit=member.unit, category=category, title=title.strip(), body=body.strip())
    if anonymous:
        _anonymous_rate_limit(member)
        feedback.unit = anonymous_unit(member)
        code = followup_code_new()
        feedback.anonymous = True
        feedback.followup_digest = followup_digests(code)[0]
    else:
        feedback.author = member
    feedback.full_clean()
    feedback.save()
    return feedback, code


# --- Conversation ---------------------------------------------------------------


def _next_position(feedback: Feedback) -> int:
    last = feedback.messages.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _locked(feedback: Feedback) -> Feedback:
    return Feedback.objects.select_for_update(of=("self",)).select_related("unit", "author__user").get(pk=feedback.pk)


@transaction.atomic
def feedback_author_reply(*, feedback: Feedback, text: str) -> FeedbackMessage:
    """The author writes back. The caller has proved authorship (named: the
    logged-in author; anonymous: the follow-up code); nothing here records who."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a message first."))
    feedback = _locked(feedback)
    if feedback.is_decided:
        raise ValidationError(_("This item has been decided; the conversation is closed."))
    message = FeedbackMessage.objects.create(
        feedback=feedback, position=_next_position(feedback), from_author=True, text=text
    )
    # An UPDATE, not save(): no history row, whoever is logged in.
    Feedback.objects.filter(pk=feedback.pk).update(awaiting_answer=True)
    return message


def _check_officer(*, by: User, feedback: Feedback, perm: str) -> None:
    if not (by.is_active and by.is_staff and by.has_perm(perm) and user_may_see_unit(by, feedback.unit)):
        raise PermissionDenied(_("You may not handle this feedback."))


def _has_answer(feedback: Feedback) -> bool:
    return bool(feedback.official_answer) or feedback.messages.filter(from_author=False).exists()


@transaction.atomic
def feedback_answer(*, feedback: Feedback, by: User, text: str) -> FeedbackMessage:
    """Answer the author privately. A named author is e-mailed; an anonymous
    one reads it with their follow-up code. An item still open becomes "answered"."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the answer first."))
    feedback = _locked(feedback)
    _check_officer(by=by, feedback=feedback, perm="feedback.answer_feedback")
    message = FeedbackMessage.objects.create(
        feedback=feedback, position=_next_position(feedback), from_author=False, officer=by, text=text
    )
    to = State.ANSWERED if feedback.state in (State.RECEIVED, State.CONSIDERING) else feedback.state
    FeedbackEvent.record(feedback, kind=FeedbackEvent.Kind.ANSWER, to=to, by=by)
    feedback.awaiting_answer = False
    feedback.save(update_fields=["state", "awaiting_answer"])
    _notify_author(feedback=feedback, template="feedback-answered", key=f"answer:{message.pk}", context={"text": text})
    return message


@transaction.atomic
def feedback_publish(*, feedback: Feedback, by: User, official_answer: str) -> Feedback:
    """Put the item on the public board with the union's official answer (or
    change that answer). An item still open becomes "answered". The board
    never shows who wrote an item."""
    official_answer = official_answer.strip()
    if not official_answer:
        raise ValidationError(_("An item is published with an official answer; write it first."))
    feedback = _locked(feedback)
    _check_officer(by=by, feedback=feedback, perm="feedback.publish_feedback")
    first_time = not feedback.published
    to = State.ANSWERED if feedback.state in (State.RECEIVED, State.CONSIDERING) else feedback.state
    FeedbackEvent.record(feedback, kind=FeedbackEvent.Kind.PUBLISH, to=to, by=by)
    feedback.official_answer = official_answer
    feedback.published = True
    if first_time:
        feedback.published_at = timezone.now()
        feedback.published_by = by
    feedback.awaiting_answer = False
    feedback.save()
    _notify_author(
        feedback=feedback,
        template="feedback-published",
        key=f"publish:{feedback.events.count()}",
        context={"text": official_answer, "board_url": settings.SITE_URL + reverse("feedback:board")},
    )
    return feedback


@transaction.atomic
def feedback_unpublish(*, feedback: Feedback, by: User, note: str = "") -> Feedback:
    """Take an item off the board. Its supports are kept for a later return."""
    feedback = _locked(feedback)
    _check_officer(by=by, feedback=feedback, perm="feedback.publish_feedback")
    if not feedback.published:
        raise ValidationError(_("This item is not on the board."))
    FeedbackEvent.record(feedback, kind=FeedbackEvent.Kind.UNPUBLISH, to=feedback.state, by=by, note=note)
    feedback.published = False
    feedback.save()
    return feedback


@transaction.atomic
def feedback_transition(*, feedback: Feedback, to: str, by: User, note: str = "") -> Feedback:
    """Move an item to another state, if the move is allowed, and record it.

    The one door for state changes (the answer and publish services use the
    same record). "Answered" needs an answer; "not adopted" needs a reason.
    """
    feedback = _locked(feedback)
    _check_officer(by=by, feedback=feedback, perm="feedback.change_feedback")
    if to not in TRANSITIONS.get(feedback.state, set()):
        raise ValidationError(
            _("Feedback cannot go from “%(from)s” to “%(to)s”.")
            % {"from": feedback.get_state_display(), "to": State(to).label}
            if to in State.values
            else _("Unknown state.")
        )
    if to == State.ANSWERED and not _has_answer(feedback):
        raise ValidationError(_("Answer the author or publish an official answer first."))
    if to == State.NOT_ADOPTED and not note.strip():
        raise ValidationError(_("Give the author a reason why the item is not adopted."))
    FeedbackEvent.record(feedback, kind=FeedbackEvent.Kind.STATE, to=to, by=by, note=note.strip())
    feedback.save(update_fields=["state"])
    if to != State.ANSWERED:
        _notify_author(
            feedback=feedback,
            template="feedback-state",
            key=f"state:{feedback.events.count()}:{to}",
            context={"note": note.strip()},
        )
    return feedback


def feedback_bulk_transition(*, items, to: str, by: User, note: str = "") -> tuple[int, list[str]]:
    """Move each item in turn; returns how many moved and why the others did not."""
    moved, errors = 0, []
    for feedback in items:
        try:
            feedback_transition(feedback=feedback, to=to, by=by, note=note)
            moved += 1
        except (ValidationError, PermissionDenied) as exc:
            errors.append(f"{feedback.reference}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    return moved, errors


def _notify_author(*, feedback: Feedback, template: str, key: str, context: dict) -> None:
    """E-mail a named author. Anonymous authors are never e-mailed: there is
    no one to write to, and the mail row would put a clock on the item."""
    if feedback.anonymous or feedback.author is None:
        return
    member_notify(
        member=feedback.author,
        key=f"feedback:{feedback.pk}:{key}",
        template=template,
        context=lambda: {
            "name": feedback.author.name,
            "title": feedback.title,
            "reference": feedback.reference,
            "category_label": str(feedback.get_category_display()),
            "state": feedback.state,
            "state_label": str(feedback.get_state_display()),
            "item_url": settings.SITE_URL + reverse("feedback:detail", args=[feedback.pk]),
            **context,
        },
    )


# --- Support on the board -------------------------------------------------------


def _check_may_support(*, feedback: Feedback, member: Member) -> None:
    from .selectors import board_for_member

    if not member.is_active_member:
        raise PermissionDenied(_("Only union members can support items on the board."))
    if not board_for_member(member=member).filter(pk=feedback.pk).exists():
        raise ValidationError(_("Only items published on the board can be supported."))


@transaction.atomic
def feedback_support(*, feedback: Feedback, member: Member) -> bool:
    """Support a published item. Returns False if the member already did:
    the unique constraint, not a prior check, decides a double click."""
    _check_may_support(feedback=feedback, member=member)
    try:
        with transaction.atomic():
            FeedbackSupport.objects.create(feedback=feedback, member=member)
    except IntegrityError:
        return False  # the other click (or tab) got there first
    return True


@transaction.atomic
def feedback_support_withdraw(*, feedback: Feedback, member: Member) -> bool:
    deleted, _ = FeedbackSupport.objects.filter(feedback=feedback, member=member).delete()
    return bool(deleted)


# --- Personal data ----------------------------------------------------------------


def member_feedback_data(member: Member) -> dict:
    """The member's named items and supports, for "download my data".

    Anonymous items are not here: nothing ties them to the member.
    """
    items = (
        Feedback.objects.filter(author=member, anonymous=False)
        .prefetch_related("messages")
        .order_by("submitted_on", "id")
    )
    supports = member.feedback_supports.select_related("feedback").order_by("created_at")
    return {
        "items": [
            {
                "reference": item.reference,
                "category": item.category,
                "title": item.title,
                "text": item.body,
                "submitted_on": item.submitted_on.isoformat(),
                "state": item.state,
                "published": item.published,
                "official_answer": item.official_answer,
                "messages": [
                    {"from_me": m.from_author, "on": m.written_on.isoformat(), "text": m.text}
                    for m in item.messages.all()
                ],
            }
            for item in items
        ],
        "supported": [
            {"reference": s.feedback.reference, "title": s.feedback.title, "at": s.created_at.isoformat()}
            for s in supports
        ],
    }


def member_feedback_erase(member: Member, by: User) -> None:
    """Erase the member's named feedback (anonymous items were never tied to them).

    Every named item loses its author. An item still private also loses its
    title, text and the author's messages. An item the union published keeps
    its title and text, which officers vetted for the board and answered in
    public, but nothing says who wrote it any more. The author's messages go
    from every item. The change history of these
    items (it holds the author and old texts) goes. Supports stay, counted for
    the anonymised profile, so the board's figures do not change.
    """
    erased = _("(erased at the author's request)")
    items = list(Feedback.objects.select_for_update().filter(author=member))
    if not items:
        return
    for item in items:
        item.author = None
        if not item.published:
            item.title = erased[:120]
            item.body = erased
        item.skip_history_when_saving = True
        item.save()
        del item.skip_history_when_saving
    ids = [item.pk for item in items]
    # The private conversation goes for every item, published or not.
    FeedbackMessage.objects.filter(feedback_id__in=ids, from_author=True).update(text=erased)
    Feedback.history.filter(id__in=ids).delete()
