"""Text a person can read."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def has_visible_text(value: str) -> bool:
    """Whether ``value`` holds a character that shows: not only spaces, line breaks and
    invisible format characters (zero-width space and joiners, the byte-order mark...)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs") for ch in value or "")


def validate_visible_text(value: str) -> None:
    """A form field validator: refuse text that shows nothing."""
    if not has_visible_text(value):
        raise ValidationError(_("Please write something; this text shows nothing."), code="invisible")


def mask_name(name: str) -> str:
    """A person's name as a public notice shows it: the family name and two stars (王小明 → 王**),
    whatever the name's length, so the length gives nothing away either."""
    name = (name or "").strip()
    return f"{name[0]}**" if name else "**"
