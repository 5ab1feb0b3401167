"""Values kept as JSON and read back as they were: dates, times and decimals included.

A mail's context waits in the outbox until the worker renders it; the template must then
see the ``datetime`` it would have seen at once (for ``|date`` and the time zone), not a
string. Tagged objects (``{"$datetime": "..."}``) carry the types JSON has not.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

_TAGS = {
    "$datetime": datetime.datetime.fromisoformat,
    "$date": datetime.date.fromisoformat,
    "$time": datetime.time.fromisoformat,
    "$decimal": Decimal,
}


def to_json(value: Any) -> Any:
    """``value`` as plain JSON (lazy translations as the text of the active language)."""
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, datetime.datetime):  # before date: a datetime is a date
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, Promise):
        return str(value)
    return value


def from_json(value: Any) -> Any:
    """What ``to_json`` was given (lazy translations come back as text)."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, text),) = value.items()
            if tag in _TAGS and isinstance(text, str):
                return _TAGS[tag](text)
        return {key: from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_json(item) for item in value]
    return value
