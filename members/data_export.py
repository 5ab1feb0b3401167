"""The member's copy of their data: each app adds its own section.

An app registers a function ``(member) -> JSON-able`` from its ``AppConfig.ready``
with ``register("activities", fn)``; ``collect`` calls them all.
"""

from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext, pgettext_lazy

_sections: dict[str, Callable] = {}


def register(name: str, fn: Callable) -> None:
    _sections[name] = fn


def collect(member) -> dict:
    data = {}
    for name, fn in _sections.items():
        data[name] = fn(member)
    return data


def _membership(member) -> dict:
    user = member.user
    return {
        "profile": {
            "name": member.name,
            "gender": member.gender,
            "date_of_birth": member.date_of_birth.isoformat(),
            "phone": member.phone,
            "email": member.contact_email,
            "employee_number": member.employee_number,
            "unit": str(member.unit),
            "job_title": member.job_title,
            "retired": member.retired,
            "language": member.language,
            "privacy_consent_at": member.privacy_consent_at.isoformat() if member.privacy_consent_at else None,
            "status": member.status,
            "membership_number": member.membership_number,
            "joined_on": member.joined_on.isoformat() if member.joined_on else None,
            "wants_optional_mail": member.wants_optional_mail,
        },
        "account": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        }
        if user
        else None,
        "status_history": [e.exported() for e in member.events.all()],
        "dues": [
            {
                "period": d.period.isoformat(),
                "amount": str(d.amount),
                "paid_on": d.paid_on.isoformat() if d.paid_on else None,
            }
            for d in member.dues.all()
        ],
        "deletion_requests": [
            {"requested_at": r.requested_at.isoformat(), "status": r.status} for r in member.deletion_requests.all()
        ],
    }


def _notifications(member) -> list:
    if not member.user_id:
        return []
    return [
        {"subject": n.subject, "created_at": n.created_at.isoformat(), "status": n.status}
        for n in member.user.notifications.all()
    ]


register("membership", _membership)
register("emails", _notifications)


# Headings of the readable copy of the data (the JSON keeps the keys): one vocabulary for every
# section, the words of the fields, not of any area's rules.
LABELS = {
    "membership": pgettext_lazy("my data", "membership"),
    "profile": pgettext_lazy("my data", "profile"),
    "account": pgettext_lazy("my data", "account"),
    "status_history": pgettext_lazy("my data", "status history"),
    "dues": pgettext_lazy("my data", "dues"),
    "deletion_requests": pgettext_lazy("my data", "deletion requests"),
    "emails": pgettext_lazy("my data", "e-mails and messages"),
    "activities": pgettext_lazy("my data", "activities"),
    "welfare": pgettext_lazy("my data", "help & rights"),
    "feedback": pgettext_lazy("my data", "feedback"),
    "learning": pgettext_lazy("my data", "learning"),
    "care": pgettext_lazy("my data", "care visits"),
    "notices": pgettext_lazy("my data", "notices"),
    "proposals": pgettext_lazy("my data", "your ideas"),
    "surveys": pgettext_lazy("my data", "surveys"),
    "activity": pgettext_lazy("my data", "activity"),
    "amount": pgettext_lazy("my data", "amount"),
    "amount_requested": pgettext_lazy("my data", "amount requested"),
    "answer": pgettext_lazy("my data", "answer"),
    "at": pgettext_lazy("my data", "when"),
    "attachments": pgettext_lazy("my data", "attachments"),
    "body": pgettext_lazy("my data", "text"),
    "brought": pgettext_lazy("my data", "brought"),
    "calendar_feed": pgettext_lazy("my data", "calendar feed"),
    "category": pgettext_lazy("my data", "category"),
    "checked_in_at": pgettext_lazy("my data", "checked in at"),
    "co_signed": pgettext_lazy("my data", "co-signed"),
    "comment": pgettext_lazy("my data", "comment"),
    "consent_note": pgettext_lazy("my data", "consent note"),
    "courses": pgettext_lazy("my data", "courses"),
    "created_at": pgettext_lazy("my data", "created at"),
    "date_joined": pgettext_lazy("my data", "account opened"),
    "date_of_birth": pgettext_lazy("my data", "date of birth"),
    "decided_at": pgettext_lazy("my data", "decided at"),
    "decision_reason": pgettext_lazy("my data", "reason for the decision"),
    "description": pgettext_lazy("my data", "description"),
    "due_on": pgettext_lazy("my data", "due on"),
    "eligibility_exceptions": pgettext_lazy("my data", "exceptions"),
    "email": pgettext_lazy("my data", "e-mail"),
    "employee_number": pgettext_lazy("my data", "employee number"),
    "first": pgettext_lazy("my data", "first"),
    "from": pgettext_lazy("my data", "from"),
    "from_me": pgettext_lazy("my data", "from me"),
    "gender": pgettext_lazy("my data", "gender"),
    "granted_amount": pgettext_lazy("my data", "amount granted"),
    "history": pgettext_lazy("my data", "history"),
    "items": pgettext_lazy("my data", "items"),
    "job_title": pgettext_lazy("my data", "job title"),
    "joined_on": pgettext_lazy("my data", "joined on"),
    "kind": pgettext_lazy("my data", "kind"),
    "language": pgettext_lazy("my data", "language"),
    "last": pgettext_lazy("my data", "last"),
    "last_login": pgettext_lazy("my data", "last login"),
    "material": pgettext_lazy("my data", "material"),
    "membership_number": pgettext_lazy("my data", "membership number"),
    "messages": pgettext_lazy("my data", "messages"),
    "name": pgettext_lazy("my data", "name"),
    "named_answers": pgettext_lazy("my data", "named answers"),
    "note": pgettext_lazy("my data", "note"),
    "notice": pgettext_lazy("my data", "notice"),
    "official_answer": pgettext_lazy("my data", "the union's answer"),
    "on": pgettext_lazy("my data", "on"),
    "on_behalf": pgettext_lazy("my data", "filed for you"),
    "opened": pgettext_lazy("my data", "opened"),
    "opened_on": pgettext_lazy("my data", "opened on"),
    "paid_on": pgettext_lazy("my data", "paid on"),
    "period": pgettext_lazy("my data", "period"),
    "phone": pgettext_lazy("my data", "phone"),
    "place": pgettext_lazy("my data", "place"),
    "posts": pgettext_lazy("my data", "posts"),
    "privacy_consent_at": pgettext_lazy("my data", "privacy consent given"),
    "proposed": pgettext_lazy("my data", "proposed"),
    "published": pgettext_lazy("my data", "published"),
    "raised_at": pgettext_lazy("my data", "raised at"),
    "rating": pgettext_lazy("my data", "rating"),
    "reason": pgettext_lazy("my data", "reason"),
    "reference": pgettext_lazy("my data", "reference"),
    "registrations": pgettext_lazy("my data", "sign-ups"),
    "retired": pgettext_lazy("my data", "retired"),
    "score": pgettext_lazy("my data", "score"),
    "sensitivity": pgettext_lazy("my data", "sensitivity"),
    "signed_up_at": pgettext_lazy("my data", "signed up at"),
    "size": pgettext_lazy("my data", "size"),
    "starts_at": pgettext_lazy("my data", "starts at"),
    "state": pgettext_lazy("my data", "state"),
    "status": pgettext_lazy("my data", "status"),
    "subject": pgettext_lazy("my data", "subject"),
    "submitted_at": pgettext_lazy("my data", "submitted at"),
    "submitted_on": pgettext_lazy("my data", "submitted on"),
    "supported": pgettext_lazy("my data", "supported"),
    "text": pgettext_lazy("my data", "text"),
    "title": pgettext_lazy("my data", "title"),
    "to": pgettext_lazy("my data", "to"),
    "type": pgettext_lazy("my data", "type"),
    "unit": pgettext_lazy("my data", "unit"),
    "uploaded_at": pgettext_lazy("my data", "uploaded at"),
    "visited_on": pgettext_lazy("my data", "visited on"),
    "wants_optional_mail": pgettext_lazy("my data", "wants optional mail"),
    "when": pgettext_lazy("my data", "when"),
    "wish": pgettext_lazy("my data", "wish"),
    "wish_note": pgettext_lazy("my data", "wish note"),
    "requested_at": pgettext_lazy("my data", "requested at"),
}


def readable(value):
    """The data as nested rows for the page: ``{"label", "text"}`` for a value, ``{"label", "rows"}``
    for a record or a list (its items numbered)."""
    if isinstance(value, dict):
        return [_row(LABELS.get(key, key.replace("_", " ")), item, key) for key, item in value.items()]
    if isinstance(value, list):
        return [_row(str(number), item) for number, item in enumerate(value, start=1)]
    return _text(value)


# The keys whose values are codes of a choice (shown by their label).
CODE_KEYS = {"status", "state", "from", "to", "kind", "category", "type", "sensitivity", "gender", "language"}


def _row(label, value, key: str = "") -> dict:
    if isinstance(value, dict | list):
        return {"label": label, "rows": readable(value), "empty": not value}
    if key in CODE_KEYS and isinstance(value, str) and value in _choice_labels():
        return {"label": label, "text": str(_choice_labels()[value])}
    return {"label": label, "text": _text(value)}


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    return str(value)


@cache
def _choice_labels() -> dict:
    """Every stored code of a choice (a state, a kind, a category, a language) with its label, from
    the models' own choices: the file keeps the codes, the page says what they mean."""
    labels = {code: name for code, name in settings.LANGUAGES}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for code, label in getattr(field, "flatchoices", None) or ():
                if isinstance(code, str) and code:
                    labels.setdefault(code, label)
    return labels
