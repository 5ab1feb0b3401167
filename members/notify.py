"""The one door through which any part of the portal writes to a member.

``member_notify`` (one member, inside the change's transaction) and
``members_notify_many`` (a scheduled job's batch) decide whether a member can
be reached and on which channels (``Member.reach``: e-mail, text message or
both, by their choice), in which language (theirs), and whether the mail is
optional (then it carries a one-click unsubscribe link, or the opt-out word in a
text, and is not sent once the member turns it off). They hand the mail to the
generic outbox (``notifications``), which knows nothing of members.

The outbox asks ``optional_mail_refused`` (named by the ``OUTBOX_OPT_OUT``
setting, as ``EMAIL_BACKEND`` names a class) which optional rows not to send:
the preference lives on the member, and the outbox must not import members.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation

from notifications.services import Mail, notification_enqueue, notification_enqueue_many

from .models import Member

UNSUBSCRIBE_SALT = "notifications.unsubscribe"  # unchanged: links in mails already sent stay valid

Context = dict | Callable[[], dict]


def _context_in_language(context: Context, language: str) -> dict:
    # Labels (states, types) are worked out in the member's language.
    if callable(context):
        with translation.override(language):
            return context()
    return context


def member_notify(
    *, member: Member, template: str, key: str, context: Context, optional: bool = False, render_later: bool = False
):
    """Queue one mail to ``member`` in their language, once per ``key``.

    ``render_later``: the worker renders the mail when it sends it (``notification_enqueue``).

    ``context`` is a dict, or a function called in the member's language (for
    translated labels). Nothing is queued when the member has no address nor number.
    Returns the outbox row (the e-mail's when there is one), or ``None``.
    """
    to_email, to_phone = member.reach()
    if not to_email and not to_phone:
        return None
    context = dict(_context_in_language(context, member.language))
    headers = None
    if optional and to_email:
        url = unsubscribe_url_for(member=member)
        context["unsubscribe_url"] = url
        headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return notification_enqueue(
        key=key,
        to_email=to_email,
        to_phone=to_phone,
        user=member.user if member.user_id else None,
        language=member.language,
        template=template,
        context=context,
        optional=optional,
        headers=headers,
        render_later=render_later,
    )


def members_notify_many(
    *,
    items: Sequence,
    template: str,
    key: Callable[[Any], str],
    context: Callable[[Any], dict],
    member_of: Callable[[Any], Member] = lambda item: item,
    optional: bool = False,
) -> int:
    """``member_notify`` for a batch, with a constant number of queries.

    ``items`` are members, or anything ``member_of`` leads to one (a
    registration: one mail per item, a member may appear twice). ``key`` and
    ``context`` are functions of the item. Returns how many mails are new.
    A member needs ``name``, ``email``, ``phone``, ``channel``, ``language``, ``user_id``
    and ``user__email``, ``user__phone``, ``user__phone_verified`` loaded.
    """
    reach: dict[int, tuple[str, str]] = {}
    pairs = []
    for item in items:
        member = member_of(item)
        if member.pk not in reach:
            reach[member.pk] = member.reach()
        if any(reach[member.pk]):
            pairs.append((item, member))
    by_mail = [member for _, member in pairs if reach[member.pk][0]]
    unsubscribe_urls = unsubscribe_urls_for(members=by_mail) if optional else {}
    mails = [
        Mail(
            key=key(item),
            to_email=reach[member.pk][0],
            to_phone=reach[member.pk][1],
            user_id=member.user_id,
            language=member.language,
            template=template,
            context=context(item),
            unsubscribe_url=unsubscribe_urls.get(member.pk, ""),
            optional=optional,
        )
        for item, member in pairs
    ]
    return notification_enqueue_many(mails=mails)


def with_address(members: QuerySet) -> QuerySet:
    """Members who can be written to, by e-mail or text; mirrors ``Member.reach``."""
    return members.filter(
        Q(user__email__gt="") | Q(email__gt="") | Q(phone__gt="") | Q(user__phone_verified=True)
    ).select_related("user")


# --- Optional mail: the outbox's opt-out question and the unsubscribe link -----


def optional_mail_refused(notifications: Iterable) -> set[int]:
    """Ids of the optional outbox rows whose member has turned optional mail off (one query).

    The outbox calls this through ``settings.OUTBOX_OPT_OUT``; a row names its
    recipient by ``user_id``, or by address when the member has no account.
    """
    optional = [n for n in notifications if n.optional]
    if not optional:
        return set()
    texts = [n for n in optional if n.channel == "sms"]
    refused = _optional_texts_refused(texts) if texts else set()
    optional = [n for n in optional if n.channel != "sms"]
    if not optional:
        return refused
    user_ids = {n.user_id for n in optional if n.user_id}
    emails = {n.to_email.lower() for n in optional if not n.user_id}
    opted_out = (
        Member.objects.filter(wants_optional_mail=False)
        .annotate(email_lower=Lower("email"))
        .filter(Q(user_id__in=user_ids) | Q(user=None, email_lower__in=emails))
        .values_list("user_id", "email_lower")
    )
    off_users, off_emails = set(), set()
    for user_id, email in opted_out:
        if user_id:
            off_users.add(user_id)
        else:
            off_emails.add(email)
    return refused | {
        n.pk for n in optional if (n.user_id in off_users if n.user_id else n.to_email.lower() in off_emails)
    }


def _optional_texts_refused(texts: list) -> set[int]:
    """Ids of the optional texts whose member replied TD (or turned optional texts off): one query."""
    user_ids = {n.user_id for n in texts if n.user_id}
    phones = {n.to_phone for n in texts if not n.user_id}
    off_users, off_phones = set(), set()
    for user_id, phone in (
        Member.objects.filter(wants_optional_sms=False)
        .filter(Q(user_id__in=user_ids) | Q(user=None, phone__in=phones))
        .values_list("user_id", "phone")
    ):
        if user_id:
            off_users.add(user_id)
        else:
            off_phones.add(phone)
    return {n.pk for n in texts if (n.user_id in off_users if n.user_id else n.to_phone in off_phones)}


# Replies that mean "no more optional texts" (carriers' convention: TD, T, 退订; N).
OPT_OUT_WORDS = frozenset({"TD", "T", "N", "退订", "STOP", "UNSUBSCRIBE"})


def sms_opt_out_reply(*, phone: str, text: str) -> int:
    """A reply to one of our texts (``SMS_OPT_OUT_REPLY``): TD and its kin turn optional texts off
    for the members this number reaches. Returns how many members it turned off."""
    if text.strip().upper() not in OPT_OUT_WORDS:
        return 0
    members = Member.objects.filter(
        Q(user__phone=phone, user__phone_verified=True) | Q(phone=phone), wants_optional_sms=True
    )
    count = 0
    for member in members:  # one by one, so the history records each change
        member.wants_optional_sms = False
        member.save(update_fields=["wants_optional_sms"])
        count += 1
    return count


def unsubscribe_token_for(*, member: Member, signer: signing.Signer | None = None) -> str:
    return (signer or signing.Signer(salt=UNSUBSCRIBE_SALT)).sign(str(member.pk))


def unsubscribe_url_for(*, member: Member) -> str:
    return settings.SITE_URL + reverse("mail:unsubscribe", args=[unsubscribe_token_for(member=member)])


def unsubscribe_urls_for(*, members: Iterable[Member]) -> dict[int, str]:
    """``unsubscribe_url_for`` of many members: one signer and one URL reversal for all."""
    members = list(members)
    if not members:
        return {}
    signer = signing.Signer(salt=UNSUBSCRIBE_SALT)
    tokens = {member.pk: unsubscribe_token_for(member=member, signer=signer) for member in members}
    # A signed token is [0-9:A-Za-z_-]: the URL holds it as it is, so one reversal serves every member.
    sample_token = tokens[members[0].pk]
    prefix, _, suffix = unsubscribe_url_for(member=members[0]).rpartition(sample_token)
    return {pk: f"{prefix}{token}{suffix}" for pk, token in tokens.items()}


def member_from_unsubscribe_token(token: str) -> Member | None:
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Member.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
