"""Reads shared by the worker pages of every area: the signed-in worker's own
member profile and the units above a unit."""

from .models import Member, OrgUnit


def member_for_user(user) -> Member | None:
    """The member profile of ``user`` (one per account) with its unit and its
    union, or ``None``: one query, then cached on the user object for the rest
    of the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user._member_profile
    except AttributeError:
        pass
    try:
        member = Member.objects.select_related("unit", "union").get(user=user)
    except Member.DoesNotExist:
        member = None
    else:
        member.user = user  # loaded already: not joined again
    user._member_profile = member
    return member


def ancestor_paths(unit: OrgUnit) -> list[str]:
    """Paths of the units above ``unit``: prefixes of its materialised path, no query."""
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path), step)]
