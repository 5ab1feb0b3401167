"""The member's copy of their data: each app adds its own section.

An app registers a function ``(member) -> JSON-able`` from its ``AppConfig.ready``
with ``register("activities", fn)``; ``collect`` calls them all.
"""

from collections.abc import Callable

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
