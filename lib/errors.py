"""The text of an error as the person who caused it should read it."""


def error_text(exc: Exception) -> str:
    """Every message of a ``ValidationError`` (field errors included, in order), joined by spaces;
    for any other exception (``PermissionDenied``, ``StateChangeRefused``…), its own text.

    Views put it in a form error or a flash message, admin actions in ``message_user``.
    """
    return " ".join(getattr(exc, "messages", [str(exc)]))
