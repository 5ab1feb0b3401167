"""Choice labels without the cost of ``get_FOO_display()``.

Django's ``get_FOO_display()`` rebuilds a dict of every choice on each call,
and hashing the lazy labels translates each of them: on a list page that is
one translation per choice per row. ``choice_label`` translates one label.
Models override ``get_FOO_display`` with it where lists show the field.
"""

from django.db.models import Choices


def choice_label(choices: type[Choices], value):
    """The label of ``value`` in the active language; the value itself when it is not a choice
    (as ``get_FOO_display()`` does)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
